#!/usr/bin/env bash
# Writes the reference blocking profiles: for every trace in traces/ and every type of
# `go tool trace -pprof=TYPE` (net, sync, syscall, sched), Go 1.27's output (already a
# gzip-compressed profile.proto) -> golden-pprof/<trace>.<type>.pb.gz, and for the damaged
# variants in damaged/ the sync and sched profiles (or Go's error) -> golden-pprof/damaged/.
# Then proves our encoding: `gotrace pprof` output for one trace per type must open in
# `go tool pprof -top`.
#
# Usage: bash testdata/tools/capture-pprof.sh        (called by regen.sh; needs Go 1.27 and dotnet)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)   # testdata
repo=$(dirname "$here")
goroot=${GO_DEBIAN_ROOT:-/opt/go-debian}/usr/lib/go-1.27
[ -x "$goroot/bin/go" ] || { echo "capture-pprof.sh: Go 1.27 is not installed at $goroot (run ../shared/tools/install-go.sh 1.27)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/gotrace-pprof.XXXXXX")
trap 'rm -rf "$work"' EXIT
gocmd() {
  env GOROOT="$goroot" PATH="$goroot/bin:$PATH" GOTOOLCHAIN=local GOPROXY=off GOWORK=off GOENV=off \
    GOCACHE="${GOCACHE:-$work/gocache}" GOPATH="$work/gopath" "$goroot/bin/go" "$@"
}
gocmd tool trace -h >/dev/null 2>&1 || true

out=$here/golden-pprof
rm -rf "$out"; mkdir -p "$out/damaged"
n=0
for t in "$here"/traces/*.trace; do
  name=$(basename "$t")
  for type in net sync syscall sched; do
    gocmd tool trace -pprof=$type "$t" >"$out/$name.$type.pb.gz" 2>"$work/err" || {
      echo "capture-pprof.sh: go tool trace -pprof=$type $name failed: $(cat "$work/err")" >&2; exit 1; }
    n=$((n+1))
  done
done
for t in "$here"/damaged/*; do
  case $t in *.gz|*.err|*.tsv) continue ;; esac
  name=$(basename "$t")
  for type in sync sched; do
    if gocmd tool trace -pprof=$type "$t" >"$out/damaged/$name.$type.pb.gz" 2>"$work/err"; then
      n=$((n+1))
    else
      st=$?
      rm -f "$out/damaged/$name.$type.pb.gz"
      { echo "exit=$st"; cat "$work/err"; } >"$out/damaged/$name.$type.err"
    fi
  done
done
echo "capture-pprof.sh: $n profiles from $(gocmd version)" >&2

# Our encoding must be readable by go tool pprof.
dotnet build "$repo/server/GoTrace.Server" -c Release -o "$work/gotrace" --nologo -v q >/dev/null
for type in net sync syscall sched; do
  for t in "$here"/traces/netio.go1.27.trace "$here"/traces/blocking.go1.27.trace; do
    dotnet "$work/gotrace/gotrace.dll" pprof --type $type "$t" -o "$work/ours.pb.gz"
    gocmd tool pprof -top "$work/ours.pb.gz" >"$work/top" 2>&1 || { cat "$work/top" >&2; echo "capture-pprof.sh: go tool pprof cannot read our $type profile of $(basename "$t")" >&2; exit 1; }
  done
done
echo "capture-pprof.sh: go tool pprof -top reads our net/sync/syscall/sched profiles" >&2

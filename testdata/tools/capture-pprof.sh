#!/usr/bin/env bash
# Writes the reference blocking profiles: for every trace in traces/ and every type of
# `go tool trace -pprof=TYPE` (net, sync, syscall, sched), Go 1.27's output (already a
# gzip-compressed profile.proto) -> golden-pprof/<trace>.<type>.pb.gz, and for the damaged
# variants in damaged/ the sync and sched profiles (or Go's error) -> golden-pprof/damaged/.
# Then proves our encoding: `gotrace pprof` output for one trace per type must open in
# `go tool pprof -top`.
#
# Usage: bash testdata/tools/capture-pprof.sh        (called by regen.sh; needs Go 1.27, curl and dotnet)
#        CAPTURE_HTTP_ONLY=1 ...: only redo the web UI's filtered profiles (golden-pprof/http)
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
if [ "${CAPTURE_HTTP_ONLY:-0}" = 1 ]; then rm -rf "$out/http"; else rm -rf "$out"; fi
mkdir -p "$out/damaged" "$out/http"
n=0
for t in "$here"/traces/*.trace; do
  [ "${CAPTURE_HTTP_ONLY:-0}" = 1 ] && break
  name=$(basename "$t")
  for type in net sync syscall sched; do
    gocmd tool trace -pprof=$type "$t" >"$out/$name.$type.pb.gz" 2>"$work/err" || {
      echo "capture-pprof.sh: go tool trace -pprof=$type $name failed: $(cat "$work/err")" >&2; exit 1; }
    n=$((n+1))
  done
done
for t in "$here"/damaged/*; do
  [ "${CAPTURE_HTTP_ONLY:-0}" = 1 ] && break
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

# The filtered profiles of the web UI: /io|/block|/syscall|/sched?name=GROUP (goroutine mode) and
# /regionio|/regionblock|/regionsyscall|/regionsched?type=T[&pc=..][&latmin=..] (region mode), raw=1.
# golden-pprof/http/<trace>/<n>.pb.gz; golden-pprof/http/<trace>/MANIFEST.tsv lists "<n>\t<path?query>".
http_cases() { # TRACE -> one "path?query" per line
  case $1 in
    blocking.*) printf '%s\n' '/block?name=main.lockContender' '/block?name=main.condWaiter' '/sched?name=main.condWaiter' '/sched?name=main.shortLived' '/syscall?name=main.main' ;;
    netio.*) printf '%s\n' '/io?name=main.tcpServer' '/io?name=main.pipeReader' '/syscall?name=main.fileWorker' '/sched?name=main.tcpClient' ;;
    annotations.*) printf '%s\n' '/regionblock?type=decode' '/regionsched?type=process' '/regionsched?type=process.step' '/regionblock?type=batch.prepare' \
        '/regionsyscall?type=still-open-at-stop' '/regionsched?type=' '/regionblock?type=decode&latmin=1ms' '/regionsched?type=encode&pc=0x0' '/block?name=main.handleRequest' ;;
    gotest.*) printf '%s\n' '/regionblock?type=pipeline-round' '/regionsched?type=body' '/block?name=testing.tRunner' ;;
    lifecycle.*) printf '%s\n' '/block?name=main.rwReader' '/block?name=main.burstWaiter' '/sched?name=main.rwWriter' \
        '/io?name=main.main' '/syscall?name=main.main' '/regionblock?type=rwmutex' '/regionsched?type=burst' '/regionsyscall?type=subprocess' ;;
  esac
}
for t in "$here"/traces/*.trace; do
  name=$(basename "$t")
  cases=$(http_cases "$name")
  [ -n "$cases" ] || continue
  dir=$out/http/$name
  mkdir -p "$dir"
  srvlog=$work/server.log
  gocmd tool trace -http=127.0.0.1:0 "$t" >"$srvlog" 2>&1 &
  pid=$!
  base=
  for _ in $(seq 1 600); do
    base=$(grep -o 'listening on http://[0-9.:]*' "$srvlog" | sed 's/listening on //' || true)
    [ -n "$base" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$srvlog" >&2; echo "capture-pprof.sh: go tool trace -http exited for $name" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$base" ] || { kill "$pid"; echo "capture-pprof.sh: no server for $name" >&2; exit 1; }
  # Ready when the main page answers (it needs the parsed trace).
  for _ in $(seq 1 600); do curl -sf -o /dev/null "$base/" && break; sleep 0.1; done
  i=0
  : >"$dir/MANIFEST.tsv"
  while read -r url; do
    i=$((i+1))
    code=$(curl -sS -o "$dir/$i.pb.gz" -w '%{http_code}' "$base$url&raw=1")
    if [ "$code" != 200 ]; then mv "$dir/$i.pb.gz" "$dir/$i.err"; fi
    printf '%s\t%s\n' "$i" "$url" >>"$dir/MANIFEST.tsv"
    n=$((n+1))
  done <<<"$cases"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
echo "capture-pprof.sh: $n profiles in all, incl. the web UI's filtered ones" >&2

# Our encoding must be readable by go tool pprof.
dotnet build "$repo/server/GoTrace.Server" -c Release -o "$work/gotrace" --nologo -v q >/dev/null
for type in net sync syscall sched; do
  for t in "$here"/traces/netio.go1.27.trace "$here"/traces/blocking.go1.27.trace; do
    dotnet "$work/gotrace/gotrace.dll" pprof --type $type "$t" -o "$work/ours.pb.gz"
    gocmd tool pprof -top "$work/ours.pb.gz" >"$work/top" 2>&1 || { cat "$work/top" >&2; echo "capture-pprof.sh: go tool pprof cannot read our $type profile of $(basename "$t")" >&2; exit 1; }
  done
done
echo "capture-pprof.sh: go tool pprof -top reads our net/sync/syscall/sched profiles" >&2

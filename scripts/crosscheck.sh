#!/usr/bin/env bash
# Checks gotrace against Go's own trace tool on any trace files: the tests do this for testdata/, this does it for
# traces from programs the project has never seen.
#
#   bash scripts/crosscheck.sh [--damage N] TRACE...
#
# For each TRACE:
#   dump      `gotrace dump TRACE` against `go tool trace -d=parsed TRACE` (both TZ=UTC): standard output byte
#             for byte (for legacy traces: or up to the order of events in runs of 1-ns-spaced times, which Go
#             randomizes, see parsed-ties.awk), and both exit statuses zero or both non-zero
#   profiles  `gotrace pprof --type T` against `go tool trace -pprof=T` for T in sync net syscall sched: the samples
#             of `go tool pprof -raw`, each with its values and every frame (address, function, file:line), as a
#             sorted list (the order of samples in a profile is not meaningful)
#   --damage N  N damaged copies as well (odd: one byte XORed, even: the file cut short; positions and values
#             from a fixed seed per copy): dump output and exit status as above
# Prints one line per trace (and per damaged copy that differs), and keeps each difference's files under
# $CROSSCHECK_OUT (default: a new directory in /tmp, named at the end). Exit status 1 if anything differs.
#
# Needs Go (the reference; GO_VERSION, default 1.27, from /opt/go-debian as ../shared/tools/install-go.sh
# installs it, or GOROOT) and a gotrace: GOTRACE=/path/to/gotrace, else a Release build of server/GoTrace.Server.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { printf 'crosscheck: %s\n' "$*" >&2; }

damage=0
if [ "${1:-}" = --damage ]; then damage=${2:-}; shift 2 || true; fi
[[ $damage =~ ^[0-9]+$ ]] || { say "--damage needs a count"; exit 2; }
[ $# -gt 0 ] || { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

go_version=${GO_VERSION:-1.27}
goroot=${GOROOT:-/opt/go-debian/usr/lib/go-$go_version}
if [ ! -x "$goroot/bin/go" ]; then
  bash "$repo/../shared/tools/install-go.sh" "$go_version" >&2 || { say "no Go in $goroot"; exit 1; }
fi
export GOROOT=$goroot GOTOOLCHAIN=local GOFLAGS= GOPROXY=off
go=$goroot/bin/go
trace_tool=$("$go" tool -n trace)
say "reference: $("$go" version) ($trace_tool)"

if [ -n "${GOTRACE:-}" ]; then
  gotrace=("$GOTRACE")
else
  say "building server/GoTrace.Server (Release)"
  (cd "$repo" && dotnet build server/GoTrace.Server -c Release -nologo -v q) >/dev/null
  dll=$(ls "$repo"/server/GoTrace.Server/bin/Release/net10.0/gotrace.dll)
  gotrace=(dotnet "$dll")
fi

out=${CROSSCHECK_OUT:-$(mktemp -d /tmp/gotrace-crosscheck.XXXXXX)}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

samples() { # PROFILE -> sorted sample lines
  "$go" tool pprof -raw "$1" 2>/dev/null | awk -f "$repo/scripts/pprof-samples.awk" | LC_ALL=C sort
}

# same_up_to_ties: whether go.txt and our.txt hold the same events up to the order within runs of 1-ns-spaced
# times, which Go randomizes for legacy traces (parsed-ties.awk); counted in $work/ties.
same_up_to_ties() {
  local f
  head -c 16 "$1" | grep -aEq '^go 1\.([0-9]|1[0-9]|2[01]) trace' || return 1   # legacy formats only
  for f in go our; do
    awk -f "$repo/scripts/parsed-ties.awk" "$work/$f.txt" | LC_ALL=C sort -t"$(printf '\t')" -k1,1n -k2 >"$work/$f.ties"
  done
  cmp -s "$work/go.ties" "$work/our.ties" && echo x >>"$work/ties"
}

# dump_check FILE LABEL: prints "" when gotrace's dump equals Go's, else a reason (and keeps the files).
dump_check() {
  local f=$1 label=$2 g=0 o=0
  TZ=UTC timeout 300 "$trace_tool" -d=parsed "$f" >"$work/go.txt" 2>"$work/go.err" </dev/null || g=$?
  TZ=UTC timeout 300 "${gotrace[@]}" dump "$f" >"$work/our.txt" 2>"$work/our.err" </dev/null || o=$?
  if ! cmp -s "$work/go.txt" "$work/our.txt" && ! same_up_to_ties "$f"; then
    mkdir -p "$out/$label"; cp "$work"/go.txt "$work"/our.txt "$work"/go.err "$work"/our.err "$out/$label/"
    echo "dump differs (diff: $(diff "$work/go.txt" "$work/our.txt" | head -1))"
  elif [ $((g != 0)) != $((o != 0)) ]; then
    mkdir -p "$out/$label"; cp "$work"/go.err "$work"/our.err "$out/$label/"
    echo "exit status go=$g gotrace=$o"
  fi
}

for t in "$@"; do
  name=$(basename "$t")
  if [ ! -f "$t" ]; then echo "FAIL  $t: no such file"; failed=1; continue; fi
  problems=()
  rm -f "$work/ties"
  r=$(dump_check "$t" "$name"); [ -z "$r" ] || problems+=("$r")
  events=$(grep -c '^M=' "$work/go.txt" || true)
  exact="the same"; [ -s "$work/ties" ] && exact="the same up to the order of equal-time events (random in Go)"
  profs="" dmg=""
  for k in sync net syscall sched; do
    "$trace_tool" -pprof=$k "$t" >"$work/go.pb" 2>/dev/null </dev/null || true
    "${gotrace[@]}" pprof --type $k "$t" -o "$work/our.pb.gz" 2>/dev/null </dev/null || true
    samples "$work/go.pb" >"$work/go.samples"; samples "$work/our.pb.gz" >"$work/our.samples"
    if cmp -s "$work/go.samples" "$work/our.samples"; then
      profs="$profs $k=$(wc -l <"$work/go.samples")"
    else
      mkdir -p "$out/$name.$k"; cp "$work"/go.samples "$work"/our.samples "$out/$name.$k/"
      problems+=("-pprof=$k differs")
    fi
  done
  if [ "$damage" -gt 0 ]; then
    size=$(stat -c %s "$t"); same=0
    for i in $(seq "$damage"); do
      RANDOM=$((i * 7919)); off=$(((RANDOM * 32768 + RANDOM) % size))
      if [ $((i % 2)) = 1 ]; then
        cp "$t" "$work/d.trace"; x=$((RANDOM % 255 + 1))
        orig=$(od -An -tu1 -j "$off" -N1 "$t" | tr -d ' ')
        printf "\\x$(printf %02x $((orig ^ x)))" | dd of="$work/d.trace" bs=1 seek="$off" conv=notrunc 2>/dev/null
        label="$name.xor$x@$off"
      else
        head -c "$off" "$t" >"$work/d.trace"; label="$name.cut@$off"
      fi
      r=$(dump_check "$work/d.trace" "$label")
      if [ -z "$r" ]; then same=$((same + 1)); else problems+=("$label: $r"); fi
    done
    dmg="; damaged copies: $same/$damage the same"
  fi
  if [ ${#problems[@]} -eq 0 ]; then
    echo "ok    $name: dump of $events events $exact; samples the same:$profs$dmg"
  else
    failed=1
    echo "DIFF  $name:"; printf '        %s\n' "${problems[@]}"
  fi
done
rmdir "$out" 2>/dev/null || echo "differences kept in $out"
exit $failed

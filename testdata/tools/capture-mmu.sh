#!/usr/bin/env bash
# Records what Go 1.27's `go tool trace` web server answers on its MMU endpoints, for every committed trace
# (testdata/traces/*.trace), a few damaged variants (testdata/damaged) and the extra traces of this directory
# (testdata/golden-mmu/traces/*.trace, see below), into testdata/golden-mmu/<trace>/:
#
#   mmu.tsv.gz   gzipped, one line per request, fields separated by TAB:
#                  plot     <set> <flags>     body of GET /mmu?mode=plot&flags=<flags>   (the curve: 100 window sizes)
#                  details  <set> <flags> W   body of GET /mmu?mode=details&flags=<flags>&window=W  (10 worst windows)
#                (<set> names a flag combination, see $flag_sets; bodies are single-line JSON)
#   ERROR        written instead when `go tool trace` refuses the file (its log)
#
# For each trace: starts `go tool trace -http=127.0.0.1:0 TRACE` in the background (the binary that
# `go tool -n trace` names, run directly so that its PID is the server's), reads the port from its log, waits
# until it serves, fetches every endpoint with curl, then kills that PID.
#
# Extra traces (testdata/golden-mmu/traces/, written by testdata/golden-mmu/programs/):
#   gcstart.go1.27.trace   starts while mark assists are in progress: in the first generation a "GC mark assist"
#                          RangeActive is reported from another goroutine's context (the case the MMU computation
#                          treats specially). `--make-traces` reruns the program until a run has that and is small.
#
# Usage: bash testdata/tools/capture-mmu.sh [--make-traces] [TRACE...]
#        (default: every trace + the damaged variants + the extra traces)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)     # .../testdata/tools
testdata=$(dirname "$here")
out_root=$testdata/golden-mmu

export GOROOT=${GOROOT_127:-/opt/go-debian/usr/lib/go-1.27}
export GOTOOLCHAIN=local
export PATH=$GOROOT/bin:$PATH
export BROWSER=true        # `go tool trace` opens a browser; make that a no-op

# set name = flags (the `mut` one asks for percentiles)
flag_sets=(
  "none="
  "stw=stw"
  "background=background"
  "assist=assist"
  "sweep=sweep"
  "default=stw|background|assist"
  "all=stw|background|assist|sweep"
  "perproc=perProc|stw|background|assist"
  "perproc-all=perProc|stw|background|assist|sweep"
  "perproc-background=perProc|background"
  "perproc-assist-sweep=perProc|assist|sweep"
  "mut=stw|background|assist|mut"
)
# window sizes (ns) for the worst-window lists; the last is longer than any of these traces
windows=(1 1000 100000 1000000 10000000 100000000 10000000000)
damaged=(blocking.go1.22.trace.trunc-mid blocking.go1.27.trace.trunc-mid blocking.go1.27.trace.flip-3
         blocking.go1.21.trace.trunc-mid)

go version >&2
tool=$(go tool -n trace)   # builds cmd/trace on first use
[ -x "$tool" ] || { echo "cannot find the trace tool: $tool" >&2; exit 1; }

scratch=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

if [ "${1:-}" = --make-traces ]; then
  shift
  (cd "$out_root/programs/gcstart" && GOFLAGS=-mod=mod GOPROXY=off go build -trimpath -o "$scratch/gcstart" .)
  made=false
  for attempt in $(seq 1 150); do
    GODEBUG=traceadvanceperiod=5000000 "$scratch/gcstart" "$scratch/gcstart.trace"
    size=$(stat -c %s "$scratch/gcstart.trace")
    # first generation: a mark-assist RangeActive whose context goroutine is not the assisting one
    if [ "$size" -lt 120000 ] && go tool trace -d=parsed "$scratch/gcstart.trace" 2>/dev/null | awk '
        /Sync Time/ { s++ }
        s <= 1 && /RangeActive/ && /GC mark assist/ { g = $3; sub("G=", "", g); sc = $0; sub(/.*Goroutine\(/, "", sc); sub(/\).*/, "", sc);
                                                     if (g != sc && g != "-1") found = 1 }
        END { exit !found }'; then
      mkdir -p "$out_root/traces"
      cp "$scratch/gcstart.trace" "$out_root/traces/gcstart.go1.27.trace"
      echo "gcstart.go1.27.trace: attempt $attempt, $size bytes" >&2
      made=true
      break
    fi
  done
  $made || { echo "gcstart: no suitable run in 150 attempts" >&2; exit 1; }
fi

if [ $# -gt 0 ]; then
  inputs=("$@")
else
  inputs=()
  for f in "$testdata"/traces/*.trace; do inputs+=("$f"); done
  for d in "${damaged[@]}"; do inputs+=("$testdata/damaged/$d"); done
  for f in "$out_root"/traces/*.trace; do [ -e "$f" ] && inputs+=("$f"); done
fi

urlenc() { jq -rn --arg s "$1" '$s|@uri'; }

for trace in "${inputs[@]}"; do
  name=$(basename "$trace")
  dir=$out_root/$name
  rm -rf "$dir"; mkdir -p "$dir"
  log=$scratch/$name.log
  "$tool" -http=127.0.0.1:0 "$trace" >"$log" 2>&1 &
  server_pid=$!
  base=
  for _ in $(seq 1 600); do
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    if base=$(grep -o 'listening on http://[0-9.:]*' "$log" 2>/dev/null | sed 's/listening on //'); [ -n "$base" ]; then
      if curl -sf -o /dev/null "$base/"; then break; fi
    fi
    base=
    sleep 0.1
  done
  if [ -z "$base" ]; then
    wait "$server_pid" 2>/dev/null || true
    server_pid=
    cp "$log" "$dir/ERROR"
    echo "$name: go tool trace did not serve (see $dir/ERROR)" >&2
    continue
  fi
  for set in "${flag_sets[@]}"; do
    slug=${set%%=*}; flags=${set#*=}
    enc=$(urlenc "$flags")
    printf 'plot\t%s\t%s\t%s\n' "$slug" "$flags" "$(curl -sf "$base/mmu?mode=plot&flags=$enc")" >>"$scratch/mmu.tsv"
    for w in "${windows[@]}"; do
      printf 'details\t%s\t%s\t%s\t%s\n' "$slug" "$flags" "$w" \
        "$(curl -sf "$base/mmu?mode=details&flags=$enc&window=$w")" >>"$scratch/mmu.tsv"
    done
  done
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=
  gzip -9n <"$scratch/mmu.tsv" >"$dir/mmu.tsv.gz"
  rm "$scratch/mmu.tsv"
  echo "$name: $(stat -c %s "$dir/mmu.tsv.gz") bytes" >&2
done
echo "total: $(cat "$out_root"/*/mmu.tsv.gz | wc -c) bytes" >&2

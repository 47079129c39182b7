#!/usr/bin/env bash
# Regenerates everything under testdata/ that comes from Go:
#
#   1. installs the Go toolchains (../shared/tools/install-go.sh, only those missing)
#   2. builds and runs every program in programs/ with every toolchain -> traces/
#   3. writes the reference output of Go 1.27's `go tool trace -d=parsed` -> golden/
#   4. writes damaged variants of a few traces and their reference output -> damaged/
#   5. captures what Go 1.27's `go tool trace` computes from them -> golden-pprof/, golden-pages/, golden-mmu/
#   6. prints a summary
#
# Usage: bash testdata/regen.sh [--goldens-only]
#   --goldens-only   keep traces/ as it is; redo steps 3-5 only
#   REGEN_PROGRAMS="a b"  (environment) rerun only these programs in step 2; other traces stay
#
# Runnable from any directory. Build output and scratch files go to a mktemp
# directory that is removed at exit. Traces depend on scheduling, so every run
# produces different (but equivalent) traces; each run is checked for the
# activity it is meant to contain and retried a few times if it falls short.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)   # .../testdata
repo=$(dirname "$here")
shared=$(cd "$repo/.." && pwd)/shared
go_root_base=${GO_DEBIAN_ROOT:-/opt/go-debian}/usr/lib

versions=(1.19 1.21 1.22 1.23 1.25 1.27)   # toolchains that run the programs
legacy_versions=" 1.19 1.21 "                # they write the legacy (pre-1.22) format
ref=1.27                                     # toolchain whose `go tool trace` makes the goldens
programs=(blocking netio gcheavy annotations gotest flightrecorder iterpull cgocallback allocfree lifecycle)
all_programs=true
if [ -n "${REGEN_PROGRAMS:-}" ]; then read -r -a programs <<<"$REGEN_PROGRAMS"; all_programs=false; fi
damage_sources=(blocking.go1.19 blocking.go1.21 blocking.go1.22 blocking.go1.23 blocking.go1.25 blocking.go1.27)
advance_period=20000000   # GODEBUG=traceadvanceperiod, ns: several generations per trace
max_trace_bytes=256000    # larger traces are rerun
attempts=6                # runs per trace before giving up

goldens_only=false
case "${1:-}" in
  "") ;;
  --goldens-only) goldens_only=true ;;
  *) echo "usage: $0 [--goldens-only]" >&2; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/gotrace-regen.XXXXXX")
trap 'rm -rf "$work"' EXIT

log() { printf '%s\n' "$*" >&2; }

# --- 1. toolchains ----------------------------------------------------------

goroot() { echo "$go_root_base/go-$1"; }

missing=()
for v in "${versions[@]}"; do
  [ -x "$(goroot "$v")/bin/go" ] || missing+=("$v")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "== installing Go ${missing[*]}"
  bash "$shared/tools/install-go.sh" "${missing[@]}"
fi

# gocmd VERSION ARGS...: run the go command of one toolchain, hermetically.
gocmd() {
  local v=$1; shift
  env GOROOT="$(goroot "$v")" PATH="$(goroot "$v")/bin:$PATH" \
    GOTOOLCHAIN=local GOFLAGS=-mod=mod GOPROXY=off GOWORK=off GOENV=off \
    GOCACHE="${GOCACHE:-$work/gocache}" GOPATH="$work/gopath" \
    "$(goroot "$v")/bin/go" "$@"
}

# Go 1.24+ builds `go tool trace` on first use; do that now, outside the
# timeouts that guard the real calls.
gocmd $ref tool trace -h >/dev/null 2>&1 || true

# --- helpers ----------------------------------------------------------------

skip_reason() { # PROGRAM VERSION -> prints a reason if this pair is not built
  local p=$1 v=$2 minor=${2#1.}
  case $p in
    flightrecorder) [ "$minor" -ge 25 ] || echo "trace.FlightRecorder needs Go 1.25" ;;
    iterpull)       [ "$minor" -ge 23 ] || echo "package iter needs Go 1.23" ;;
    allocfree)      [ "$minor" -ge 23 ] || echo "the AllocFree experiment needs Go 1.23" ;;
    cgocallback)
      if ! command -v gcc >/dev/null; then echo "no C compiler"
      elif [ "$minor" -lt 22 ]; then
        echo "Go's legacy parser rejects traces with C-thread callbacks (no consistent ordering of events possible)"
      fi ;;
  esac
}

# Fixed strings that must occur in the -d=parsed output of each program's trace.
expect() {
  case $1 in
    blocking) printf '%s\n' 'Reason="sync"' 'Reason="chan send"' 'Reason="chan receive"' \
        'Reason="select"' 'Reason="sleep"' 'Reason="runtime.Gosched"' 'Reason="sync.(*Cond).Wait"' \
        'sync.(*Mutex).Lock' 'main.lockContender' 'NotExist->Runnable' 'Running->NotExist' \
        'gomaxprocs:threads" Value=Value{Uint64(1)}' 'gomaxprocs:threads" Value=Value{Uint64(2)}' ;;
    netio) printf '%s\n' 'Reason="network"' 'main.tcpServer' 'main.tcpClient' 'main.pipeReader' \
        'Running->Syscall' 'syscall.Fsync' ;;
    gcheavy) printf '%s\n' 'StackSample' 'main.cpuBurner' 'Name="GC mark assist"' \
        'Name="GC concurrent mark phase"' 'Name="GC incremental sweep"' '/gc/heap/goal:bytes' ;;
    annotations) printf '%s\n' ' TaskBegin ' ' TaskEnd ' ' RegionBegin ' ' RegionEnd ' ' Log ' \
        'Type="never-ended"' 'Type="still-open-at-stop"' 'Type="batch"' ;;
    gotest) printf '%s\n' 'testing.tRunner' 'Type="pipeline-test"' 'Reason="chan send"' \
        'Reason="chan receive"' 'Reason="sleep"' ;;
    flightrecorder) printf '%s\n' 'Type="fr-round"' 'Reason="chan receive"' 'main.ponger' ;;
    iterpull) printf '%s\n' 'NotExist->Waiting' 'Waiting->Runnable Reason=""' 'iter.Pull' ;;
    cgocallback) printf '%s\n' 'NotExist->Syscall' 'Syscall->NotExist' 'main.goCallback' ;;
    allocfree) printf '%s\n' 'Name=SpanAlloc Args' 'Name=SpanFree Args' 'Name=HeapObjectAlloc Args' \
        'Name=HeapObjectFree Args' 'Name=GoroutineStackAlloc Args' 'Name=HeapObject Args' ;;
    lifecycle) printf '%s\n' 'Undetermined->Waiting' 'Undetermined->Syscall' 'main.rwReader' 'main.rwWriter' \
        'syscall.forkExec' 'main.unixEcho' 'Reason="network"' 'main.lockedWorker' 'main.exiter' 'main.burstWaiter' \
        'main.deep' 'Reason="select"' 'gomaxprocs:threads" Value=Value{Uint64(4)}' ;;
  esac
}

# golden TRACE OUTPREFIX: Go $ref's -d=parsed -> OUTPREFIX.parsed.gz, exit code + stderr -> OUTPREFIX.parsed.err
golden() {
  local trace=$1 out=$2 rc=0
  TZ=UTC timeout 60 env GOROOT="$(goroot $ref)" GOTOOLCHAIN=local GOENV=off GOFLAGS= \
      GOCACHE="${GOCACHE:-$work/gocache}" "$(goroot $ref)/bin/go" tool trace -d=parsed "$trace" \
      </dev/null >"$work/parsed.out" 2>"$work/parsed.stderr" || rc=$?
  gzip -n -9 -c "$work/parsed.out" >"$out.parsed.gz"
  { echo "exit=$rc"; cat "$work/parsed.stderr"; } >"$out.parsed.err"
  return 0
}

syncs() { gzip -dc "$1" | grep -c '^M=-1 P=-1 G=-1 Sync' || true; }

# check PROGRAM VERSION TRACE: parse and verify; prints a problem or nothing.
check() {
  local p=$1 v=$2 t=$3 size
  size=$(stat -c %s "$t")
  if [ "$size" -gt "$max_trace_bytes" ]; then echo "trace too large ($size bytes)"; return; fi
  golden "$t" "$work/check"
  if [ "$(head -1 "$work/check.parsed.err")" != exit=0 ]; then
    echo "go tool trace failed: $(head -3 "$work/check.parsed.err" | tr '\n' ' ')"; return
  fi
  gzip -dc "$work/check.parsed.gz" >"$work/check.parsed"
  if [[ $legacy_versions != *" $v "* ]] && [ "$(syncs "$work/check.parsed.gz")" -lt 4 ]; then
    echo "fewer than 3 generations"; return
  fi
  local pat
  while IFS= read -r pat; do
    grep -qF -e "$pat" "$work/check.parsed" || { echo "missing: $pat"; return; }
  done < <(expect "$p")
}

# --- 2. traces --------------------------------------------------------------

if ! $goldens_only; then
  # Everything is written to $work/traces first and replaces traces/ only
  # when all programs succeeded.
  mkdir -p "$work/traces"
  for v in "${versions[@]}"; do
    echo "go$v: $(gocmd "$v" version)" >>"$work/traces/TOOLCHAINS.txt"
  done
  for p in "${programs[@]}"; do
    for v in "${versions[@]}"; do
      out="$work/traces/$p.go$v.trace"
      reason=$(skip_reason "$p" "$v")
      if [ -n "$reason" ]; then log "-- skip $p go$v: $reason"; continue; fi
      # Build from a copy, so nothing (test binaries, caches) lands in the repo.
      src="$work/src/$p.go$v"
      rm -rf "$src"; mkdir -p "$src"; cp -R "$here/programs/$p/." "$src/"
      cgo=0; [ "$p" = cgocallback ] && cgo=1
      if [ "$p" != gotest ]; then
        (cd "$src" && CGO_ENABLED=$cgo gocmd "$v" build -trimpath -o "$work/bin/$p.go$v" .)
      fi
      ok=false
      for attempt in $(seq 1 "$attempts"); do
        rm -f "$out"
        if [ "$p" = gotest ]; then
          (cd "$src" && CGO_ENABLED=0 GOMAXPROCS=2 GODEBUG=traceadvanceperiod=$advance_period \
            gocmd "$v" test -count=1 -trimpath -trace="$out" . >/dev/null)
        else
          godebug=traceadvanceperiod=$advance_period
          [ "$p" = allocfree ] && godebug=$godebug,traceallocfree=1
          (cd "$work" && GOMAXPROCS=2 GODEBUG=$godebug \
            timeout 60 "$work/bin/$p.go$v" "$out")
        fi
        problem=$(check "$p" "$v" "$out")
        if [ -z "$problem" ]; then ok=true; break; fi
        log "   $p go$v attempt $attempt: $problem"
      done
      $ok || { log "FAILED: $p go$v"; exit 1; }
      log "== $p go$v: $(stat -c %s "$out") bytes"
    done
  done
  mkdir -p "$here/traces"
  if $all_programs; then
    rm -f "$here"/traces/*.trace
  else
    for p in "${programs[@]}"; do rm -f "$here/traces/$p".go*.trace; done
  fi
  rm -f "$here/traces/TOOLCHAINS.txt"
  cp "$work"/traces/* "$here/traces/"
fi

# --- 3. goldens -------------------------------------------------------------

mkdir -p "$work/golden" "$here/golden"
for t in "$here"/traces/*.trace; do
  golden "$t" "$work/golden/$(basename "$t")"
done
rm -f "$here"/golden/*.parsed.gz "$here"/golden/*.parsed.err
cp "$work"/golden/* "$here/golden/"

# --- 4. damaged variants ----------------------------------------------------

(cd "$here/tools/damage" && CGO_ENABLED=0 gocmd $ref build -trimpath -o "$work/bin/damage" .)
d="$work/damaged"
mkdir -p "$d" "$here/damaged"
printf 'variant\tsource\tkind\toffset\txor\n' >"$d/MANIFEST.tsv"
for s in "${damage_sources[@]}"; do
  "$work/bin/damage" -flips 8 -seed 1 "$here/traces/$s.trace" "$d" >>"$d/MANIFEST.tsv"
done
tail -n +2 "$d/MANIFEST.tsv" | cut -f1 | while IFS= read -r name; do
  golden "$d/$name" "$d/$name"
done
rm -f "$here"/damaged/*
cp "$d"/* "$here/damaged/"

# --- 5. analyses -------------------------------------------------------------
# What Go 1.27's `go tool trace` computes for every trace: the four -pprof profiles (and the web UI's
# filtered ones), the goroutine/task/region pages, the MMU plots.
log "== analyses: profiles"
bash "$here/tools/capture-pprof.sh"
log "== analyses: goroutine, task and region pages"
bash "$here/tools/capture-pages.sh"
if [ -f "$here/tools/capture-mmu.sh" ]; then
  log "== analyses: MMU"
  bash "$here/tools/capture-mmu.sh"
fi

# --- 6. summary -------------------------------------------------------------

echo "== toolchains"
cat "$here/traces/TOOLCHAINS.txt"
echo "== traces (bytes, Sync events in the golden, exit status)"
for t in "$here"/traces/*.trace; do
  b=$(basename "$t")
  printf '%-36s %8d  syncs=%-3s %s\n' "$b" "$(stat -c %s "$t")" \
    "$(syncs "$here/golden/$b.parsed.gz")" "$(head -1 "$here/golden/$b.parsed.err")"
done
echo "== damaged variants (exit status counts)"
cat "$here"/damaged/*.parsed.err | grep '^exit=' | sort | uniq -c
echo "== sizes"
du -sh "$here"/traces "$here"/golden "$here"/damaged
du -sh "$here"

#!/usr/bin/env bash
# Rebuilds the hand-built legacy traces of testdata/handmade/ and Go's output for them:
#
#   1. builds testdata/tools/handmade (the text -> bytes converter) with Go 1.27
#   2. checks that files NAME.go1.NN.txt of one NAME differ only in their header line
#   3. <name>.txt -> <name>.trace
#   4. Go 1.27's `TZ=UTC go tool trace -d=parsed <name>.trace`:
#        stdout          -> <name>.trace.parsed      (plain text; these traces are small)
#        exit code, stderr -> <name>.trace.parsed.err ("exit=N", then stderr)
#   5. checks that each trace shows what it was built for (see expect() below)
#
# Usage: bash testdata/handmade/regen.sh     (runnable from any directory)
# Needs only the Go 1.27 toolchain (GO_DEBIAN_ROOT, default /opt/go-debian, as in ../regen.sh).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)   # .../testdata/handmade
tools=$(dirname "$here")/tools/handmade
goroot=${GO_DEBIAN_ROOT:-/opt/go-debian}/usr/lib/go-1.27

work=$(mktemp -d "${TMPDIR:-/tmp}/gotrace-handmade.XXXXXX")
trap 'rm -rf "$work"' EXIT

gocmd() {
  env GOROOT="$goroot" PATH="$goroot/bin:$PATH" GOTOOLCHAIN=local GOFLAGS=-mod=mod GOPROXY=off \
    GOWORK=off GOENV=off GOCACHE="${GOCACHE:-$work/gocache}" GOPATH="$work/gopath" \
    "$goroot/bin/go" "$@"
}

# golden TRACE: Go's -d=parsed -> TRACE.parsed, exit code + stderr -> TRACE.parsed.err
# (the conventions of golden() in ../regen.sh, without gzip).
golden() {
  local trace=$1 rc=0
  TZ=UTC timeout 60 env GOROOT="$goroot" GOTOOLCHAIN=local GOENV=off GOFLAGS= \
      GOCACHE="${GOCACHE:-$work/gocache}" "$goroot/bin/go" tool trace -d=parsed "$trace" \
      </dev/null >"$trace.parsed" 2>"$work/stderr" || rc=$?
  { echo "exit=$rc"; cat "$work/stderr"; } >"$trace.parsed.err"
}

# expect NAME: lines "+TEXT" (TEXT must occur in the .parsed output), "-TEXT" (must not occur),
# "!TEXT" (the .parsed.err must read exit=1 and then exactly TEXT), "=ok" (Go must accept the trace).
expect() {
  case $1 in
    timers.go1.11|timers.go1.21) printf '%s\n' =ok '+P=1000001 G=3 StateTransition Time=240 GoID=5 Waiting->Runnable' \
        '+P=1000002 G=3 StateTransition Time=250 GoID=6 Waiting->Runnable' '+P=1000003 G=3 StateTransition Time=205 GoID=3 Syscall->Runnable' \
        '+P=1 G=5 StateTransition Time=280 GoID=1 Waiting->Runnable' ;;
    notimers.go1.11) printf '%s\n' =ok '-P=1000001' '+P=1 G=3 StateTransition Time=240 GoID=5 Waiting->Runnable' \
        '+P=1000002 G=3 StateTransition Time=250 GoID=6 Waiting->Runnable' ;;
    stw.go1.11|stw.go1.19) printf '%s\n' =ok '+Name="stop-the-world (GC sweep termination)"' \
        '+Name="stop-the-world (GC mark termination)"' '+Name="stop-the-world ()"' '-GOMAXPROCS)' '-read mem stats' ;;
    stw.go1.21) printf '%s\n' =ok '+Name="stop-the-world (GC mark termination)"' '+Name="stop-the-world (GC sweep termination)"' \
        '+Name="stop-the-world ()"' '+Name="stop-the-world (GOMAXPROCS)"' '+Name="stop-the-world (read mem stats)"' ;;
    cpusample.go1.11) printf '%s\n' '!unknown event type 49' ;;
    cpusample.go1.19|cpusample.go1.21) printf '%s\n' =ok '+M=-1 P=0 G=1 StackSample' '+M=-1 P=-1 G=-1 StackSample' \
        '+M=0 P=0 G=1 StateTransition Time=91 GoID=1 Syscall->Running' '+P=1000003 G=1 StateTransition Time=180 GoID=1 Syscall->Runnable' ;;
    gc.go1.11) printf '%s\n' =ok '+P=1000004 G=1 RangeBegin' '+Name="GC concurrent mark phase"' '+Name="GC incremental sweep"' \
        '+Name="GC mark assist"' '+Reason="GC mark assist wait for work"' '+Label="GC (dedicated)"' \
        '+Name="stop-the-world (GC sweep termination)"' '+Name="stop-the-world (GC mark termination)"' \
        '+/memory/classes/heap/objects:bytes' '+/gc/heap/goal:bytes' '+/sched/gomaxprocs:threads' ;;
    annotations.go1.11) printf '%s\n' =ok '+TaskBegin' '+TaskEnd' '+RegionBegin' '+RegionEnd' '+Log' \
        '+Parent=18446744073709551615' '+Category=""' '+Message=""' ;;
    syscalls.go1.11) printf '%s\n' =ok '+Running->Syscall' '+Syscall->Running' '+P=1000003 G=1 StateTransition Time=175 GoID=1 Syscall->Runnable' '+P=1000003 G=8 StateTransition Time=250' ;;
    prestart.go1.11) printf '%s\n' =ok '+Undetermined->Waiting' '+Undetermined->Syscall' '+Undetermined->Running' \
        '+M=-1 P=-1 G=-1 StateTransition Time=' '+Undetermined->Runnable' ;;
    netpoll.go1.11) printf '%s\n' =ok '+P=1000002' '+M=-1 P=-1 G=-1 StateTransition' ;;
    mzero.go1.11) printf '%s\n' =ok '+M=0 P=1 G=7 StateTransition' '+M=0 P=1 G=7 Label' ;;
    empty.go1.11) printf '%s\n' =ok '+M=-1 P=-1 G=-1 Sync Time=0 N=1' ;;
    err-noorder.go1.11) printf '%s\n' '!no consistent ordering of events possible' ;;
    err-nofreq.go1.11) printf '%s\n' '!no EvFrequency event' ;;
    err-stw-nested.go1.11) printf '%s\n' '!previous STW is not ended before a new one (time 40)' ;;
    err-stw-end.go1.11) printf '%s\n' '!bogus STW end (time 30)' ;;
    err-region.go1.11) printf '%s\n' '!misuse of region in goroutine 1: span end "50 UserRegion p=0 g=1 stk=3 taskid=1 mode=1 typeid=5" when the inner-most active span start event is "40 UserRegion p=0 g=1 stk=2 taskid=1 mode=0 typeid=6"' ;;
    err-region-mode.go1.11) printf '%s\n' '!invalid user region mode: "40 UserRegion p=0 g=1 stk=2 taskid=0 mode=2 typeid=5"' ;;
    err-timeorder.go1.11) printf '%s\n' '!time stamps out of order' ;;
    err-stray-sysexit.go1.11) printf '%s\n' '!stray syscall exit' ;;
    err-sysexitlocal.go1.11) printf '%s\n' '!g 0 is not waiting during syscall exit (time 50)' ;;
    err-no-batch.go1.11) printf '%s\n' '!read event 5 with current P of 0, but P has no batches yet' ;;
    err-sysblock-tick0.go1.11) printf '%s\n' '!stray syscall exit' ;;
    err-futile.go1.11) printf '%s\n' '!unexpected event type 36' '+GoID=5 Runnable->Running' ;;
    err-version-1.5) printf '%s\n' '!unknown or unsupported trace version go 1.5' ;;
    err-version-1.10) printf '%s\n' '!unknown or unsupported trace version go 1.10' ;;
    *) echo "?no expectations for $1" ;;
  esac
}

# check NAME: prints one line per unmet expectation.
check() {
  local n=$1 t="$here/$1.trace" line kind text
  while IFS= read -r line; do
    kind=${line:0:1}; text=${line:1}
    case $kind in
      =) [ "$(head -1 "$t.parsed.err")" = exit=0 ] || echo "$n: Go rejected it: $(sed -n 2p "$t.parsed.err")" ;;
      +) grep -qF -e "$text" "$t.parsed" || echo "$n: missing in output: $text" ;;
      -) ! grep -qF -e "$text" "$t.parsed" || echo "$n: unexpected in output: $text" ;;
      !) [ "$(head -1 "$t.parsed.err")" = exit=1 ] && [ "$(tail -n +2 "$t.parsed.err")" = "$text" ] \
           || echo "$n: expected error '$text', got: $(tr '\n' ' ' <"$t.parsed.err")" ;;
      ?) echo "$n: $text" ;;
    esac
  done < <(expect "$n")
}

# --- 1. converter ------------------------------------------------------------
(cd "$tools" && CGO_ENABLED=0 gocmd build -trimpath -o "$work/handmade" .)

# --- 2. header-only variants ---------------------------------------------------
problems=()
for f in "$here"/*.go1.*.txt; do
  base=${f%.go1.*.txt}
  for g in "$base".go1.*.txt; do
    [ "$f" \< "$g" ] || continue
    if ! diff -q <(grep -v '^header ' "$f") <(grep -v '^header ' "$g") >/dev/null; then
      problems+=("$(basename "$f") and $(basename "$g") differ in more than the header")
    fi
  done
done

# --- 3./4. traces and Go's output ----------------------------------------------
gocmd tool trace -h >/dev/null 2>&1 || true   # builds `go tool trace` outside the timeout
rm -f "$here"/*.trace "$here"/*.trace.parsed "$here"/*.trace.parsed.err
for f in "$here"/*.txt; do
  n=$(basename "$f" .txt)
  "$work/handmade" "$f" "$here/$n.trace"
  golden "$here/$n.trace"
done

# --- 5. summary and checks -----------------------------------------------------
printf '%-34s %6s %6s  %s\n' trace bytes lines "Go's outcome"
for f in "$here"/*.txt; do
  n=$(basename "$f" .txt)
  t="$here/$n.trace"
  printf '%-34s %6d %6d  %s\n' "$n.trace" "$(stat -c %s "$t")" "$(wc -l <"$t.parsed")" \
    "$(tail -n +2 "$t.parsed.err" | head -1 | cut -c1-60)$(head -1 "$t.parsed.err" | sed 's/^exit=0$/ok/;s/^exit=\([1-9].*\)/ (exit \1)/')"
  while IFS= read -r p; do problems+=("$p"); done < <(check "$n")
done
if [ ${#problems[@]} -gt 0 ]; then
  printf 'PROBLEM: %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "all expectations met"

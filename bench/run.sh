#!/usr/bin/env bash
# Benchmark: our `gotrace dump --count` against Go's own trace reader, on one large trace.
#
#   bash bench/run.sh [--regen]
#
# Prints wall time (best, median), CPU time and peak RSS of three commands on one file:
#   gotrace dump --count FILE                   full parse + ordering, prints counts only
#   go tool trace -d=footprint FILE             Go's wire-only pass (no ordering)
#   go tool trace -pprof=sched FILE >/dev/null  Go's full parse + a small analysis
# plus the event count each side reports. Exits non-zero if any command fails (the Go rows
# are still measured and printed when gotrace fails).
#
# Environment:
#   BENCH_DIR      cache for the trace, tool builds and logs   (default /tmp/gotrace-bench)
#   BENCH_SECONDS  how long testdata/bench/bigtrace traces     (default 3)
#   BENCH_RUNS     runs per command                            (default 3)
#   BENCH_GO       Go toolchain for the trace and `go tool trace` (default 1.27)
#   BENCH_LEGACY   also measure the same workload written by Go 1.21 (legacy format)  (default 1)
#   BENCH_PPROF    also measure `gotrace pprof --type sync` vs `go tool trace -pprof=sync`  (default 1)
#   GOTRACE        gotrace executable to measure; when set, the dotnet publish is skipped
#                  (default: a ReadyToRun publish of server/GoTrace.Server into BENCH_DIR)
# --regen (or BENCH_REGEN=1) writes a fresh trace even if a cached one exists.
#
# Needs: the Go toolchain (installed with ../shared/tools/install-go.sh if missing), dotnet,
# and GNU time (the Debian package `time`, installed with apt-get if missing).
# Numbers are only meaningful on an otherwise idle machine: the load average is printed.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench_dir=${BENCH_DIR:-/tmp/gotrace-bench}
seconds=${BENCH_SECONDS:-3}
runs=${BENCH_RUNS:-3}
go_version=${BENCH_GO:-1.27}
regen=${BENCH_REGEN:-0}
for arg in "$@"; do
  case $arg in
    --regen) regen=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: BENCH_RUNS must be a positive integer" >&2; exit 2; }
[[ $seconds =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "run.sh: BENCH_SECONDS must be a number" >&2; exit 2; }

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- GNU time ---------------------------------------------------------------------------
if ! /usr/bin/time --version 2>&1 | grep -q 'GNU'; then
  say "installing GNU time (Debian package 'time')"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi

# --- Go toolchain -----------------------------------------------------------------------
goroot=/opt/go-debian/usr/lib/go-$go_version
if [ ! -x "$goroot/bin/go" ]; then
  installer=$repo/../shared/tools/install-go.sh
  [ -f "$installer" ] || die "Go $go_version is not in $goroot and $installer is missing"
  say "installing Go $go_version with $installer"
  bash "$installer" "$go_version"
fi
export GOROOT=$goroot GOTOOLCHAIN=local GOPROXY=off GOFLAGS=
export PATH=$goroot/bin:$PATH
go_full_version=$(go version)
# Run the trace tool binary itself, so the `go` command's own start-up is not measured.
trace_tool=$(go tool -n trace) || die "cannot build or locate 'go tool trace' for Go $go_version"

# --- The trace --------------------------------------------------------------------------
mkdir -p "$bench_dir"
trace_file=$bench_dir/big.go$go_version.${seconds}s.trace
if [ "$regen" = 1 ] || [ ! -s "$trace_file" ]; then
  say "building testdata/bench/bigtrace with Go $go_version"
  (cd "$repo/testdata/bench/bigtrace" && go build -o "$bench_dir/bigtrace.go$go_version" .)
  say "writing a ${seconds}s trace to $trace_file"
  "$bench_dir/bigtrace.go$go_version" -d "${seconds}s" -o "$trace_file.tmp"
  mv "$trace_file.tmp" "$trace_file"
else
  say "reusing $trace_file (--regen to rewrite it)"
fi
size_mib=$(stat -c %s "$trace_file" | awk '{printf "%.1f", $1 / 1048576}')

# --- Our tool ---------------------------------------------------------------------------
gotrace_error=
if [ -n "${GOTRACE:-}" ]; then
  gotrace=$GOTRACE
  say "using GOTRACE=$gotrace (no dotnet build)"
else
  # Measure what ships: the server exactly as scripts/package.sh builds it (self-contained, composite ReadyToRun,
  # trimmed), so neither start-up nor a short run is spent in the JIT.
  gotrace=$bench_dir/gotrace-publish/gotrace
  say "publishing server/GoTrace.Server as shipped (Release, composite ReadyToRun, trimmed); log: $bench_dir/dotnet-build.log"
  rm -rf "$bench_dir/gotrace-publish" "$repo/server/GoTrace.Server/obj/Release/net10.0/linux-x64/R2R"
  if ! (cd "$repo" && dotnet publish server/GoTrace.Server -c Release -r linux-x64 --self-contained true \
          -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true -p:PublishTrimmed=true \
          -p:WarningsNotAsErrors=IL2104 -p:DebugType=none -p:GenerateDocumentationFile=false \
          -nologo -o "$bench_dir/gotrace-publish") >"$bench_dir/dotnet-build.log" 2>&1; then
    tail -n 20 "$bench_dir/dotnet-build.log" >&2
    gotrace_error="dotnet publish server/GoTrace.Server failed (see $bench_dir/dotnet-build.log)"
  fi
fi
if [ -z "$gotrace_error" ] && [ ! -x "$gotrace" ]; then
  gotrace_error="$gotrace is missing or not executable"
fi

# --- Measuring --------------------------------------------------------------------------
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

# measure NAME STDOUT-FILE CMD...: runs CMD $runs times under GNU time. Appends one
# "NAME best median cpu peak_rss_mib" row to $work/rows (cpu: least user+sys seconds of
# any run), or "NAME FAILED" and sets failed=1.
# The command's stdout of the last run stays in STDOUT-FILE (pass /dev/null to drop it).
measure() {
  local name=$1 out=$2 i status
  shift 2
  : >"$work/$name.times"
  for ((i = 1; i <= runs; i++)); do
    status=0
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" >"$out" 2>"$work/$name.err" || status=$?
    if [ "$status" != 0 ]; then
      printf 'run.sh: %s failed (exit %s): %s\n' "$name" "$status" "$*" >&2
      tail -n 10 "$work/$name.err" | sed 's/^/    /' >&2
      echo "$name FAILED" >>"$work/rows"
      failed=1
      return 0
    fi
    tail -n 1 "$work/time" >>"$work/$name.times"
    say "$name run $i/$runs: $(tail -n 1 "$work/time" | awk '{printf "%.2f s wall, %.2f s cpu, %.0f MiB", $1, $3 + $4, $2 / 1024}')"
  done
  sort -n -k1,1 "$work/$name.times" | awk -v name="$name" '
    { t[NR] = $1; if ($2 > rss) rss = $2; if (NR == 1 || $3 + $4 < cpu) cpu = $3 + $4 }
    END {
      med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
      printf "%s %.2f %.2f %.2f %.0f\n", name, t[1], med, cpu, rss / 1024
    }' >>"$work/rows"
}

# row NAME: that command's measurement row, empty if it failed or was not run.
row() { awk -v n="$1" '$1 == n && $2 != "FAILED"' "$work/rows"; }

say "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); $go_full_version"
: >"$work/rows"
if [ -n "$gotrace_error" ]; then
  printf 'run.sh: gotrace: %s\n' "$gotrace_error" >&2
  echo "gotrace FAILED" >>"$work/rows"
  failed=1
else
  measure gotrace "$work/gotrace.out" "$gotrace" dump --count "$trace_file"
  if [ -z "$(row gotrace)" ]; then
    printf 'run.sh: `%s dump --count` does not work yet (does the C# side implement it?).\n' "$gotrace" >&2
    printf '        Set GOTRACE=/path/to/gotrace to measure another build.\n' >&2
  fi
fi
measure footprint "$work/footprint.out" "$trace_tool" -d=footprint "$trace_file"
measure pprof-sched /dev/null "$trace_tool" -pprof=sched "$trace_file"

# --- Report -----------------------------------------------------------------------------
label() {
  case $1 in
    gotrace) echo "gotrace dump --count" ;;
    footprint) echo "go tool trace -d=footprint" ;;
    pprof-sched) echo "go tool trace -pprof=sched" ;;
  esac
}
echo
echo "trace: $trace_file ($size_mib MiB, ${seconds}s of testdata/bench/bigtrace, $go_full_version)"
echo "runs per command: $runs; machine: $(nproc) CPUs"
echo
fmt='%-28s %9s %7s %9s %7s %13s\n'
# shellcheck disable=SC2059
{
  printf "$fmt" command "size MiB" "best s" "median s" "cpu s" "peak RSS MiB"
  printf "$fmt" ---------------------------- -------- ------ -------- ----- ------------
  while read -r name best median cpu rss; do
    if [ "$best" = FAILED ]; then
      printf "$fmt" "$(label "$name")" "$size_mib" FAILED - - -
    else
      printf "$fmt" "$(label "$name")" "$size_mib" "$best" "$median" "$cpu" "$rss"
    fi
  done <"$work/rows"
}
echo "(best/median: wall seconds; cpu s: least user+sys seconds of any run; RSS: max of all runs)"

echo
if [ -n "$(row gotrace)" ] && [ -n "$(row footprint)" ]; then
  read -r _ g_best g_median _ g_rss <<<"$(row gotrace)"
  read -r _ f_best f_median _ _ <<<"$(row footprint)"
  awk -v gb="$g_best" -v gm="$g_median" -v fb="$f_best" -v fm="$f_median" 'BEGIN {
    if (fb > 0 && fm > 0) printf "gotrace / footprint time: %.2f best, %.2f median (goal: <= 0.33)\n", gb / fb, gm / fm
    else print "gotrace / footprint time: n/a (footprint took 0 s)" }'
  echo "gotrace peak RSS: $g_rss MiB (goal: < 256)"
else
  echo "gotrace / footprint time: n/a (a command failed)"
fi

echo
if [ -n "$(row gotrace)" ]; then
  echo "gotrace dump --count reports:"
  head -n 20 "$work/gotrace.out" | sed 's/^/    /'
else
  echo "gotrace dump --count reports: n/a (failed)"
fi
# The footprint table is "Event Bytes % Count %" after two header lines, one row per event
# type (some names contain spaces, so Count is read as the next-to-last field). It has no
# total, so sum the Count column. That counts wire events, including the structural ones
# (batch headers, string/stack table entries, ...), which are not events after parsing, so
# also print the sum without them. Neither equals the parsed event count exactly.
if [ -n "$(row footprint)" ] && head -n 1 "$work/footprint.out" | grep -q 'Count'; then
  awk 'NR > 2 && $(NF - 1) ~ /^[0-9]+$/ {
         n += $(NF - 1)
         if ($1 !~ /^(EventBatch|Stacks|Stack|Strings|String|CPUSamples|Frequency|ExperimentalBatch|EndOfGeneration)$/) t += $(NF - 1)
       }
       END { printf "footprint total: %d wire events (sum of its Count column); %d without structural ones\n", n, t }' \
    "$work/footprint.out"
else
  echo "footprint total: n/a"
fi

# --- Blocking profiles (issue 4) ----------------------------------------------------------
# `gotrace pprof --type sync` against `go tool trace -pprof=sync` on the same file: both read the whole trace and
# write the same profile (the tests prove the samples equal). Goal: at least 25x faster, at most 1/6 of the memory.
if [ "${BENCH_PPROF:-1}" = 1 ]; then
  : >"$work/rows"
  if [ -z "$gotrace_error" ]; then
    measure gotrace-pprof /dev/null "$gotrace" pprof --type sync "$trace_file" -o "$work/ours.sync.pb.gz"
  fi
  measure go-pprof "$work/go.sync.pb.gz" "$trace_tool" -pprof=sync "$trace_file"
  echo
  echo "blocking profile (sync) on $trace_file:"
  # shellcheck disable=SC2059
  {
    printf "$fmt" command "size MiB" "best s" "median s" "cpu s" "peak RSS MiB"
    printf "$fmt" ---------------------------- -------- ------ -------- ----- ------------
    while read -r name best median cpu rss; do
      case $name in gotrace-pprof) l="gotrace pprof --type sync" ;; *) l="go tool trace -pprof=sync" ;; esac
      if [ "$best" = FAILED ]; then printf "$fmt" "$l" "$size_mib" FAILED - - -
      else printf "$fmt" "$l" "$size_mib" "$best" "$median" "$cpu" "$rss"; fi
    done <"$work/rows"
  }
  if [ -n "$(row gotrace-pprof)" ] && [ -n "$(row go-pprof)" ]; then
    read -r _ o_best o_median _ o_rss <<<"$(row gotrace-pprof)"
    read -r _ p_best p_median _ p_rss <<<"$(row go-pprof)"
    awk -v ob="$o_best" -v om="$o_median" -v pb="$p_best" -v pm="$p_median" -v orss="$o_rss" -v prss="$p_rss" 'BEGIN {
      printf "go / gotrace time: %.1fx best, %.1fx median (goal: >= 25x)\n", pb / ob, pm / om
      printf "gotrace / go peak RSS: 1/%.1f (goal: <= 1/6)\n", prss / orss }'
  fi
fi

# --- The legacy format -------------------------------------------------------------------
# The same workload written by Go 1.21 (the legacy format, "go 1.21 trace"). Go's -d=footprint reads only the
# modern formats, so the Go side is its full parse (-pprof=sched), which converts legacy traces to the modern model.
if [ "${BENCH_LEGACY:-1}" = 1 ]; then
  legacy_root=/opt/go-debian/usr/lib/go-1.21
  if [ ! -x "$legacy_root/bin/go" ]; then
    say "installing Go 1.21 for the legacy trace"
    bash "$repo/../shared/tools/install-go.sh" 1.21
  fi
  legacy_file=$bench_dir/big.go1.21.${seconds}s.trace
  if [ "$regen" = 1 ] || [ ! -s "$legacy_file" ]; then
    say "building testdata/bench/bigtrace with Go 1.21"
    (cd "$repo/testdata/bench/bigtrace" && GOROOT=$legacy_root PATH=$legacy_root/bin:$PATH \
      go build -o "$bench_dir/bigtrace.go1.21" .)
    say "writing a ${seconds}s legacy trace to $legacy_file"
    "$bench_dir/bigtrace.go1.21" -d "${seconds}s" -o "$legacy_file.tmp"
    mv "$legacy_file.tmp" "$legacy_file"
  fi
  legacy_mib=$(stat -c %s "$legacy_file" | awk '{printf "%.1f", $1 / 1048576}')
  : >"$work/rows"
  if [ -z "$gotrace_error" ]; then
    measure gotrace-legacy "$work/gotrace-legacy.out" "$gotrace" dump --count "$legacy_file"
  fi
  measure pprof-sched-legacy /dev/null "$trace_tool" -pprof=sched "$legacy_file"
  echo
  echo "legacy trace: $legacy_file ($legacy_mib MiB, written by Go 1.21)"
  # shellcheck disable=SC2059
  {
    printf "$fmt" command "size MiB" "best s" "median s" "cpu s" "peak RSS MiB"
    printf "$fmt" ---------------------------- -------- ------ -------- ----- ------------
    while read -r name best median cpu rss; do
      case $name in gotrace-legacy) l="gotrace dump --count" ;; *) l="go tool trace -pprof=sched" ;; esac
      if [ "$best" = FAILED ]; then printf "$fmt" "$l" "$legacy_mib" FAILED - - -
      else printf "$fmt" "$l" "$legacy_mib" "$best" "$median" "$cpu" "$rss"; fi
    done <"$work/rows"
  }
  if [ -n "$(row gotrace-legacy)" ]; then
    echo "gotrace dump --count reports:"
    head -n 20 "$work/gotrace-legacy.out" | sed 's/^/    /'
  fi
fi

if [ "$failed" != 0 ]; then
  echo >&2
  echo "run.sh: at least one command failed" >&2
  exit 1
fi

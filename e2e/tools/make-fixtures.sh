#!/usr/bin/env bash
# Regenerates e2e/fixtures/blocking.json: the blocking span the end-to-end test clicks and the sync blocking time
# its hover must show, both taken from Go's own tools (Go 1.27), never from this project's server.
#
#   - `go tool trace -d=parsed testdata/traces/blocking.go1.27.trace`: every event after ordering. The fixture's
#     span is the longest Running->Waiting Reason="sync" wait of a goroutine whose transition stack passes through
#     testdata/programs/blocking/main.go at LINE (a `// BLOCKS: ... -pprof=sync` line), up to that goroutine's next
#     transition (Waiting->Runnable); its time is the midpoint, relative to the first event (the server's startNs).
#   - `go tool pprof -raw testdata/golden-pprof/blocking.go1.27.trace.sync.pb.gz` (Go's -pprof=sync profile, the
#     committed golden): the line's cumulative delay = sum of delay over samples with a location at main.go:LINE,
#     each sample counted once; likewise the contention count.
#
#
# It also writes e2e/fixtures/views.json (make-view-fixtures.mjs), the numbers of the analysis tabs' tests, from Go
# only: `go tool pprof -raw` of every golden -pprof=KIND profile of blocking.go1.27.trace (per kind total and count),
# the `-d=parsed` output above (a time inside each main.lockContender goroutine's longest span), Go's HTML pages in
# testdata/golden-pages/{blocking,annotations}.go1.27.trace/pages.gz (goroutine groups, a group's goroutines, task
# types and a histogram bucket's tasks) and Go's MMU of gcheavy.go1.27.trace (testdata/golden-mmu).
#
# Usage: bash e2e/tools/make-fixtures.sh [LINE]     (default 39: mu.Lock, mutex contention)
# Needs Go 1.27 (GOROOT below, override with GO127ROOT) and node.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LINE="${1:-39}"
GOROOT="${GO127ROOT:-/opt/go-debian/usr/lib/go-1.27}"
export GOROOT GOTOOLCHAIN=local GOPROXY=off GOFLAGS=
GO="$GOROOT/bin/go"
TRACE="$ROOT/testdata/traces/blocking.go1.27.trace"
PROFILE="$ROOT/testdata/golden-pprof/blocking.go1.27.trace.sync.pb.gz"
MAIN="$ROOT/testdata/programs/blocking/main.go"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"  # go tool pprof may write into $HOME/pprof otherwise; keep its droppings here
"$GO" version >"$tmp/go-version"
"$GO" tool trace -d=parsed "$TRACE" >"$tmp/parsed" 2>"$tmp/parsed.err"
HOME="$tmp" "$GO" tool pprof -raw "$PROFILE" >"$tmp/raw" 2>"$tmp/raw.err"

node "$ROOT/e2e/tools/make-fixtures.mjs" \
  --line "$LINE" --main "$MAIN" --parsed "$tmp/parsed" --raw "$tmp/raw" \
  --go-version "$(cat "$tmp/go-version")" \
  >"$ROOT/e2e/fixtures/blocking.json"
echo "wrote e2e/fixtures/blocking.json" >&2
cat "$ROOT/e2e/fixtures/blocking.json" >&2

raw_args=()
for kind in sync net syscall sched; do
  HOME="$tmp" "$GO" tool pprof -raw "$ROOT/testdata/golden-pprof/blocking.go1.27.trace.$kind.pb.gz" >"$tmp/raw.$kind" 2>"$tmp/raw.$kind.err"
  raw_args+=(--pprof-raw "$kind=$tmp/raw.$kind")
done
node "$ROOT/e2e/tools/make-view-fixtures.mjs" "${raw_args[@]}" --parsed "$tmp/parsed" \
  --pages-blocking "$ROOT/testdata/golden-pages/blocking.go1.27.trace/pages.gz" \
  --pages-annotations "$ROOT/testdata/golden-pages/annotations.go1.27.trace/pages.gz" \
  --mmu "$ROOT/testdata/golden-mmu/gcheavy.go1.27.trace/mmu.tsv.gz" \
  --go-version "$(cat "$tmp/go-version")" \
  >"$ROOT/e2e/fixtures/views.json"
echo "wrote e2e/fixtures/views.json" >&2

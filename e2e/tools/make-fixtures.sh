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

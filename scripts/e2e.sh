#!/usr/bin/env bash
# The end-to-end suite: the packaged extension in a real VS Code (code-server) in headless Chromium.
#   bash scripts/e2e.sh [run.mjs options, e.g. --only open-trace,click-span --keep]
# Installs what it needs (e2e/setup.sh; slow only the first time), packages the extension (`npm run package`) when
# no .vsix exists or the newest is older than its sources (GOTRACE_E2E_REBUILD=1: always), then runs e2e/run.mjs
# on the newest .vsix (GOTRACE_E2E_VSIX: this one instead).
# Its last line is the runner's "N passed, N failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
t0=$SECONDS

if ! NODE_BIN="$(bash e2e/setup.sh | tail -n 1)" || [ ! -x "$NODE_BIN/node" ]; then
  echo "e2e: setup failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
echo "e2e: setup took $((SECONDS - t0))s" >&2

newest_vsix() {
  local f best=""
  for f in "$ROOT"/*.vsix "$ROOT"/dist/*.vsix; do
    [ -f "$f" ] && { [ -z "$best" ] || [ "$f" -nt "$best" ]; } && best="$f"
  done
  echo "$best"
}
have_vsix() { [ -n "$(newest_vsix)" ]; }
# A .vsix older than the sources it is built from is stale: package again.
stale_vsix() {
  local v; v="$(newest_vsix)"
  [ -n "$v" ] || return 0
  [ -n "$(find package.json extension/src extension/build.mjs scripts/package.sh server \
            \( -name bin -o -name obj \) -prune -o -type f -newer "$v" -print 2>/dev/null | head -n 1)" ]
}
if [ -n "${GOTRACE_E2E_VSIX:-}" ]; then
  :
elif [ "${GOTRACE_E2E_REBUILD:-0}" = 1 ] || stale_vsix; then
  t1=$SECONDS
  if [ ! -d node_modules ]; then npm ci >&2 || { echo "e2e: npm ci failed" >&2; echo "0 passed, 1 failed"; exit 1; }; fi
  if ! npm run package >&2 || ! have_vsix; then
    echo "e2e: npm run package made no .vsix" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "e2e: packaging took $((SECONDS - t1))s" >&2
fi

echo "e2e: setup and packaging took $((SECONDS - t0))s" >&2
# The suite's own parsing and comparisons first (a second): a broken checker would make the browser tests meaningless.
if ! PATH="$NODE_BIN:$PATH" node --test e2e/lib/checks.test.mjs >/tmp/gotrace-e2e-selftest.$$ 2>&1; then
  cat /tmp/gotrace-e2e-selftest.$$ >&2; rm -f /tmp/gotrace-e2e-selftest.$$
  echo "e2e: the suite's self-tests (node --test e2e/lib/checks.test.mjs) failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
rm -f /tmp/gotrace-e2e-selftest.$$
PATH="$NODE_BIN:$PATH" exec node e2e/run.mjs "$@"

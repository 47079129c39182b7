#!/usr/bin/env bash
# The end-to-end suite: the packaged extension in a real VS Code (code-server) in headless Chromium.
#   bash scripts/e2e.sh [run.mjs options, e.g. --only open-trace,click-span --keep]
# Installs what it needs (e2e/setup.sh; slow only the first time), packages the extension when no .vsix exists
# (`npm run package`; GOTRACE_E2E_REBUILD=1 packages it again), then runs e2e/run.mjs.
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

have_vsix() { compgen -G "$ROOT/*.vsix" >/dev/null || compgen -G "$ROOT/dist/*.vsix" >/dev/null; }
if [ -n "${GOTRACE_E2E_VSIX:-}" ]; then
  :
elif [ "${GOTRACE_E2E_REBUILD:-0}" = 1 ] || ! have_vsix; then
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
PATH="$NODE_BIN:$PATH" exec node e2e/run.mjs "$@"

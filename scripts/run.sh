#!/usr/bin/env bash
# The "run" command: build the server and the .vsix, then open a sample workspace with the extension.
#   bash scripts/run.sh
#
# 1. `npm ci` at the repository root when node_modules is missing, then `npm run package` (the self-contained
#    server and the .vsix; needs the .NET 10 SDK). GOTRACE_RUN_SKIP_BUILD=1 reuses an existing .vsix.
# 2. The sample workspace: a copy of testdata/programs/blocking (main.go, go.mod) and its trace
#    blocking.go1.27.trace, in $GOTRACE_SAMPLE_DIR (default ~/gotrace-sample; refreshed on every run).
# 3. With `code` on PATH (and GOTRACE_RUN_BROWSER unset): installs the .vsix into VS Code and opens the workspace.
#    Otherwise: e2e/setup.sh (Node 24, code-server, Chromium for the tests), installs the .vsix into a private
#    code-server profile (e2e/.cache/run) and starts code-server bound to 127.0.0.1 (port $GOTRACE_PORT, default
#    8080, or a free one), printing the URL to open. Ctrl-C stops it and every process it started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { echo "run: $*" >&2; }

# 1. build ---------------------------------------------------------------------------------------------------
newest_vsix() {
  local f best=""
  for f in "$ROOT"/*.vsix "$ROOT"/dist/*.vsix; do
    [ -f "$f" ] && { [ -z "$best" ] || [ "$f" -nt "$best" ]; } && best="$f"
  done
  echo "$best"
}
if [ "${GOTRACE_RUN_SKIP_BUILD:-0}" = 1 ] && [ -n "$(newest_vsix)" ]; then
  say "reusing $(newest_vsix)"
else
  [ -d node_modules ] || { say "npm ci"; npm ci --no-audit --no-fund; }
  say "npm run package (server + .vsix)"
  npm run package
fi
VSIX="$(newest_vsix)"
[ -n "$VSIX" ] || { say "no .vsix was built"; exit 1; }

# 2. sample workspace ----------------------------------------------------------------------------------------
SAMPLE="${GOTRACE_SAMPLE_DIR:-$HOME/gotrace-sample}"
mkdir -p "$SAMPLE"
cp testdata/programs/blocking/main.go "$SAMPLE/main.go"
[ -f testdata/programs/blocking/go.mod ] && cp testdata/programs/blocking/go.mod "$SAMPLE/go.mod"
cp testdata/traces/blocking.go1.27.trace "$SAMPLE/blocking.go1.27.trace"
say "sample workspace: $SAMPLE"

# 3a. desktop VS Code ----------------------------------------------------------------------------------------
if [ -z "${GOTRACE_RUN_BROWSER:-}" ] && command -v code >/dev/null 2>&1; then
  say "installing $(basename "$VSIX") into VS Code"
  code --install-extension "$VSIX" --force
  code "$SAMPLE" "$SAMPLE/blocking.go1.27.trace"
  say "opened $SAMPLE in VS Code (the trace opens in the Go Trace timeline; hover main.go's lines for blocking times)"
  exit 0
fi

# 3b. code-server in the browser -----------------------------------------------------------------------------
NODE_BIN="$(bash e2e/setup.sh | tail -n 1)"
export PATH="$NODE_BIN:$PATH"
ENTRY="$ROOT/e2e/node_modules/code-server/out/node/entry.js"
STATE="${GOTRACE_RUN_STATE:-$ROOT/e2e/.cache/run}"
UD="$STATE/user-data"
EXT="$STATE/extensions"
mkdir -p "$UD/User" "$EXT"
if [ ! -f "$UD/User/settings.json" ]; then
  cat >"$UD/User/settings.json" <<'JSON'
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "chat.disableAIFeatures": true,
  "telemetry.telemetryLevel": "off",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false
}
JSON
fi
say "installing $(basename "$VSIX") into code-server ($EXT)"
node "$ENTRY" --user-data-dir "$UD" --extensions-dir "$EXT" --install-extension "$VSIX" --force >&2

PORT="${GOTRACE_PORT:-8080}"
PORT="$(node -e '
  const net = require("net");
  const want = Number(process.argv[1]);
  const tryPort = (p) => { const s = net.createServer(); s.once("error", () => tryPort(0));
    s.listen(p, "127.0.0.1", () => { const got = s.address().port; s.close(() => console.log(got)); }); };
  tryPort(want);' "$PORT")"

# Its own session (process group): code-server leaves helper processes that Ctrl-C on our group would not reach.
setsid node "$ENTRY" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check \
  --config "$STATE/config.yaml" --user-data-dir "$UD" --extensions-dir "$EXT" "$SAMPLE" &
CS=$!
stop() {
  trap - INT TERM EXIT
  if kill -0 -- "-$CS" 2>/dev/null; then
    say "stopping code-server"
    kill -TERM -- "-$CS" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 -- "-$CS" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$CS" 2>/dev/null || true
  fi
}
trap stop EXIT
trap 'stop; exit 130' INT TERM

for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$CS" 2>/dev/null || { say "code-server exited"; exit 1; }
  sleep 0.2
done
FOLDER_Q="$(node -e 'console.log(encodeURIComponent(process.argv[1]))' "$SAMPLE")"
echo
echo "  Open http://127.0.0.1:$PORT/?folder=$FOLDER_Q"
echo "  (click blocking.go1.27.trace in the explorer for the timeline; hover main.go's lines for blocking times)"
echo "  Ctrl-C stops it."
echo
wait "$CS"

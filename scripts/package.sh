#!/usr/bin/env bash
# Builds the VS Code extension package (.vsix) with the server inside, so users need no .NET install:
#   bash scripts/package.sh            (npm run package)
# 1. the extension bundles (esbuild, production: minified, no sourcemaps) into out/;
# 2. the server, self-contained for linux-x64 (GOTRACE_RIDS="linux-x64 osx-arm64 ..." for more), composite
#    ReadyToRun and trimmed, into dist-server/<rid>/ (why these options: extension/README.md, "Server build");
# 3. a staging folder dist-vsix/stage/ with package.json, README.md, out/ and server/<rid>/ only, packaged by
#    @vscode/vsce into go-trace-viewer-<version>.vsix at the repository root (gitignored).
# Needs: Node 20+ with npm, the .NET 10 SDK. Prints the .vsix path last.
# GOTRACE_REUSE_SERVER=1 keeps an existing dist-server/<rid>/ (quicker when only the extension changed).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
rids=${GOTRACE_RIDS:-linux-x64}

[ -x node_modules/.bin/esbuild ] && [ -x node_modules/.bin/vsce ] || npm ci --no-audit --no-fund

echo "== extension bundles"
node extension/build.mjs --production
for f in out/extension.js out/webview.js out/webview.css; do
  [ -s "$f" ] || { echo "package: $f was not built" >&2; exit 1; }
done

for rid in $rids; do
  echo "== server ($rid)"
  if [ "${GOTRACE_REUSE_SERVER:-}" = 1 ] && [ -f "dist-server/$rid/gotrace" -o -f "dist-server/$rid/gotrace.exe" ]; then
    echo "reusing dist-server/$rid (GOTRACE_REUSE_SERVER=1)"; continue
  fi
  rm -rf "dist-server/$rid"
  # The ReadyToRun step's intermediate files do not record whether they were composite: a publish with other
  # ReadyToRun options before this one would leave a server that aborts at start. Always compile them afresh.
  rm -rf "server/GoTrace.Server/obj/Release/net10.0/$rid/R2R"
  # IL2104: Google.Protobuf reports trim warnings for its reflection API, which the server does not use (it only
  # writes profile.proto messages); every other warning still fails the build.
  # Composite ReadyToRun: the framework and the server precompiled as one image, so generic code over the server's
  # types and calls across assemblies need no JIT at run time (start-up and short CLI runs, extension/README.md).
  dotnet publish server/GoTrace.Server -c Release -r "$rid" --self-contained true --nologo \
    -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true -p:PublishTrimmed=true -p:WarningsNotAsErrors=IL2104 \
    -p:DebugType=none -p:GenerateDocumentationFile=false -o "dist-server/$rid"
  exe="dist-server/$rid/gotrace"; [ -f "$exe" ] || exe="$exe.exe"
  [ -f "$exe" ] || { echo "package: no server executable in dist-server/$rid" >&2; exit 1; }
done

echo "== staging"
stage=dist-vsix/stage
rm -rf "$stage"
mkdir -p "$stage/out" "$stage/server"
cp out/extension.js out/webview.js out/webview.css "$stage/out/"
for rid in $rids; do
  cp -r "dist-server/$rid" "$stage/server/$rid"
  # .NET parts the server never uses at run time: crash dumps, debugger support, the LTTng trace provider.
  rm -f "$stage/server/$rid"/{createdump,libmscordaccore.so,libmscordbi.so,libcoreclrtraceptprovider.so}
  rm -f "$stage/server/$rid"/*.{pdb,dbg,xml}
done
cp extension/README.md "$stage/README.md"
cp .vscodeignore "$stage/.vscodeignore"
# The manifest without what only the repository needs (scripts, dependencies: the bundle holds them).
node -e '
  const fs = require("fs");
  const p = JSON.parse(fs.readFileSync("package.json", "utf8"));
  for (const k of ["scripts", "dependencies", "devDependencies"]) delete p[k];
  fs.writeFileSync(process.argv[1], JSON.stringify(p, null, 2) + "\n");
' "$stage/package.json"
version=$(node -p 'require("./package.json").version')
vsix="$repo/go-trace-viewer-$version.vsix"

echo "== vsce"
(cd "$stage" && "$repo/node_modules/.bin/vsce" package --no-dependencies --skip-license --allow-missing-repository \
  --out "$vsix")
rm -rf dist-vsix
echo "package: $(du -h "$vsix" | cut -f1) $vsix"
echo "$vsix"

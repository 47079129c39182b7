#!/usr/bin/env bash
# Captures the analysis pages Go 1.27's `go tool trace` serves for every committed trace, as goldens for
# tests/GoTrace.Analysis.Tests (goroutine groups, one page per group, task types, task lists with filters,
# region groups, region lists). Nothing here is produced by our own code.
#
#   bash testdata/tools/capture-pages.sh [TRACE_NAME...]
#
# Default: every testdata/traces/*.trace, plus the damaged variants in $damaged below (modern traces whose
# error comes after some events of the failing generation were delivered: Go's summarizer has seen those,
# the pages' trace bounds end at the last Sync). A TRACE_NAME is looked up in traces/, then in damaged/.
#
# For each trace: starts `go tool trace -http=127.0.0.1:0 TRACE` in the background, reads the port from its
# log, fetches the pages with curl and kills the server by its PID. The bodies go, unchanged, into one
# gzip file per trace (pages compress far better together), testdata/golden-pages/<trace>/pages.gz:
#
#   for each page:  "GET <path+query> <byte length>\n" <body bytes> "\n"
#
# and INDEX.tsv lists the requests (for people; the tests read pages.gz).
#
# Needs the Go 1.27 toolchain (GO_DEBIAN_ROOT, default /opt/go-debian) and curl. `go tool trace` is built
# on first use. TZ=UTC so that nothing depends on the local zone.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)   # .../testdata
out_root="$here/golden-pages"
export GOROOT=${GO_DEBIAN_ROOT:-/opt/go-debian}/usr/lib/go-1.27
export PATH="$GOROOT/bin:$PATH" GOTOOLCHAIN=local GOFLAGS=-mod=mod GOPROXY=off TZ=UTC
export BROWSER=true   # `go tool trace` tries to open a browser; make that a no-op

work=$(mktemp -d "${TMPDIR:-/tmp}/gotrace-pages.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

log() { printf '%s\n' "$*" >&2; }

damaged=(blocking.go1.22.trace.flip-7 blocking.go1.25.trace.flip-0 blocking.go1.27.trace.trunc-mid)
locate() { if [ -e "$here/traces/$1" ]; then echo "$here/traces/$1"; else echo "$here/damaged/$1"; fi; }
if [ $# -gt 0 ]; then
  traces=()
  for n in "$@"; do traces+=("$(locate "$n")"); done
else
  traces=("$here"/traces/*.trace)
  for n in "${damaged[@]}"; do traces+=("$here/damaged/$n"); done
fi

# Links found in a page: href="..." (html/template) and href=... (the histogram's raw HTML).
links() { # file prefix
  grep -o "href=\"\\?$2[^\" >]*" "$1" | sed -e 's/^href="\?//' -e 's/&amp;/\&/g' || true
}

for trace in "${traces[@]}"; do
  name=$(basename "$trace")
  dir="$out_root/$name"
  rm -rf "$dir"; mkdir -p "$dir"
  srvlog="$work/server.log"
  go tool trace -http=127.0.0.1:0 "$trace" >"$srvlog" 2>&1 &
  server_pid=$!
  base=""
  for _ in $(seq 1 600); do
    base=$(grep -o 'listening on http://[0-9.:]*' "$srvlog" | sed 's/listening on //' || true)
    [ -n "$base" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$srvlog" >&2; log "go tool trace exited for $name"; exit 1; }
    sleep 0.1
  done
  [ -n "$base" ] || { log "timed out waiting for go tool trace on $name"; exit 1; }

  n=0
  bundle="$work/pages"
  : >"$bundle"
  : >"$dir/INDEX.tsv"
  declare -A seen=()
  page=""
  fetch() { # path+query; sets $page to the local copy of the body (each URL fetched once)
    local url=$1
    if [ -n "${seen[$url]:-}" ]; then page=${seen[$url]}; return; fi
    n=$((n + 1))
    page="$work/$n.html"
    curl -sS --fail -o "$page" "$base$url"
    printf 'GET %s %d\n' "$url" "$(stat -c %s "$page")" >>"$bundle"
    cat "$page" >>"$bundle"
    printf '\n' >>"$bundle"
    printf '%s\n' "$url" >>"$dir/INDEX.tsv"
    seen[$url]=$page
  }

  # Goroutine groups, each group, one sorted variant.
  fetch /goroutines; g=$page
  first=""
  while IFS= read -r u; do
    [ -n "$u" ] || continue
    fetch "$u"
    [ -n "$first" ] || first=$u
  done < <(links "$g" /goroutine?)
  if [ -n "$first" ]; then
    fetch "$first&sortby=Sched%20wait%20time"
    fetch "$first&sortby=Execution%20time"
  fi

  # Tasks: types, each type, each histogram bucket, a few filters.
  fetch /usertasks; t=$page
  while IFS= read -r u; do if [ -n "$u" ]; then fetch "$u"; fi; done < <(links "$t" /usertask?)
  for u in "/usertask" "/usertask?complete=1" "/usertask?complete=0" "/usertask?latmin=1ms" \
           "/usertask?latmax=2ms&complete=1" "/usertask?logtext=request" "/usertask?logtext=round"; do
    fetch "$u"
  done

  # Regions: groups, each group, each histogram bucket, all regions, one sorted variant.
  fetch /userregions; r=$page
  firstr=""
  while IFS= read -r u; do
    [ -n "$u" ] || continue
    fetch "$u"
    [ -n "$firstr" ] || firstr=$u
  done < <(links "$r" /userregion?)
  fetch /userregion
  if [ -n "$firstr" ]; then fetch "$firstr&sortby=Execution%20time"; fi
  unset seen
  gzip -9n -c "$bundle" >"$dir/pages.gz"
  rm -f "$work"/*.html

  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=""
  log "$name: $n pages, $(stat -c %s "$dir/pages.gz") bytes"
done
log "total: $(cat "$out_root"/*/pages.gz | wc -c) bytes in $out_root"

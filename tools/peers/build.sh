#!/usr/bin/env bash
# Builds the peers the bench measures fleetdeck against — k9s and stern — from the Go module
# proxy at the versions pinned below, cached by version like the control plane, so a second run
# builds nothing. Prints the cache's bin directory on its last line. A peer that fails to build
# is named on stderr with its log and the exit code is 5; the bench reports it as not built.
#
# Each module is copied out of the module cache and built as the main module (`go install
# MODULE@VERSION` refuses modules whose go.mod has replace directives, as k9s's has).
# Needs: go (>= the modules' go directive) and network to the module proxy.
set -euo pipefail
K9S_VERSION=v0.50.16
STERN_VERSION=v1.33.0
if ! command -v go >/dev/null 2>&1; then
  echo "peers/build.sh: go is not installed; k9s and stern cannot be built" >&2
  exit 3
fi
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
cache=${XDG_CACHE_HOME:-$HOME/.cache}/fleetdeck/peers/k9s-$K9S_VERSION-stern-$STERN_VERSION
# one build of this cache at a time: a second run (npm test beside test:cluster, two sessions)
# waits for the first and then finds its binaries, instead of racing it over the same files
mkdir -p "$(dirname "$cache")"
exec 9>"$cache.lock"
flock -n 9 || { echo "peers/build.sh: another build of $(basename "$cache") is running; waiting for it" >&2; flock 9; }
bin=$cache/bin
mkdir -p "$bin"
work=$(mktemp -d "${TMPDIR:-/tmp}/fleetdeck-peers.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
t0=$(date +%s)
log() { echo "peers/build.sh: $* ... $(( $(date +%s) - t0 ))s elapsed" >&2; }

failed=0
# build MODULE VERSION NAME PKG: the binary $bin/NAME from package PKG of the module
build() {
  local mod=$1 ver=$2 name=$3 pkg=$4 dir
  if [ -x "$bin/$name" ]; then return 0; fi
  log "fetching $mod@$ver"
  dir=$(go mod download -json "$mod@$ver" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || true
  if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    echo "peers/build.sh: go mod download $mod@$ver failed" >&2
    failed=1
    return 0
  fi
  cp -r "$dir" "$work/$name"
  chmod -R u+w "$work/$name"
  log "building $name $ver"
  if (cd "$work/$name" && go build -trimpath -ldflags "-s -w" -o "$bin/$name.tmp" "$pkg") >"$work/$name.log" 2>&1; then
    mv "$bin/$name.tmp" "$bin/$name"
    log "built $name"
  else
    echo "peers/build.sh: building $name $ver failed:" >&2
    tail -20 "$work/$name.log" >&2
    failed=1
  fi
}

build github.com/stern/stern "$STERN_VERSION" stern .
build github.com/derailed/k9s "$K9S_VERSION" k9s .
[ "$failed" -eq 0 ] || exit 5
echo "$bin"

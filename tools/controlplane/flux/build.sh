#!/usr/bin/env bash
# Builds the real Flux controllers (source-, kustomize-, helm-controller) and the flux CLI from
# the Go module proxy at the versions pinned in ../versions.env, caching the binaries and the
# controllers' upstream CRDs by version so a second run builds nothing. Prints the cache
# directory (holding bin/ and crds/) on its last line.
#
# `go install MODULE@VERSION` is refused for these modules (their go.mod has replace
# directives), so each module is copied out of the module cache and built as the main module
# with the fixes measured in /work/shared/REFERENCE-real-flux.md §1:
#   1. drop `replace .../api => ./api` (the nested api module is not in the module zip; the
#      proxy serves it at the same version);
#   2. source-controller: fluxcd/pkg/artifact pinned to $FLUX_PKG_ARTIFACT_VERSION;
#   3. flux CLI: cmd/flux/manifests/*.yaml (embedded; upstream builds them from GitHub release
#      URLs) generated locally with `kubectl kustomize` from the controllers' config/.
# Needs: go (>= the modules' go directive), kubectl (for kustomize), network to the module proxy.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../versions.env"
for tool in go kubectl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "flux/build.sh: $tool is not installed; the real Flux controllers cannot be built" >&2
    exit 3
  fi
done
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
key=source-$FLUX_SOURCE_VERSION-kustomize-$FLUX_KUSTOMIZE_VERSION-helm-$FLUX_HELM_VERSION-cli-$FLUX_CLI_VERSION
cache=${XDG_CACHE_HOME:-$HOME/.cache}/fleetdeck/flux/$key
# one build of this cache at a time: a second run (npm test beside test:cluster, two sessions)
# waits for the first and then finds its binaries, instead of racing it over the same files
mkdir -p "$(dirname "$cache")"
exec 9>"$cache.lock"
flock -n 9 || { echo "flux/build.sh: another build of $(basename "$cache") is running; waiting for it" >&2; flock 9; }
bin=$cache/bin
crds=$cache/crds
want=(source-controller kustomize-controller helm-controller flux)
missing=()
for b in "${want[@]}"; do [ -x "$bin/$b" ] || missing+=("$b"); done
if [ ${#missing[@]} -eq 0 ] && [ -f "$crds/.complete" ]; then echo "$cache"; exit 0; fi
mkdir -p "$bin" "$crds"
work=$(mktemp -d "${TMPDIR:-/tmp}/fleetdeck-flux-src.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
t0=$(date +%s)
log() { echo "flux/build.sh: $* ... $(( $(date +%s) - t0 ))s elapsed" >&2; }

# fetch MODULE VERSION NAME: copies the module's source (read-only in the module cache) to
# $work/NAME, writable.
fetch() {
  local mod=$1 ver=$2 name=$3 dir
  dir=$(go mod download -json "$mod@$ver" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    echo "flux/build.sh: go mod download $mod@$ver failed" >&2
    go mod download -json "$mod@$ver" >&2 || true
    exit 4
  fi
  cp -r "$dir" "$work/$name"
  chmod -R u+w "$work/$name"
}

log "fetching modules"
fetch github.com/fluxcd/source-controller "$FLUX_SOURCE_VERSION" source-controller
fetch github.com/fluxcd/kustomize-controller "$FLUX_KUSTOMIZE_VERSION" kustomize-controller
fetch github.com/fluxcd/helm-controller "$FLUX_HELM_VERSION" helm-controller
fetch github.com/fluxcd/flux2/v2 "$FLUX_CLI_VERSION" flux2

for c in source kustomize helm; do
  (cd "$work/$c-controller" && go mod edit -dropreplace="github.com/fluxcd/$c-controller/api")
done
(cd "$work/source-controller" &&
  go mod edit -replace "github.com/fluxcd/pkg/artifact=github.com/fluxcd/pkg/artifact@$FLUX_PKG_ARTIFACT_VERSION")

# Upstream CRDs, from the same modules (config/crd/bases).
rm -f "$crds"/*.yaml "$crds/.complete"
for c in source kustomize helm; do cp "$work/$c-controller/config/crd/bases/"*.yaml "$crds/"; done
touch "$crds/.complete"

# The flux CLI's embedded manifests, built as manifests/scripts/bundle.sh does but from the
# local controller sources instead of GitHub release assets.
m=$work/flux2/manifests
out=$work/flux2/cmd/flux/manifests
mkdir -p "$out"
for c in source kustomize helm; do
  name=$c-controller
  kubectl kustomize "$work/$name/config/crd" >"$m/bases/$name/$name.crds.yaml"
  kubectl kustomize "$work/$name/config/manager" >"$m/bases/$name/$name.deployment.yaml"
  sed -i -E "s#https://github.com/fluxcd/$name/releases/download/[^/]+/##" "$m/bases/$name/kustomization.yaml"
  kubectl kustomize "$m/bases/$name" >"$out/$name.yaml"
done
kubectl kustomize "$m/rbac" >"$out/rbac.yaml"
kubectl kustomize "$m/policies" >"$out/policies.yaml"

build() { # name, dir, package, extra ldflags
  local name=$1 dir=$2 pkg=$3 ld="-s -w ${4:-}"
  [ -x "$bin/$name" ] && return 0
  log "building $name"
  (cd "$dir" && go build -trimpath -ldflags "$ld" -o "$bin/$name.tmp" "$pkg") && mv "$bin/$name.tmp" "$bin/$name"
}
build source-controller "$work/source-controller" .
build kustomize-controller "$work/kustomize-controller" .
build helm-controller "$work/helm-controller" .
build flux "$work/flux2" ./cmd/flux "-X main.VERSION=${FLUX_CLI_VERSION#v}"
log "done"
echo "$cache"

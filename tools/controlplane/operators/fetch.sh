#!/usr/bin/env bash
# Fetches the operators' upstream CRDs at the versions pinned in ../versions.env from the Go
# module proxy (`go mod download`, no build) and caches them by version. Prints the cache
# directory (one YAML file per CRD) on its last line.
#   cert-manager        deploy/crds/cert-manager.io_*.yaml (Certificate, Issuer, ...)
#   CloudNativePG       config/crd/bases/postgresql.cnpg.io_clusters.yaml
#   prometheus-operator example/prometheus-operator-crd/monitoring.coreos.com_prometheuses.yaml
#   Argo CD             manifests/crds/application-crd.yaml
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../versions.env"
if ! command -v go >/dev/null 2>&1; then
  echo "operators/fetch.sh: Go is not installed; the operator CRDs cannot be fetched" >&2
  exit 3
fi
export GOTOOLCHAIN=local GOFLAGS=-mod=mod
key=cert-manager-$CERT_MANAGER_VERSION-cnpg-$CNPG_VERSION-prometheus-operator-$PROMETHEUS_OPERATOR_VERSION-argocd-$ARGOCD_VERSION
out=${XDG_CACHE_HOME:-$HOME/.cache}/fleetdeck/operator-crds/$key
if [ -f "$out/.complete" ]; then echo "$out"; exit 0; fi
mkdir -p "$out"
dir() { # module@version → its directory in the module cache
  local d
  d=$(go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  if [ -z "$d" ]; then echo "operators/fetch.sh: go mod download $1 failed" >&2; go mod download -json "$1" >&2 || true; exit 4; fi
  echo "$d"
}
cm=$(dir "github.com/cert-manager/cert-manager@$CERT_MANAGER_VERSION")
cp "$cm"/deploy/crds/cert-manager.io_*.yaml "$out/"
cnpg=$(dir "github.com/cloudnative-pg/cloudnative-pg@$CNPG_VERSION")
cp "$cnpg/config/crd/bases/postgresql.cnpg.io_clusters.yaml" "$out/"
po=$(dir "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION")
cp "$po/example/prometheus-operator-crd/monitoring.coreos.com_prometheuses.yaml" "$out/"
argo=$(dir "github.com/argoproj/argo-cd/v3@$ARGOCD_VERSION")
cp "$argo/manifests/crds/application-crd.yaml" "$out/argoproj.io_applications.yaml"
chmod u+w "$out"/*.yaml
touch "$out/.complete"
echo "$out"

#!/usr/bin/env bash
# Builds the real control plane (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kwok) with the machine's Go, caching the binaries by version so a second
# run builds nothing. Prints the bin directory on its last line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/versions.env"
if ! command -v go >/dev/null 2>&1; then
  echo "build.sh: Go is not installed; the real-control-plane tier cannot be built" >&2
  exit 3
fi
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
cache=${XDG_CACHE_HOME:-$HOME/.cache}/fleetdeck/controlplane/k8s-$K8S_VERSION-kwok-$KWOK_VERSION
# one build of this cache at a time: a second run (npm test beside test:cluster, two sessions)
# waits for the first and then finds its binaries, instead of racing it over the same files
mkdir -p "$(dirname "$cache")"
exec 9>"$cache.lock"
flock -n 9 || { echo "build.sh: another build of $(basename "$cache") is running; waiting for it" >&2; flock 9; }
bin=$cache/bin
want=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
missing=()
for b in "${want[@]}"; do [ -x "$bin/$b" ] || missing+=("$b"); done
if [ ${#missing[@]} -eq 0 ]; then echo "$bin"; exit 0; fi
mkdir -p "$bin"
ver=${K8S_VERSION#v}
date_=$(date -u +%Y-%m-%dT%H:%M:%SZ)
ld="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ld+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=${ver%%.*} -X $pkg.gitMinor=$(echo "$ver" | cut -d. -f2)"
  ld+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$date_"
done
t0=$(date +%s)
build() { # name, module dir, package
  local name=$1 dir=$2 pkg=$3
  [ -x "$bin/$name" ] && return 0
  echo "build.sh: building $name ($pkg) ... $(( $(date +%s) - t0 ))s elapsed" >&2
  (cd "$dir" && go build -trimpath -ldflags "$ld" -o "$bin/$name.tmp" "$pkg") && mv "$bin/$name.tmp" "$bin/$name"
}
build etcd "$here/k8s" ./etcd
build kube-apiserver "$here/k8s" k8s.io/kubernetes/cmd/kube-apiserver
build kube-scheduler "$here/k8s" k8s.io/kubernetes/cmd/kube-scheduler
build kube-controller-manager "$here/k8s" k8s.io/kubernetes/cmd/kube-controller-manager
build kwok "$here/kwok" sigs.k8s.io/kwok/cmd/kwok
echo "build.sh: done in $(( $(date +%s) - t0 ))s" >&2
echo "$bin"

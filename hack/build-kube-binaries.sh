#!/usr/bin/env bash
# Builds kube-apiserver, kubectl (from k8s.io/kubernetes) and etcd (from go.etcd.io/etcd/server/v3) from the Go
# module proxy into ~/.kubeapitest/k8s/<version>-linux-amd64/, the layout io.fabric8:kube-api-test looks up in
# offline mode. Skipped when the three binaries are there and report the pinned versions.
#   hack/build-kube-binaries.sh node   also kubelet, kube-controller-manager, kube-scheduler and kube-proxy, the same
#                                      release into the same directory, for the node image (hack/build-images.sh)
set -euo pipefail

K8S_VERSION=1.34.4      # keep in step with tools/kube-binaries/go.mod and kube-api-test.version in pom.xml
ETCD_VERSION=3.6.4      # keep in step with tools/etcd/go.mod

root=$(cd "$(dirname "$0")/.." && pwd)
dest="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/${K8S_VERSION}-linux-amd64"

have_pinned() {
  [ -x "$dest/kube-apiserver" ] && [ -x "$dest/etcd" ] && [ -x "$dest/kubectl" ] || return 1
  grep -qx "Kubernetes v${K8S_VERSION}" <<<"$("$dest/kube-apiserver" --version 2>/dev/null)" || return 1
  grep -qx "Client Version: v${K8S_VERSION}" <<<"$("$dest/kubectl" version --client 2>/dev/null)" || return 1
  grep -qx "etcd Version: ${ETCD_VERSION}" <<<"$("$dest/etcd" --version 2>/dev/null)" || return 1
}

NODE_BINARIES=(kubelet kube-controller-manager kube-scheduler kube-proxy)

have_node() {
  for cmd in "${NODE_BINARIES[@]}"; do
    [ -x "$dest/$cmd" ] && grep -qx "Kubernetes v${K8S_VERSION}" <<<"$("$dest/$cmd" --version 2>/dev/null)" || return 1
  done
}

export CGO_ENABLED=0 GOFLAGS=-mod=mod GOOS=linux GOARCH=amd64
build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
minor=$(echo "$K8S_VERSION" | cut -d. -f2)
stamp=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  stamp+=" -X ${pkg}.gitVersion=v${K8S_VERSION} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${minor}"
  stamp+=" -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=${build_date}"
done

build_kube() { # commands of k8s.io/kubernetes/cmd, each into $dest
  cd "$root/tools/kube-binaries"
  for cmd in "$@"; do
    local started; started=$(date +%s)
    go build -trimpath -ldflags "-s -w${stamp}" -o "$dest/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd"
    mv "$dest/$cmd.tmp" "$dest/$cmd"
    echo "built $cmd in $(( $(date +%s) - started )) s"
  done
}

if [ "${1:-}" = node ]; then
  if have_node; then
    echo "node binaries v${K8S_VERSION} (${NODE_BINARIES[*]}) present in $dest"
    exit 0
  fi
  mkdir -p "$dest"
  echo "building ${NODE_BINARIES[*]} v${K8S_VERSION} from the Go module proxy (takes several minutes)"
  build_kube "${NODE_BINARIES[@]}"
  have_node || { echo "built node binaries do not report v${K8S_VERSION}" >&2; exit 1; }
  exit 0
fi

if have_pinned; then
  echo "kube binaries v${K8S_VERSION} (etcd ${ETCD_VERSION}) present in $dest"
  exit 0
fi

mkdir -p "$dest"
echo "building kube-apiserver and kubectl v${K8S_VERSION} from the Go module proxy (takes several minutes)"
build_kube kube-apiserver kubectl

echo "building etcd v${ETCD_VERSION}"
cd "$root/tools/etcd"
go build -trimpath -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=v${ETCD_VERSION}" \
  -o "$dest/etcd.tmp" go.etcd.io/etcd/server/v3
mv "$dest/etcd.tmp" "$dest/etcd"

have_pinned || { echo "built binaries do not report the pinned versions" >&2; exit 1; }
ls -l "$dest"

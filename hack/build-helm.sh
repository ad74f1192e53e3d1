#!/usr/bin/env bash
# Builds the helm CLI (helm.sh/helm/v3/cmd/helm) from the Go module proxy into the directory of the Kubernetes
# binaries, ~/.kubeapitest/k8s/<k8s version>-linux-amd64/, beside kubectl. Skipped when it is there and reports the
# pinned version. The chart tests (HelmChartIT) and the sandbox's PATH find it there.
set -euo pipefail

HELM_VERSION=3.19.5     # keep in step with tools/helm/go.mod
K8S_VERSION=1.34.4      # the directory hack/build-kube-binaries.sh fills

root=$(cd "$(dirname "$0")/.." && pwd)
dest="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/${K8S_VERSION}-linux-amd64"

have_pinned() {
  [ -x "$dest/helm" ] || return 1
  grep -qx "v${HELM_VERSION}" <<<"$("$dest/helm" version --template '{{.Version}}' 2>/dev/null)"
}

if have_pinned; then
  echo "helm v${HELM_VERSION} present in $dest"
  exit 0
fi

mkdir -p "$dest"
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOOS=linux GOARCH=amd64
cd "$root/tools/helm"
# What helm's own Makefile stamps: the release, and the Kubernetes version of its client libraries, which is the
# cluster version `helm template` and `helm lint` assume (.Capabilities.KubeVersion) when no cluster is asked.
client_go=$(go list -m -f '{{.Version}}' k8s.io/client-go)   # v0.34.2
minor=$(echo "$client_go" | cut -d. -f2)
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=v${HELM_VERSION}"
ldflags+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean -X helm.sh/helm/v3/internal/version.metadata="
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  ldflags+=" -X ${pkg}.k8sVersionMajor=1 -X ${pkg}.k8sVersionMinor=${minor}"
done

echo "building helm v${HELM_VERSION} from the Go module proxy"
started=$(date +%s)
go build -trimpath -ldflags "$ldflags" -o "$dest/helm.tmp" helm.sh/helm/v3/cmd/helm
mv "$dest/helm.tmp" "$dest/helm"
echo "built helm in $(( $(date +%s) - started )) s"

have_pinned || { echo "the built helm does not report v${HELM_VERSION}" >&2; exit 1; }
ls -l "$dest/helm"

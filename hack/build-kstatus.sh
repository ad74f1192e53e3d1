#!/usr/bin/env bash
# Builds the kstatus checker (tools/kstatus: sigs.k8s.io/cli-utils/pkg/kstatus/status over YAML/JSON files) from
# the Go module proxy into the directory of the Kubernetes binaries, ~/.kubeapitest/k8s/<k8s version>-linux-amd64/.
# Skipped when the binary there was built from the current tools/kstatus (its --version carries a hash of the
# module's files). KstatusCheck (src/test/java/.../health) runs it over the status fixtures.
set -euo pipefail

K8S_VERSION=1.34.4      # the directory hack/build-kube-binaries.sh fills

root=$(cd "$(dirname "$0")/.." && pwd)
dest="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/${K8S_VERSION}-linux-amd64"
cd "$root/tools/kstatus"
stamp=$(cat go.mod go.sum main.go | sha256sum | cut -c1-16)

if [ -x "$dest/kstatus" ] && grep -q "^kstatus-check ${stamp} " <<<"$("$dest/kstatus" --version 2>/dev/null)"; then
  echo "kstatus checker ${stamp} present in $dest"
  exit 0
fi

mkdir -p "$dest"
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOOS=linux GOARCH=amd64
echo "building the kstatus checker from the Go module proxy"
started=$(date +%s)
go build -trimpath -ldflags "-s -w -X main.stamp=${stamp}" -o "$dest/kstatus.tmp" .
mv "$dest/kstatus.tmp" "$dest/kstatus"
echo "built the kstatus checker in $(( $(date +%s) - started )) s: $("$dest/kstatus" --version)"

#!/usr/bin/env bash
# Builds promtool (github.com/prometheus/prometheus/cmd/promtool) of one pinned Prometheus release from the Go module
# proxy into the directory of the Kubernetes binaries, ~/.kubeapitest/k8s/<k8s version>-linux-amd64/. Skipped when it
# is there and reports the pinned version. AlertRulesIT runs `promtool test rules` on the chart's alerting rules.
set -euo pipefail

PROMETHEUS_VERSION=3.16.0   # Go module v0.316.0; keep in step with tools/promtool/go.mod
K8S_VERSION=1.34.4          # the directory hack/build-kube-binaries.sh fills

root=$(cd "$(dirname "$0")/.." && pwd)
dest="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/${K8S_VERSION}-linux-amd64"

have_pinned() {
  [ -x "$dest/promtool" ] || return 1
  grep -q "^promtool, version ${PROMETHEUS_VERSION} " <<<"$("$dest/promtool" --version 2>/dev/null)"
}

if have_pinned; then
  echo "promtool ${PROMETHEUS_VERSION} present in $dest"
  exit 0
fi

mkdir -p "$dest"
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOOS=linux GOARCH=amd64
cd "$root/tools/promtool"
# The version stamp of Prometheus's release build (.promu.yml), its netgo tag, and remove_all_sd, Prometheus's own
# build tag that leaves out the service-discovery plugins (AWS, Azure, GCE, Kubernetes, ...: most of the build):
# rule checks and rule unit tests never discover targets. (The builtinassets tag embeds the web UI, not needed.)
module_version=$(go list -m -f '{{.Version}}' github.com/prometheus/prometheus)   # v0.316.0
ldflags="-s -w -X github.com/prometheus/common/version.Version=${PROMETHEUS_VERSION}"
ldflags+=" -X github.com/prometheus/common/version.Branch=HEAD -X github.com/prometheus/common/version.Revision=${module_version}"
echo "building promtool ${PROMETHEUS_VERSION} from the Go module proxy (once per machine)"
started=$(date +%s)
go build -trimpath -tags netgo,remove_all_sd -ldflags "$ldflags" -o "$dest/promtool.tmp" \
  github.com/prometheus/prometheus/cmd/promtool
mv "$dest/promtool.tmp" "$dest/promtool"
echo "built promtool in $(( $(date +%s) - started )) s"

have_pinned || { echo "the built promtool does not report ${PROMETHEUS_VERSION}" >&2; "$dest/promtool" --version >&2; exit 1; }
ls -l "$dest/promtool"

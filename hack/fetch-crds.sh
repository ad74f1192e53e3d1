#!/usr/bin/env bash
# Downloads the Go modules named in tools/crds/crds.txt (Argo CD, Flux's kustomize-controller, the Prometheus
# Operator) from the Go module proxy into the module cache ($(go env GOMODCACHE)/cache/download), where the tests
# read those projects' CRD files out of the module zips (testbed/ThirdPartyCrds). Skipped when every zip is there
# and holds its file.
#
# Argo CD v3.6.1 and kustomize-controller v1.10.1 ask for Go 1.27 (go.mod), newer than this machine's: `go mod
# download` still fetches the zip and checks it against the checksum database, and only refuses to unpack it, which
# nothing here needs; so no newer toolchain is downloaded.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=$(go env GOMODCACHE)/cache/download
status=0
while read -r module path; do
  case "$module" in ''|'#'*) continue ;; esac
  mod=${module%@*} version=${module#*@}
  # the module cache's case-encoding: an upper-case letter becomes ! and the letter in lower case
  escaped=$(printf '%s' "$mod" | sed 's/[A-Z]/!\L&/g')
  zip="$cache/$escaped/@v/$version.zip"
  if [ ! -s "$zip" ]; then
    echo "downloading $module from the Go module proxy"
    GOFLAGS=-mod=mod go mod download -json "$module" > /dev/null 2>&1 || true   # see above: the go-version "Error"
  fi
  if [ -s "$zip" ] && python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).getinfo(sys.argv[2])' \
      "$zip" "$module/$path" 2> /dev/null; then
    echo "$module/$path present in $zip"
  else
    echo "cannot find $path in the module zip of $module ($zip):" >&2
    GOFLAGS=-mod=mod go mod download -json "$module" >&2 || true
    status=1
  fi
done < "$root/tools/crds/crds.txt"
exit "$status"

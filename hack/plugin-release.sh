#!/usr/bin/env bash
# The kubectl plugin as a krew release: target/plugin/kubectl-migrator.tar.gz (the plugin and its completion helper,
# byte-for-byte reproducible: sorted, owner 0, mtime 0, gzip without a name or time) and target/plugin/migrator.yaml,
# plugin/krew/migrator.yaml with the version (pom.xml) and the archive's sha256 filled in. PluginReleaseTest checks
# that the manifest describes the archive.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/target/plugin"
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p;T;q' "$root/pom.xml")
mkdir -p "$out"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --mode='u+rwX,go+rX,go-w' --format=ustar \
  -C "$root/plugin" -cf - kubectl-migrator kubectl_complete-migrator | gzip -n -9 > "$out/kubectl-migrator.tar.gz"
sha=$(sha256sum "$out/kubectl-migrator.tar.gz" | cut -d' ' -f1)
sed -e "s/\${VERSION}/$version/g" -e "s/\${SHA256}/$sha/g" "$root/plugin/krew/migrator.yaml" > "$out/migrator.yaml"
echo "target/plugin/kubectl-migrator.tar.gz (sha256 $sha) and target/plugin/migrator.yaml, version v$version"

#!/usr/bin/env bash
# Builds the operator as it was at a git ref into .bench/builds/NAME/quarkus-app, for bench/footprint.py to measure
# one build beside another in one run (each lever of issue 15 is a commit): bench/build-at.sh REF NAME [MAVEN ARGS...]
# (e.g. -Dquarkus.package.jar.type=aot-jar).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ref=${1:?usage: build-at.sh REF NAME}
name=${2:?usage: build-at.sh REF NAME}
shift 2
out="$root/.bench/builds/$name"
commit=$(git -C "$root" rev-parse --short "$ref^{commit}")
rm -rf "$out"
mkdir -p "$out/src"
git -C "$root" archive "$commit" | tar -x -C "$out/src"
(cd "$out/src" && ${MVN:-mvn -B --no-transfer-progress} -o -q -Dmaven.test.skip=true "$@" package)
mv "$out/src/target/quarkus-app" "$out/quarkus-app"
rm -rf "$out/src"
echo "$commit${*:+ $*}" > "$out/commit"
echo "build-at: $ref ($commit) in ${out#"$root"/}/quarkus-app"

#!/usr/bin/env bash
# The images ClusterE2EIT needs, made here from Debian's packages and the Kubernetes binaries built from the Go module
# proxy: nothing is pulled from a registry.
#   migrator-jre-base:<package>   a JRE for the operator's image (Dockerfile.jvm's BASE_IMAGE): Debian's
#                                 openjdk-17-jre-headless by default (JRE_PACKAGE=... for another), user 185
#   migrator-node-base:debian     Debian with containerd, runc, the CNI plugins and iptables; also Testcontainers'
#                                 "tiny image" (it has sh and df), so that Testcontainers pulls no alpine
#   migrator-pause:1              the pod sandbox's process, compiled here (tools/node-image/pause.c)
#   migrator-node:v<kubernetes>   a single-node Kubernetes: the node base, the binaries, tools/node-image/
# Each is skipped when an image of that name carries the same inputs (label migrator.inputs). The base images come
# from mmdebstrap with this machine's own apt sources, through `docker import`. Needs a Docker daemon: the one that
# answers, else the project's, started for the build and stopped after (hack/container-runtime.sh).
#   hack/build-images.sh          all of them
#   hack/build-images.sh names    print the names (KEY=image lines), for the tests and the Makefile
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
K8S_VERSION=1.34.4      # the test bed's Kubernetes (hack/build-kube-binaries.sh)
bin="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/${K8S_VERSION}-linux-amd64"
JRE_PACKAGE=${JRE_PACKAGE:-openjdk-17-jre-headless}
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")

JRE_BASE=migrator-jre-base:$JRE_PACKAGE
NODE_BASE=migrator-node-base:debian
PAUSE=migrator-pause:1
NODE=migrator-node:v$K8S_VERSION

if [ "${1:-}" = names ]; then
  printf 'JRE_BASE=%s\nNODE_BASE=%s\nPAUSE=%s\nNODE=%s\n' "$JRE_BASE" "$NODE_BASE" "$PAUSE" "$NODE"
  exit 0
fi

say() { printf 'build-images: %s\n' "$*"; }

inputs_of() { sha256sum | cut -c1-16; }
current() { docker image inspect -f '{{index .Config.Labels "migrator.inputs"}}' "$1" 2>/dev/null || true; }

# This machine's apt sources, as apt-get uses them (deb822 or one-line), for mmdebstrap
sources() {
  local f
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; do
    [ -s "$f" ] || continue
    grep -q '^[^#]*debian' "$f" && echo "$f"
  done
}

# debootstrap of Debian's packages with mmdebstrap, straight into `docker import`
debian_image() { # image inputs packages (comma-separated) [docker import --change...]
  local image=$1 inputs=$2 packages=$3; shift 3
  local state; state=$(mktemp -d)
  local started; started=$(date +%s)
  local mirrors; mapfile -t mirrors < <(sources)
  [ ${#mirrors[@]} -gt 0 ] || { say "no Debian apt sources in /etc/apt: cannot make $image"; exit 1; }
  say "making $image with mmdebstrap ($packages)"
  local changes=(--change "LABEL migrator.inputs=$inputs")
  for change in "$@"; do changes+=(--change "$change"); done
  # Essential packages and the ones asked for, without man pages, translations and docs (the JRE's
  # update-alternatives still links its man page into man1, so that directory must exist); user 185 is the
  # operator's (Dockerfile.jvm), as in the default base image; the JRE's CA certificates must be there.
  mmdebstrap --quiet --variant=essential --include="$packages" \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
    --customize-hook='echo "migrator:x:185:185:migrator operator:/tmp:/usr/sbin/nologin" >> "$1/etc/passwd"' \
    --customize-hook='echo "migrator:x:185:" >> "$1/etc/group"' \
    --customize-hook='test -s "$1/etc/ssl/certs/java/cacerts" || ! test -d "$1/usr/lib/jvm"' \
    "$codename" - "${mirrors[@]}" | docker import "${changes[@]}" - > "$state/imported"
  # tagged only now: a failed mmdebstrap still hands docker import a (short) tarball
  docker tag "$(cat "$state/imported")" "$image"
  rm -rf "$state"
  say "made $image in $(( $(date +%s) - started )) s ($(docker image inspect -f '{{.Size}}' "$image" | numfmt --to=iec))"
}

jre_base() {
  local inputs; inputs=$(echo "jre $codename $JRE_PACKAGE uid185 v1" | inputs_of)
  [ "$(current "$JRE_BASE")" = "$inputs" ] && { say "$JRE_BASE present"; return 0; }
  debian_image "$JRE_BASE" "$inputs" "$JRE_PACKAGE" 'ENV LANG=C.UTF-8'
}

NODE_PACKAGES=containerd,runc,containernetworking-plugins,iptables,conntrack,iproute2,mount,procps,openssl,mawk
node_base() {
  local inputs; inputs=$(echo "node $codename $NODE_PACKAGES v1" | inputs_of)
  [ "$(current "$NODE_BASE")" = "$inputs" ] && { say "$NODE_BASE present"; return 0; }
  debian_image "$NODE_BASE" "$inputs" "$NODE_PACKAGES" 'ENV LANG=C.UTF-8' 'CMD ["/bin/sh"]'
}

pause() {
  local inputs; inputs=$(cat "$root/tools/node-image/pause.c" | inputs_of)
  [ "$(current "$PAUSE")" = "$inputs" ] && { say "$PAUSE present"; return 0; }
  local dir; dir=$(mktemp -d)
  gcc -static -Os -s -o "$dir/pause" "$root/tools/node-image/pause.c"
  tar -C "$dir" --owner=0 --group=0 -cf - pause \
    | docker import --change 'ENTRYPOINT ["/pause"]' --change "LABEL migrator.inputs=$inputs" - "$PAUSE" >/dev/null
  rm -rf "$dir"
  say "made $PAUSE ($(docker image inspect -f '{{.Size}}' "$PAUSE" | numfmt --to=iec))"
}

NODE_BINARIES=(etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
node() {
  for b in "${NODE_BINARIES[@]}"; do
    [ -x "$bin/$b" ] || { say "no $bin/$b: run 'make test-deps' (hack/build-kube-binaries.sh [node])"; exit 1; }
  done
  local inputs; inputs=$( (cd "$root/tools/node-image" && cat Dockerfile containerd.toml 10-pods.conflist node-entrypoint.sh
    docker image inspect -f '{{.Id}}' "$NODE_BASE" "$PAUSE"
    for b in "${NODE_BINARIES[@]}"; do stat -c '%n %s %Y' "$bin/$b"; done) | inputs_of)
  [ "$(current "$NODE")" = "$inputs" ] && { say "$NODE present"; return 0; }
  local started; started=$(date +%s)
  local ctx; ctx=$(mktemp -d)
  mkdir "$ctx/bin"
  for b in "${NODE_BINARIES[@]}"; do ln "$bin/$b" "$ctx/bin/$b" 2>/dev/null || cp "$bin/$b" "$ctx/bin/$b"; done
  cp "$root"/tools/node-image/{Dockerfile,containerd.toml,10-pods.conflist,node-entrypoint.sh} "$ctx/"
  docker save "$PAUSE" > "$ctx/pause.tar"
  docker build --quiet --build-arg "BASE_IMAGE=$NODE_BASE" --label "migrator.inputs=$inputs" -t "$NODE" "$ctx" >/dev/null
  rm -rf "$ctx"
  say "made $NODE in $(( $(date +%s) - started )) s ($(docker image inspect -f '{{.Size}}' "$NODE" | numfmt --to=iec))"
}

started_daemon=false
if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  bash "$root/hack/container-runtime.sh" up
  started_daemon=true
fi
trap '[ "$started_daemon" = false ] || bash "$root/hack/container-runtime.sh" down' EXIT

jre_base
node_base
pause
node
# build leftovers: the images a rebuild replaced (dangling)
docker image prune --force >/dev/null

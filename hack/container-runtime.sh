#!/usr/bin/env bash
# The container runtime the node test (ClusterE2EIT) and the image builds need, from Debian's packages.
#   hack/container-runtime.sh install  docker.io, containerd, runc, the CNI plugins and mmdebstrap; skipped when present
#   hack/container-runtime.sh up       a Docker daemon on /var/run/docker.sock: one already answering there (a
#                                      developer's own), else the project's, started here in the background
#   hack/container-runtime.sh down     stop the project's daemon (never one this script did not start)
#   hack/container-runtime.sh status   say what answers
#   hack/container-runtime.sh scoped CMD [ARG...]
#                                      run CMD (make test runs `mvn verify` so); a project's daemon that CMD started
#                                      and left running (the tests start it when they first need it, and stop it
#                                      from a JVM shutdown hook, which a killed or halted JVM never runs) is stopped
#                                      after CMD, whatever CMD's exit; a daemon that answered before CMD is left alone
# The project's daemon is Debian's dockerd, told to leave the host as it found it: no iptables rules and no IP
# forwarding (nothing here needs NAT: the test talks to published ports through docker-proxy, the node container
# to the host's bridge address), and runc through hack/runc-wrapper.sh, which drops a capability the machine lacks
# (CAP_SYS_RESOURCE in sandboxed VMs) from privileged containers. `down` stops it, waits for its containerd, and
# removes the bridge it made. Images stay in /var/lib/docker, as Debian's package keeps them: the base and node
# images are built once per machine (hack/build-images.sh).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
state=/run/migrator-operator-docker
socket=/var/run/docker.sock
packages=(docker.io containerd runc containernetworking-plugins mmdebstrap)

say() { printf 'container-runtime: %s\n' "$*"; }

answers() { docker -H "unix://$socket" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# the daemon this script started: its pid, still a dockerd (pids are reused, and soon where pid_max is 32768)
ours() { [ -f "$state/dockerd.pid" ] && [ "$(cat "/proc/$(cat "$state/dockerd.pid")/comm" 2>/dev/null)" = dockerd ]; }

install() {
  local missing=()
  for p in "${packages[@]}"; do
    grep -q 'install ok installed' <<<"$(dpkg-query -W -f '${Status}' "$p" 2>/dev/null)" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "Debian packages present: ${packages[*]}"
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || { say "installing ${missing[*]} needs root (apt-get install)"; exit 1; }
  say "installing ${missing[*]} from Debian's packages"
  # the lists may be missing or old on a new machine; apt-get install needs them
  apt-get update -q >/dev/null
  # Without an init system (a container, a CI sandbox) no service starts; where systemd starts Debian's docker
  # service, `up` finds it answering and uses it, as it would a developer's own daemon.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

up() {
  if answers; then
    ours && say "the project's dockerd runs (pid $(cat "$state/dockerd.pid"))" \
      || say "using the Docker daemon that answers on $socket"
    return 0
  fi
  command -v dockerd >/dev/null || { say "no dockerd: run 'hack/container-runtime.sh install' (make test-deps)"; exit 1; }
  mkdir -p "$state"
  # leftovers of a daemon that was killed outright (its pidfile would stop the next one)
  rm -f /var/run/docker.pid "$socket"
  # setsid: the daemon is not in the caller's process group, so a Ctrl-C of the build does not kill it half-way
  setsid nohup dockerd --host "unix://$socket" \
    --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
    --add-runtime "migrator-runc=$root/hack/runc-wrapper.sh" --default-runtime migrator-runc \
    --log-level warn > "$state/dockerd.log" 2>&1 < /dev/null &
  local pid=$!
  echo "$pid" > "$state/dockerd.pid"
  for _ in $(seq 1 120); do
    answers && { say "dockerd $(docker version --format '{{.Server.Version}}') up (pid $pid)"; return 0; }
    # alive, not ours(): until setsid and nohup have exec'd, the process is not called dockerd yet
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  say "dockerd did not come up; its log ($state/dockerd.log):"
  tail -n 20 "$state/dockerd.log" >&2
  down
  exit 1
}

down() {
  if ! ours; then
    rm -f "$state/dockerd.pid"
    say "the project's dockerd is not running"
    return 0
  fi
  local pid; pid=$(cat "$state/dockerd.pid")
  local running; running=$(docker ps -q 2>/dev/null | wc -l)
  [ "$running" -eq 0 ] || say "stopping $running container(s) left running: $(docker ps --format '{{.Names}}' | tr '\n' ' ')"
  # SIGTERM: dockerd stops its containers (their own stop timeout) and its containerd, then unmounts and exits
  kill "$pid"
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    say "dockerd (pid $pid) did not stop within 60 s: killing it"
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$state/dockerd.pid"
  # What dockerd leaves behind when it stops: the bridge of its default network, the parent cgroup of its
  # containers, its runtime state (kept on disk where /run is no tmpfs).
  if ip link show docker0 >/dev/null 2>&1; then ip link delete docker0; fi
  for cgroup in /sys/fs/cgroup/*/docker /sys/fs/cgroup/docker; do
    [ ! -d "$cgroup" ] || rmdir "$cgroup" 2>/dev/null || say "warning: $cgroup is not empty"
  done
  local mounts; mounts=$(grep -cE ' (/var/lib/docker|/run/docker|/run/containerd)' /proc/mounts || true)
  if [ "$mounts" -eq 0 ]; then
    rm -rf /run/docker
    rmdir /run/containerd/s /run/containerd 2>/dev/null || true
  else
    say "warning: $mounts mount(s) under /var/lib/docker, /run/docker or /run/containerd remain"
  fi
  say "dockerd stopped"
}

scoped() {
  [ $# -gt 0 ] || { echo "usage: $0 scoped CMD [ARG...]" >&2; exit 2; }
  # globals: the EXIT trap reads them after this function has returned
  scoped_command="$*"
  scoped_before=false
  answers && scoped_before=true
  # Every process CMD starts inherits this marker, the daemon too (up starts it with the caller's environment): a
  # daemon someone else started meanwhile is not CMD's, and stays.
  export MIGRATOR_DOCKER_SCOPE="scoped-$$-$(date +%s%N)"
  trap scoped_end EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  "$@"
}

scoped_end() {
  local status=$?
  trap - EXIT INT TERM
  if [ "$scoped_before" = false ] && ours \
    && grep -qx "MIGRATOR_DOCKER_SCOPE=$MIGRATOR_DOCKER_SCOPE" <<<"$(tr '\0' '\n' < "/proc/$(cat "$state/dockerd.pid")/environ" 2>/dev/null)"
  then
    say "the project's dockerd that '$scoped_command' started is still running: stopping it"
    # What the test JVM's own clean-up would have removed, had it run: the containers Testcontainers started and
    # the images ClusterE2EIT built for its run (the daemon stops anyway, and with it anything else it runs).
    local containers images
    containers=$(docker ps -aq --filter label=org.testcontainers=true 2>/dev/null || true)
    [ -z "$containers" ] || { say "removing test container(s): $(echo $containers)"; docker rm --force --volumes $containers >/dev/null || true; }
    images=$(docker images --format '{{.Repository}}:{{.Tag}}' migrator-operator 2>/dev/null | grep -E ':e2e-' || true)
    [ -z "$images" ] || { say "removing test image(s): $(echo $images)"; docker rmi $images >/dev/null || true; }
    down
  fi
  exit "$status"
}

status() {
  if ours; then say "the project's dockerd runs (pid $(cat "$state/dockerd.pid")), $(docker ps -q | wc -l) container(s)"
  elif answers; then say "a Docker daemon that is not the project's answers on $socket"
  else say "no Docker daemon answers on $socket"; fi
}

case "${1:-}" in
  install) install ;;
  up) up ;;
  down) down ;;
  status) status ;;
  scoped) shift; scoped "$@" ;;
  *) echo "usage: $0 install|up|down|status|scoped CMD [ARG...]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# The local sandbox: a real etcd + kube-apiserver, moto, and the operator, all on 127.0.0.1, in the background.
#   hack/sandbox.sh up     start what is not running yet, install crds/ and deploy/ (but its Deployment), write .sandbox/env
#   hack/sandbox.sh down   stop all of it and forget its state
#   hack/sandbox.sh status say what runs
#   hack/sandbox.sh restart-operator   a fresh operator (what it remembered is gone), same cluster and moto
# The operator runs as the migrator-operator ServiceAccount with leader election on, so deploy/rbac.yaml and
# deploy/leader-election-rbac.yaml are exercised for real.
# SANDBOX_DIR (default .sandbox) holds its state, so a second, separate stack can run beside it (make bench uses
# .bench/stack); OPERATOR_JAVA_OPTS are the operator's JVM flags, OPERATOR_JAVA its java (default: java on PATH).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir="${SANDBOX_DIR:-$root/.sandbox}"
K8S_VERSION=1.34.4
bin="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/${K8S_VERSION}-linux-amd64"
kubectl="$bin/kubectl"

say() { printf '%s: %s\n' "$(basename "$dir" | sed 's/^\.//')" "$*"; }

# A pid with its start time (field 22 of /proc/PID/stat): pids wrap fast on a busy machine, and a pid file alone
# would let stop_one kill whatever process got the number since.
started_at() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null; }

remember() { # name pid
  echo "$2" > "$dir/$1.pid"
  started_at "$2" > "$dir/$1.started"
}

alive() {
  [ -f "$dir/$1.pid" ] || return 1
  local pid; pid=$(cat "$dir/$1.pid")
  kill -0 "$pid" 2>/dev/null && [ "$(started_at "$pid")" = "$(cat "$dir/$1.started" 2>/dev/null)" ]
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_for() { # what, command...
  local what=$1; shift
  for _ in $(seq 1 240); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  say "$what did not come up; see $dir/*.log"; return 1
}

stop_one() {
  local name=$1
  if alive "$name"; then
    local pid; pid=$(cat "$dir/$name.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do alive "$name" || break; sleep 0.25; done
    if alive "$name"; then kill -9 "$pid" 2>/dev/null || true; fi
    say "stopped $name (pid $pid)"
  fi
  rm -f "$dir/$name.pid" "$dir/$name.started"
}

down() {
  [ -d "$dir" ] || { say "not running"; return 0; }
  for name in operator moto kube-apiserver etcd; do stop_one "$name"; done
  rm -rf "$dir"
  say "down"
}

certs() {
  local pki="$dir/pki"
  mkdir -p "$pki"
  [ -f "$pki/sa.key" ] || openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  [ -f "$pki/sa.pub" ] || openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  if [ ! -f "$pki/tokens.csv" ]; then
    # Static tokens for people: an admin, and two ordinary users for trying approvals and RBAC by hand.
    printf '%s,sandbox-admin,sandbox-admin,"system:masters"\n' "$(openssl rand -hex 16)" > "$pki/tokens.csv"
    printf '%s,alice,alice,"platform-engineers"\n' "$(openssl rand -hex 16)" >> "$pki/tokens.csv"
    printf '%s,bob,bob,"developers"\n' "$(openssl rand -hex 16)" >> "$pki/tokens.csv"
  fi
}

kubeconfig() { # file user token
  cat > "$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: sandbox
  cluster:
    server: https://127.0.0.1:$(cat "$dir/kube-apiserver.port")
    certificate-authority: $dir/pki/apiserver.crt
users:
- name: $2
  user:
    token: $3
contexts:
- name: sandbox
  context: {cluster: sandbox, user: $2}
current-context: sandbox
EOF
}

start_etcd() {
  alive etcd && return 0
  local port peer; port=$(free_port); peer=$(free_port)
  echo "$port" > "$dir/etcd.port"
  nohup "$bin/etcd" --data-dir "$dir/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$port" --advertise-client-urls "http://127.0.0.1:$port" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "default=http://127.0.0.1:$peer" > "$dir/etcd.log" 2>&1 &
  remember etcd $!
  wait_for etcd curl -sf "http://127.0.0.1:$port/health"
  say "etcd $("$bin/etcd" --version | awk 'NR == 1 {print $3}') on 127.0.0.1:$port"
}

start_apiserver() {
  alive kube-apiserver && return 0
  local port; port=$(free_port)
  echo "$port" > "$dir/kube-apiserver.port"
  nohup "$bin/kube-apiserver" --bind-address 127.0.0.1 --secure-port "$port" \
    --etcd-servers "http://127.0.0.1:$(cat "$dir/etcd.port")" \
    --cert-dir "$dir/pki" --token-auth-file "$dir/pki/tokens.csv" \
    --authorization-mode RBAC --service-cluster-ip-range 10.0.0.0/24 \
    --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$dir/pki/sa.pub" \
    --service-account-signing-key-file "$dir/pki/sa.key" --api-audiences https://kubernetes.default.svc \
    --disable-admission-plugins ServiceAccount > "$dir/kube-apiserver.log" 2>&1 &
  remember kube-apiserver $!
  kubeconfig "$dir/kubeconfig" sandbox-admin "$(grep ',sandbox-admin,' "$dir/pki/tokens.csv" | cut -d, -f1)"
  wait_for kube-apiserver "$kubectl" --kubeconfig "$dir/kubeconfig" get --raw /readyz
  wait_for "default namespace" "$kubectl" --kubeconfig "$dir/kubeconfig" get namespace default
  say "kube-apiserver $("$bin/kube-apiserver" --version | awk '{print $2}') on https://127.0.0.1:$port"
}

start_moto() {
  alive moto && return 0
  local port; port=$(free_port)
  echo "$port" > "$dir/moto.port"
  nohup "$root/.venv/bin/python" "$root/hack/moto_server_guarded.py" "$port" > "$dir/moto.log" 2>&1 &
  remember moto $!
  wait_for moto curl -sf "http://127.0.0.1:$port/moto-api/data.json"
  say "moto on http://127.0.0.1:$port"
}

install() {
  local k=("$kubectl" --kubeconfig "$dir/kubeconfig")
  "${k[@]}" apply --server-side -f "$root/crds/" >/dev/null
  "${k[@]}" wait --for condition=Established crd/migratordeployments.migrator.bfd.cms.gov \
    crd/migratorenvironments.migrator.bfd.cms.gov --timeout 60s >/dev/null
  # deploy/ without its Deployment (hack/sandbox/kustomization.yaml): the operator runs here as a local process
  "${k[@]}" apply --server-side -k "$root/hack/sandbox/" >/dev/null
  # alice may approve (deploy/approver-rbac.yaml); bob may not.
  "${k[@]}" create clusterrolebinding sandbox-alice-approver --clusterrole migrator-approver --user alice \
    --dry-run=client -o yaml | "${k[@]}" apply --server-side -f - >/dev/null
  say "installed crds/ and deploy/ but its Deployment (alice is bound to migrator-approver)"
}

start_operator() {
  local jar="$root/target/quarkus-app/quarkus-run.jar"
  if alive operator; then
    # an operator started from an older build is replaced, so the sandbox runs what was just built
    [ "$jar" -nt "$dir/operator.pid" ] || return 0
    say "the operator was rebuilt since it started: restarting it"
    stop_one operator
  fi
  [ -f "$jar" ] || { say "no $jar: run 'make build' first"; return 1; }
  local k=("$kubectl" --kubeconfig "$dir/kubeconfig")
  # The operator gets the ServiceAccount's token, not the admin's: what deploy/rbac.yaml grants is all it has.
  kubeconfig "$dir/operator.kubeconfig" migrator-operator \
    "$("${k[@]}" -n migrator-operator create token migrator-operator --duration 24h)"
  local port; port=$(free_port)
  echo "$port" > "$dir/operator.port"
  # Leader election on, as deploy/deployment.yaml runs it: the Lease migrator-operator/migrator-operator, under
  # deploy/leader-election-rbac.yaml; a restarted sandbox operator has the same identity and takes it back at once.
  KUBECONFIG="$dir/operator.kubeconfig" AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$dir/moto.port")" \
    AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 \
    LEADER_ELECTION_ENABLED=true LEADER_ELECTION_NAMESPACE=migrator-operator POD_NAME=sandbox-operator \
    QUARKUS_HTTP_PORT="$port" QUARKUS_HTTP_HOST=127.0.0.1 \
    nohup "${OPERATOR_JAVA:-java}" ${OPERATOR_JAVA_OPTS:-} -jar "$jar" > "$dir/operator.log" 2>&1 &
  remember operator $!
  wait_for operator curl -sf "http://127.0.0.1:$port/q/health/ready"
  say "operator on http://127.0.0.1:$port (health: /q/health/live, /q/health/ready)"
}

write_env() {
  cat > "$dir/env" <<EOF
export KUBECONFIG=$dir/kubeconfig
export PATH=$bin:\$PATH
export AWS_ENDPOINT_URL=http://127.0.0.1:$(cat "$dir/moto.port")
export AWS_ACCESS_KEY_ID=testing
export AWS_SECRET_ACCESS_KEY=testing
export AWS_DEFAULT_REGION=us-east-1
export MIGRATOR_OPERATOR_URL=http://127.0.0.1:$(cat "$dir/operator.port")
EOF
}

up() {
  [ -x "$bin/kube-apiserver" ] || { say "no Kubernetes binaries in $bin: run 'make test-deps'"; exit 1; }
  [ -x "$root/.venv/bin/python" ] || { say "no .venv: run 'make test-deps'"; exit 1; }
  mkdir -p "$dir"
  certs
  start_etcd
  start_apiserver
  start_moto
  install
  start_operator
  write_env
  say "up; use it with: source ${dir#"$root"/}/env"
}

status() {
  for name in etcd kube-apiserver moto operator; do
    if alive "$name"; then say "$name running (pid $(cat "$dir/$name.pid"), port $(cat "$dir/$name.port"))"
    else say "$name not running"; fi
  done
}

# The operator keeps what it observed in memory (instance lists, log tails, checks) keyed by environment; a demo
# that replays environments from scratch starts it afresh.
restart_operator() {
  alive operator || { say "operator not running: use up"; exit 1; }
  stop_one operator
  start_operator
  write_env
}

case "${1:-}" in
  up) up ;;
  restart-operator) restart_operator ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status|restart-operator" >&2; exit 2 ;;
esac

#!/bin/bash
# A single-node Kubernetes in one privileged container: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, containerd, kubelet and kube-proxy, all of one release, with certificates made at start.
#
# It answers to what Testcontainers' K3sContainer expects of a rancher/k3s image, so that ClusterE2EIT runs the same
# test on either: the command `server [--tls-san=NAME]...` (other k3s flags are ignored), the API server on 6443,
# an admin kubeconfig at /etc/rancher/k3s/k3s.yaml (context "default"), and the line "Node controller sync
# successful" once the node is Ready.
#
# Everything it writes stays inside the container: /var/lib/containerd is a tmpfs mounted here, and the kubelet's
# cgroups live under the container's own (a private cgroup namespace), so removing the container removes them.
set -euo pipefail

started=$(date +%s%N)
elapsed() { echo "$(( ($(date +%s%N) - started) / 1000000 )) ms"; }
say() { echo "node: $*"; }

[ "${1:-server}" = server ] || { say "only 'server' is supported, not '$1'"; exit 2; }
[ $# -eq 0 ] || shift
sans=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tls-san=*) sans+=("${1#--tls-san=}") ;;
    --tls-san) shift; sans+=("$1") ;;
    *) say "ignoring $1 (a k3s flag)" ;;
  esac
  shift
done

node=$(hostname | tr '[:upper:]' '[:lower:]')
node_ip=$(ip -4 -o addr show dev eth0 | awk '{ split($4, a, "/"); print a[1]; exit }')
service_cidr=10.43.0.0/16
api_service_ip=10.43.0.1
pki=/etc/kubernetes/pki
logs=/var/log/kubernetes
mkdir -p "$pki" "$logs" /etc/rancher/k3s /var/lib/kubelet /var/lib/containerd /run/containerd

# Certificates: one CA; ECDSA keys, as they take milliseconds to make.
key() { openssl ecparam -name prime256v1 -genkey -noout -out "$pki/$1.key"; }
certify() { # name subject extendedKeyUsage [subjectAltName]
  key "$1"
  openssl req -new -key "$pki/$1.key" -subj "$2" -out "$pki/$1.csr" 2>/dev/null
  local ext="keyUsage=critical,digitalSignature,keyEncipherment"$'\n'"extendedKeyUsage=$3"
  [ -z "${4:-}" ] || ext+=$'\n'"subjectAltName=$4"
  openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 365 \
    -extfile <(echo "$ext") -out "$pki/$1.crt" 2>/dev/null
  rm "$pki/$1.csr"
}
key ca
openssl req -x509 -new -key "$pki/ca.key" -subj /CN=migrator-node-ca -days 365 -out "$pki/ca.crt"
api_sans="DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
api_sans+=",DNS:localhost,DNS:$node,IP:127.0.0.1,IP:$api_service_ip,IP:$node_ip"
for san in "${sans[@]}"; do
  if [[ "$san" =~ ^[0-9.]+$ ]]; then api_sans+=",IP:$san"; else api_sans+=",DNS:$san"; fi
done
certify apiserver /CN=kube-apiserver serverAuth "$api_sans"
certify apiserver-kubelet-client /CN=kube-apiserver-kubelet-client/O=system:masters clientAuth
certify admin /CN=admin/O=system:masters clientAuth
certify controller-manager /CN=system:kube-controller-manager clientAuth
certify scheduler /CN=system:kube-scheduler clientAuth
certify kube-proxy /CN=system:kube-proxy clientAuth
certify kubelet "/CN=system:node:$node/O=system:nodes" clientAuth
certify kubelet-serving "/CN=$node" serverAuth "DNS:$node,IP:$node_ip"
key sa
openssl ec -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null

kubeconfig() { # file name server [context]
  cat > "$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: default
  cluster:
    server: $3
    certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $(base64 -w0 "$pki/$2.crt")
    client-key-data: $(base64 -w0 "$pki/$2.key")
contexts:
- name: ${4:-default}
  context: {cluster: default, user: $2}
current-context: ${4:-default}
EOF
}
for who in admin controller-manager scheduler kube-proxy kubelet; do
  kubeconfig "/etc/kubernetes/$who.kubeconfig" "$who" https://127.0.0.1:6443
done
# where K3sContainer reads the admin's kubeconfig (it points the server at the published port)
cp /etc/kubernetes/admin.kubeconfig /etc/rancher/k3s/k3s.yaml

pids=()
names=()
run() { # name command...: in the background, its output in $logs/<name>.log
  local name=$1; shift
  "$@" > "$logs/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
}
stop_all() {
  for (( i=${#pids[@]}-1; i>=0; i-- )); do kill "${pids[$i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'say "stopping"; stop_all; exit 0' TERM INT

# Mount events (volumes of pods) must reach the kubelet and containerd in both directions.
mount --make-rshared /

# A privileged container can write the machine's own kernel settings, and the kubelet sets six of them at start
# (kernel.panic=10 among them) unless they already read as it wants. Here they read so (a file bound over each),
# and /proc/sys is read-only but for its network part, which belongs to this container's network namespace
# (forwarding for the pods, kube-proxy's settings): the node changes nothing of the machine's kernel.
settings=/run/node-sysctl
mkdir -p "$settings"
for setting in vm/overcommit_memory=1 vm/panic_on_oom=0 kernel/panic=10 kernel/panic_on_oops=1 \
    kernel/keys/root_maxkeys=1000000 kernel/keys/root_maxbytes=25000000; do
  key=${setting%=*}
  echo "${setting#*=}" > "$settings/${key//\//.}"
  mount --bind "$settings/${key//\//.}" "/proc/sys/$key"
  mount -o remount,bind,ro "/proc/sys/$key"
done
mkdir -p /run/node-proc
mount -t proc proc /run/node-proc
mount --rbind /proc/sys /proc/sys
mount -o remount,bind,ro /proc/sys
mount --bind /run/node-proc/sys/net /proc/sys/net
umount /run/node-proc

# overlayfs cannot take an overlay (the container's root) as its upper layer; a tmpfs it can
mountpoint -q /var/lib/containerd || mount -t tmpfs -o mode=0711 tmpfs /var/lib/containerd

run etcd etcd --data-dir /var/lib/etcd --name "$node" \
  --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
  --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
  --initial-cluster "$node=http://127.0.0.1:2380" --unsafe-no-fsync --log-level warn

run containerd containerd --config /etc/containerd/config.toml

run kube-apiserver kube-apiserver --advertise-address "$node_ip" --bind-address 0.0.0.0 --secure-port 6443 \
  --etcd-servers http://127.0.0.1:2379 \
  --client-ca-file "$pki/ca.crt" --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" \
  --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority "$pki/ca.crt" --kubelet-preferred-address-types InternalIP \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-cluster-ip-range "$service_cidr" \
  --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --profiling=false \
  --requestheader-client-ca-file "$pki/ca.crt" --requestheader-allowed-names front-proxy-client

until kubectl --kubeconfig /etc/kubernetes/admin.kubeconfig get --raw /readyz >/dev/null 2>&1; do
  for i in "${!pids[@]}"; do
    kill -0 "${pids[$i]}" 2>/dev/null || { say "${names[$i]} exited:"; tail -n 30 "$logs/${names[$i]}.log"; exit 1; }
  done
  sleep 0.2
done
say "kube-apiserver ready after $(elapsed)"

run kube-controller-manager kube-controller-manager --kubeconfig /etc/kubernetes/controller-manager.kubeconfig \
  --authentication-kubeconfig /etc/kubernetes/controller-manager.kubeconfig \
  --authorization-kubeconfig /etc/kubernetes/controller-manager.kubeconfig \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
  --use-service-account-credentials --service-cluster-ip-range "$service_cidr" \
  --leader-elect=false --bind-address 127.0.0.1 --profiling=false

run kube-scheduler kube-scheduler --kubeconfig /etc/kubernetes/scheduler.kubeconfig \
  --authentication-kubeconfig /etc/kubernetes/scheduler.kubeconfig \
  --authorization-kubeconfig /etc/kubernetes/scheduler.kubeconfig \
  --leader-elect=false --bind-address 127.0.0.1 --profiling=false

for i in $(seq 1 100); do
  ctr --connect-timeout 1s version >/dev/null 2>&1 && break
  sleep 0.1
done
ctr -n k8s.io images import /usr/local/share/migrator-node/pause.tar >/dev/null

cat > /etc/kubernetes/kubelet.yaml <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $pki/kubelet-serving.crt
tlsPrivateKeyFile: $pki/kubelet-serving.key
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
cgroupDriver: cgroupfs
# cgroup v1 machines (kubelet 1.35 and later would refuse them by default)
failCgroupV1: false
failSwapOn: false
# without CAP_SYS_RESOURCE the kubelet cannot lower its own OOM score
oomScoreAdj: 0
# a test node on a shared disk: evict nothing for space or memory pressure the test did not cause
evictionHard: {memory.available: 50Mi, nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
EOF
run kubelet kubelet --config /etc/kubernetes/kubelet.yaml --kubeconfig /etc/kubernetes/kubelet.kubeconfig \
  --hostname-override "$node" --node-ip "$node_ip"

cat > /etc/kubernetes/kube-proxy.yaml <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: /etc/kubernetes/kube-proxy.kubeconfig}
mode: iptables
clusterCIDR: 10.42.0.0/16
hostnameOverride: $node
# leave the machine's conntrack table (a global setting) and OOM scores as they are
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
oomScoreAdj: 0
EOF
run kube-proxy kube-proxy --config /etc/kubernetes/kube-proxy.yaml

ready() {
  [ "$(kubectl --kubeconfig /etc/kubernetes/admin.kubeconfig get node "$node" \
    -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}
until ready; do
  for i in "${!pids[@]}"; do
    kill -0 "${pids[$i]}" 2>/dev/null || { say "${names[$i]} exited:"; tail -n 30 "$logs/${names[$i]}.log"; exit 1; }
  done
  sleep 0.5
done
say "node $node ($node_ip) Ready after $(elapsed): Node controller sync successful"

# Watch the components: the node ends when any of them does, with its last words.
while true; do
  wait -n "${pids[@]}" || true
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      say "${names[$i]} exited:"; tail -n 30 "$logs/${names[$i]}.log"
      stop_all
      exit 1
    fi
  done
done

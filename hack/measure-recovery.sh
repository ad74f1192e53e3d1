#!/usr/bin/env bash
# Time to recover on the sandbox: a leftover success message to Deployable=True in Auto mode, default timings
# (pollInterval 30s, activePollInterval 5s). Two cases, N rounds each:
#   watched: the environment is already watched and clean when the leftover message arrives
#   new:     the MigratorDeployment is created for an environment that already has a leftover message
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3}
source "$root/.sandbox/env"
kubectl create namespace recovery --dry-run=client -o yaml | kubectl apply --server-side -f - >/dev/null

apply_md() {
  cat <<YAML | kubectl apply --server-side -f - >/dev/null
apiVersion: migrator.bfd.cms.gov/v1alpha1
kind: MigratorEnvironment
metadata: {name: $1}
spec: {namespaces: [recovery]}
---
apiVersion: migrator.bfd.cms.gov/v1alpha1
kind: MigratorDeployment
metadata: {name: $1, namespace: recovery}
spec: {environment: $1}
YAML
}
send_leftover() {
  "$root/.venv/bin/python" -c "
import boto3, sys
sqs = boto3.client('sqs')
url = sqs.create_queue(QueueName='bfd-$1-migrator')['QueueUrl']
if len(sys.argv) > 1: sqs.send_message(QueueUrl=url, MessageBody='{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":5046}')
" ${2:-}
}
wait_deployable() { kubectl -n recovery wait "md/$1" --for=condition=Deployable=True --timeout=180s >/dev/null; }
wait_blocked() { kubectl -n recovery wait "md/$1" --for=condition=Deployable=False --timeout=180s >/dev/null; }
ms() { date +%s%3N; }

for i in $(seq 1 "$rounds"); do
  env="rec-new-$i-$RANDOM"
  send_leftover "$env" send
  start=$(ms); apply_md "$env"; wait_deployable "$env"
  echo "new     round $i: $(( $(ms) - start )) ms from creating the resource to Deployable=True"
  env="rec-watched-$i-$RANDOM"
  send_leftover "$env"; apply_md "$env"; wait_deployable "$env"
  sleep $(( RANDOM % 30 ))   # the message lands somewhere in the poll cycle
  start=$(ms); send_leftover "$env" send; wait_blocked "$env"; seen=$(ms); wait_deployable "$env"
  echo "watched round $i: $(( $(ms) - start )) ms from the message to Deployable=True (detected after $(( seen - start )) ms)"
done
kubectl delete namespace recovery --wait=false >/dev/null
kubectl get menv -o name | grep '/rec-' | xargs -r kubectl delete --wait=false >/dev/null

#!/usr/bin/env bash
# Time to recover on the sandbox: a leftover success message to Deployable=True in Auto mode, default timings
# (pollInterval 30s, activePollInterval 5s), and timing.leftoverAfter as LEFTOVER_AFTER says: unset, the operator's
# default (5m: a finished run's messages are left to the deploy pipeline that long); `LEFTOVER_AFTER=0s` where the
# operator is the queue's only reader. Two cases, N rounds each, every round at once in an environment of its own:
#   watched: the environment is already watched and clean when the leftover message arrives
#   new:     the MigratorDeployment is created for an environment whose leftover message was sent just before
# Both are measured from the moment the message was sent. The sandbox's moto plays real AWS (its realism layer, at
# AWS's timings): a purge is verified only after AWS's 60-second purge window, counts lag up to a minute.
# Usage: [LEFTOVER_AFTER=0s] [RECOVERY_NAMESPACE=recovery] hack/measure-recovery.sh [ROUNDS]
# The namespace stays (the sandbox runs no namespace controller, so a deleted namespace never finishes terminating);
# what the script created in it and its MigratorEnvironments are deleted at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3}
leftover_after=${LEFTOVER_AFTER:-}
ns=${RECOVERY_NAMESPACE:-recovery}
source "$root/.sandbox/env"
kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply --server-side -f - >/dev/null

seconds_of() { # a Go duration of s and m units (30s, 5m, 1m30s) in seconds
  local d=$1 total=0
  while [[ $d =~ ^([0-9]+)([ms])(.*)$ ]]; do
    if [ "${BASH_REMATCH[2]}" = m ]; then total=$(( total + BASH_REMATCH[1] * 60 )); else total=$(( total + BASH_REMATCH[1] )); fi
    d=${BASH_REMATCH[3]}
  done
  echo "$total"
}
wait_s=$(( $(seconds_of "${leftover_after:-5m}") + 300 ))

apply_md() {
  local timing=""
  if [ -n "$leftover_after" ]; then timing=", timing: {leftoverAfter: $leftover_after}"; fi
  cat <<YAML | kubectl apply --server-side -f - >/dev/null
apiVersion: migrator.bfd.cms.gov/v1alpha1
kind: MigratorEnvironment
metadata: {name: $1}
spec: {namespaces: [$ns]}
---
apiVersion: migrator.bfd.cms.gov/v1alpha1
kind: MigratorDeployment
metadata: {name: $1, namespace: $ns}
spec: {environment: $1$timing}
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
wait_deployable() { kubectl -n "$ns" wait "md/$1" --for=condition=Deployable=True --timeout="${wait_s}s" >/dev/null; }
wait_blocked() { kubectl -n "$ns" wait "md/$1" --for=condition=Deployable=False --timeout="${wait_s}s" >/dev/null; }
ms() { date +%s%3N; }

new_round() {
  local env="rec-new-$1-$RANDOM" start
  send_leftover "$env" send
  start=$(ms); apply_md "$env"
  if wait_deployable "$env"; then
    echo "new     round $1: $(( $(ms) - start )) ms from the message (and the resource) to Deployable=True"
  else
    echo "new     round $1: not Deployable=True within ${wait_s} s"
  fi
}
watched_round() {
  local env="rec-watched-$1-$RANDOM" start seen
  send_leftover "$env"; apply_md "$env"; wait_deployable "$env"
  sleep $(( RANDOM % 30 ))   # the message lands somewhere in the poll cycle
  start=$(ms); send_leftover "$env" send; wait_blocked "$env"; seen=$(ms)
  if wait_deployable "$env"; then
    echo "watched round $1: $(( $(ms) - start )) ms from the message to Deployable=True (detected after $(( seen - start )) ms)"
  else
    echo "watched round $1: not Deployable=True within ${wait_s} s of detection"
  fi
}

echo "timing.leftoverAfter: ${leftover_after:-the default (5m)}; $rounds round(s) of each case, all at once"
pids=()
for i in $(seq 1 "$rounds"); do
  new_round "$i" & pids+=($!)
  watched_round "$i" & pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
kubectl -n "$ns" get md -o name | grep '/rec-' | xargs -r kubectl -n "$ns" delete --wait=false >/dev/null
kubectl get menv -o name | grep '/rec-' | xargs -r kubectl delete --wait=false >/dev/null

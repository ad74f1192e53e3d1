#!/usr/bin/env bash
# make demo: sample MigratorDeployments for three environments on the sandbox, and what the operator says.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/.sandbox/env"

echo "== AWS (moto): test is clean, prod-sbx has a leftover success message, prod's last run failed (exit 2)"
"$root/.venv/bin/python" - <<'PY'
import boto3, json
sqs = boto3.client("sqs")
for env in ("test", "prod-sbx", "prod"):  # start from empty queues, also on a sandbox used before
    try:
        sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName=f"bfd-{env}-migrator")["QueueUrl"])
    except sqs.exceptions.QueueDoesNotExist:
        pass
    sqs.create_queue(QueueName=f"bfd-{env}-migrator")
def send(env, body):
    url = sqs.get_queue_url(QueueName=f"bfd-{env}-migrator")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(body, separators=(",", ":")))
send("prod-sbx", {"appStage": "Finished", "messageId": 14, "pid": 5046})
send("prod", {"pid": "4242", "start_time": "Mon 2023-03-13 18:00:01 UTC", "stop_time": "Mon 2023-03-13 18:03:10 UTC",
              "code": "exited", "status": "2", "schema_version": "10020"})
PY

echo "== applying samples for test, prod-sbx and prod (deploy/samples/)"
kubectl apply --server-side -f "$root/deploy/samples/namespace.yaml" >/dev/null
kubectl apply --server-side -f "$root/deploy/samples/"
for md in test prod-sbx prod; do
  kubectl -n bfd wait "md/$md" --for=jsonpath='{.status.observedGeneration}'=1 --timeout=60s >/dev/null
done
kubectl -n bfd wait md/prod --for=jsonpath='{.status.failureMode}'=MigrationFailed --timeout=60s >/dev/null
echo "== prod-sbx: the operator purges the leftover success message by itself (Auto mode)"
kubectl -n bfd wait md/prod-sbx --for=condition=Deployable=True --timeout=60s >/dev/null
kubectl -n bfd get md prod-sbx -o jsonpath='{range .status.history[*]}  {.time} {.action} {.outcome}: {.detail}{"\n"}{end}'


echo; echo "== kubectl get md -n bfd"
kubectl get md -n bfd
echo; echo "== kubectl describe md prod -n bfd"
kubectl describe md prod -n bfd

cat <<MSG

prod waits for a person (mode Approve; purging a failed run's evidence). As alice, who may approve:
  source .sandbox/env
  kubectl --token \$(grep ',alice,' .sandbox/pki/tokens.csv | cut -d, -f1) -n bfd annotate md/prod \\
    migrator.bfd.cms.gov/approve=\$(kubectl -n bfd get md prod -o jsonpath='{.status.planFingerprint}') \\
    migrator.bfd.cms.gov/approved-by=alice --overwrite
  kubectl -n bfd get md prod -o jsonpath='{.status.history}'

The sandbox stays up. Poke at it:
  source .sandbox/env
  kubectl get md -A                      # every environment the operator watches
  kubectl get md test -n bfd -o yaml     # the full status
  aws sqs list-queues                    # or .venv/bin/python with boto3: moto is at \$AWS_ENDPOINT_URL
  curl \$MIGRATOR_OPERATOR_URL/q/health/ready
  tail -f .sandbox/operator.log
Stop it with: make sandbox-down
MSG

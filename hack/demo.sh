#!/usr/bin/env bash
# make demo: sample MigratorDeployments for three environments on the sandbox, and what the operator says.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/.sandbox/env"

echo "== AWS (moto): test is clean, prod-sbx has a leftover success message, prod's last run failed (exit 2)"
"$root/.venv/bin/python" - <<'PY'
import boto3, json
sqs = boto3.client("sqs")
for env in ("test", "prod-sbx", "prod"):
    url = sqs.create_queue(QueueName=f"bfd-{env}-migrator")["QueueUrl"]
    sqs.purge_queue(QueueUrl=url)
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

echo; echo "== kubectl get md -n bfd"
kubectl get md -n bfd
echo; echo "== kubectl describe md prod -n bfd"
kubectl describe md prod -n bfd

cat <<MSG

The sandbox stays up. Poke at it:
  source .sandbox/env
  kubectl get md -A                      # every environment the operator watches
  kubectl get md test -n bfd -o yaml     # the full status
  aws sqs list-queues                    # or .venv/bin/python with boto3: moto is at \$AWS_ENDPOINT_URL
  curl \$MIGRATOR_OPERATOR_URL/q/health/ready
  tail -f .sandbox/operator.log
Stop it with: make sandbox-down
MSG

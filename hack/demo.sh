#!/usr/bin/env bash
# make demo: sample MigratorDeployments for three environments on the sandbox, and what the operator says.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/.sandbox/env"

echo "== applying samples for test, prod-sbx and prod (deploy/samples/)"
kubectl apply --server-side -f "$root/deploy/samples/namespace.yaml" >/dev/null
kubectl apply --server-side -f "$root/deploy/samples/"
for md in test prod-sbx prod; do
  kubectl -n bfd wait "md/$md" --for=jsonpath='{.status.observedGeneration}'=1 --timeout=60s >/dev/null
done

echo; echo "== kubectl get md -n bfd"
kubectl get md -n bfd
echo; echo "== kubectl describe md test -n bfd"
kubectl describe md test -n bfd

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

#!/usr/bin/env bash
# make demo: six BFD environments on the sandbox, one per runbook scenario, played in moto by the migrator
# simulator (hack/migrator_sim.py); the operator diagnoses them and repairs what is safe; alice approves the
# failed prod run with the kubectl plugin (plugin/kubectl-migrator). Re-runnable: it starts by forgetting the six
# environments (their MigratorEnvironments with their ledgers, MigratorDeployments, queues, instances, log groups and
# SSM parameters). moto runs behind the realism layer (hack/moto_realism.py) at real AWS's timings: counts up to a
# minute old, purges that take up to 60 s and are verified after that window, short polls that return a subset.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$root/.sandbox/env" ] || { echo "demo: no sandbox; run 'make demo' (it starts one)" >&2; exit 1; }
source "$root/.sandbox/env"
export PATH="$root/plugin:$PATH" # so that `kubectl migrator` is plugin/kubectl-migrator, as once installed
cd "$root"

envs=(test prod-sbx prod impl sandbox-1 sandbox-2)
sim() { "$root/.venv/bin/python" "$root/hack/migrator_sim.py" "$@"; }
began=$SECONDS
step() { printf '\n== [%3ds] %s\n' $((SECONDS - began)) "$*"; }
await() { # md, kubectl wait condition, what
  if ! kubectl -n bfd wait "md/$1" "--for=$2" --timeout="${4:-90s}" >/dev/null; then
    echo "demo: $1 did not reach $3; see .sandbox/operator.log" >&2
    kubectl migrator -n bfd status >&2
    exit 1
  fi
  printf '   %-10s %s\n' "$1" "$3"
}
token_of() { grep ",$1,$1," .sandbox/pki/tokens.csv | cut -d, -f1; }

step "Resetting the six environments (also on a sandbox used before)"
kubectl apply --server-side -f deploy/samples/namespace.yaml >/dev/null
if [ -n "$(kubectl -n bfd get md "${envs[@]}" --ignore-not-found -o name)$(kubectl get menv "${envs[@]}" --ignore-not-found -o name)" ]; then
  kubectl -n bfd delete md "${envs[@]}" --ignore-not-found --wait=true | sed 's/^/   /'
  # The sandbox's stand-in for a new set of environments: in a real cluster the ledger is what keeps the safety record.
  kubectl delete menv "${envs[@]}" --ignore-not-found --wait=true | sed 's/^/   /'
  # What the operator remembers of these environments (instance lists, log tails, checks; kept up to 10
  # minutes, by environment name) would describe the runs replayed below with the old runs' evidence.
  bash hack/sandbox.sh restart-operator | sed 's/^/   /'
  source .sandbox/env
fi
sim reset "${envs[@]}"

step "Playing migrator runs in moto (hack/migrator_sim.py)"
sim play exit1:sandbox-1 clean:test leftover-success:prod-sbx exit2:prod exit3-monitor:impl in-progress:sandbox-2 \
  | sed 's/^/   /'
# sandbox-2's migration goes on applying files while the demo runs (it stops with the demo)
"$root/.venv/bin/python" hack/migrator_sim.py progress sandbox-2 --seconds 300 --every 20 \
  > .sandbox/migrator-sim-progress.log 2>&1 &
progress=$!
trap 'kill "$progress" 2>/dev/null || true' EXIT

step "Applying deploy/samples/: the platform's MigratorEnvironments, and one MigratorDeployment per environment"
kubectl apply --server-side -f deploy/samples/ | sed 's/^/   /'
# No deploy pipeline reads these queues in the demo, so the operator is their only reader: timing.leftoverAfter 0s
# (the default, 5m, leaves a finished run's messages to the pipeline that long before they count as leftovers).
echo "   timing.leftoverAfter: 0s for the demo (no deploy pipeline reads these queues; the default is 5m)"
for env in "${envs[@]}"; do
  kubectl -n bfd patch md "$env" --type merge -p '{"spec":{"timing":{"leftoverAfter":"0s"}}}' >/dev/null
done
realism=$(curl -sf "$AWS_ENDPOINT_URL/moto-realism/" | "$root/.venv/bin/python" -c "
import json, sys
d = json.load(sys.stdin)
on = [n for n, b in d['behaviours'].items() if b['on']]
s = d['settings']
print(f\"{len(on)} of {len(d['behaviours'])} realism behaviours on; purge window {s['purgeWindowSeconds']:g} s, counts up to {s['countsLagSeconds']:g} s old\")
" 2>/dev/null) || realism="no realism layer (plain moto)"
echo "   moto plays real AWS: $realism"

step "What the operator makes of them"
await test condition=Deployable=True "Deployable: a clean queue, no instance"
await prod-sbx condition=Deployable=True "Deployable: the leftover success messages were purged by the operator (Auto mode), verified after AWS's 60-second purge window" 240s
await impl jsonpath='{.status.failureMode}'=ValidationFailed "ValidationFailed: exit 3 from the migrator-monitor's message"
await prod jsonpath='{.status.plannedActions[0].state}'=AwaitingApproval "MigrationFailed: the purge awaits a person's approval"
await sandbox-2 condition=Reconciling=True "MigrationInProgress: followed every 5 s, left alone"
kubectl -n bfd get md prod-sbx -o jsonpath='{range .status.history[*]}   prod-sbx history: {.time} {.action} {.outcome}: {.detail}{"\n"}{end}'

step "alice approves prod's plan with the plugin (she is bound to the migrator-approver role)"
alice=$(token_of alice)
fingerprint=$(kubectl -n bfd get md prod -o jsonpath='{.status.planFingerprint}')
echo "   first, signing in someone else's name is refused by the admission policy:"
echo "   \$ kubectl --token <alice> -n bfd annotate md/prod migrator.bfd.cms.gov/approve=$fingerprint migrator.bfd.cms.gov/approved-by=bob"
if kubectl --token "$alice" -n bfd annotate md/prod "migrator.bfd.cms.gov/approve=$fingerprint" \
    migrator.bfd.cms.gov/approved-by=bob --overwrite >/dev/null 2>.sandbox/demo-refused.txt; then
  echo "demo: the forged approval was accepted; is deploy/approval-policy.yaml installed?" >&2; exit 1
fi
sed 's/^/   /' .sandbox/demo-refused.txt
echo "   \$ kubectl migrator --token <alice> -n bfd approve prod"
kubectl migrator --token "$alice" -n bfd approve prod | sed 's/^/   /'
await prod jsonpath='{.status.history[0].outcome}'=Succeeded "the approved purge ran (verified after AWS's 60-second purge window)" 240s
kubectl -n bfd get md prod -o go-template='{{range .status.history}}   prod history: {{.time}} {{.action}} {{.outcome}}, approved by {{.approvedBy}} (plan {{.planFingerprint}}): {{.detail}}{{"\n"}}{{range .evidence}}     evidence kept: {{.}}{{"\n"}}{{end}}{{end}}'

step "sandbox-1 sent no message (exit 1 comes before the queue is known): after a minute of silence the operator reads the log"
await sandbox-1 jsonpath='{.status.failureMode}'=InvalidAppConfiguration \
  "InvalidAppConfiguration: from the log, with the runbook's checks in status.diagnostics" 150s

step "kubectl migrator status -n bfd"
kubectl migrator status -n bfd

step "kubectl describe md sandbox-1 -n bfd   (a failed run)"
kubectl describe md sandbox-1 -n bfd

step "kubectl describe md prod -n bfd   (the approved purge)"
kubectl describe md prod -n bfd

kill "$progress" 2>/dev/null || true
step "Done in $((SECONDS - began)) s. The sandbox stays up; poke at it:"
cat <<MSG
  source .sandbox/env; export PATH=\$PWD/plugin:\$PATH
  kubectl migrator status -A                # the table above; also: kubectl get md -A
  kubectl migrator -n bfd runbook impl      # failure mode, runbook section and numbered next steps
  kubectl migrator -n bfd suspend test      # and resume test
  kubectl migrator --token \$(grep ',alice,' .sandbox/pki/tokens.csv | cut -d, -f1) -n bfd approve <name>
  kubectl -n bfd get md sandbox-1 -o yaml   # the whole status
  .venv/bin/python hack/migrator_sim.py progress sandbox-2 --seconds 60   # sandbox-2 applies more files
  .venv/bin/python hack/migrator_sim.py finish sandbox-2                  # ... and exits 0
  .venv/bin/python hack/migrator_sim.py play leftover-success:test        # any scenario, into any environment
  aws --endpoint-url \$AWS_ENDPOINT_URL sqs list-queues     # AWS CLI, or boto3 in .venv/bin/python, against moto
  aws --endpoint-url \$AWS_ENDPOINT_URL logs filter-log-events --log-group-name /bfd/prod/bfd-db-migrator/migrator-log.json \\
    --query 'events[].message' --output text
  tail -f .sandbox/operator.log
  (sandbox-2 has gone quiet with the demo: 15 minutes after its last message the operator calls it stalled.)
Stop it all with: make sandbox-down
MSG

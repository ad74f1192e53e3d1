"""The detection phase of bench.py alone, at N=1000: 50 environments run a migration, then each gets a Failed message at a
random point of 10 s; ROUNDS rounds (2) of 50 other environments on one stack. VARIANT: the project directory whose
build (target/quarkus-app) and bench/ run (default: this one). Prints each round's detection p50/p99, the reconciles
and the AWS calls while it ran; writes them to $OUT (default .bench/detection-rounds.json).
Usage: .venv/bin/python bench/detection_rounds.py   (after make stack-deps build)"""
import os, sys, time, json, random
VARIANT = os.environ.get("VARIANT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(VARIANT, "bench"))
import bench
from concurrent.futures import ThreadPoolExecutor
N = int(os.environ.get("N", "1000")); ROUNDS = int(os.environ.get("ROUNDS", "2")); ACTIVE = 50
opts, env, limit = bench.deployment_jvm()
stack = bench.Stack(opts, env)
out = {"variant": VARIANT, "rounds": []}
try:
    stack.up()
    aws = bench.Aws(stack.moto_url)
    names = [f"bench-{i:04d}" for i in range(1, N + 1)]
    bench.kubectl(stack, "create", "namespace", bench.NAMESPACE)
    w = bench.Watcher(bench.Kube(stack.kubeconfig)); w.start()
    bench.create_queues(aws, names)
    bench.apply_resources(stack, names, 30, 5)
    w.wait(lambda: [e for e in names if (w.current(e) or {}).get("Deployable") != "True"], timeout=900, what="Deployable")
    time.sleep(35)
    rng = random.Random(7)
    pool_names = rng.sample(names, ACTIVE * ROUNDS)
    for rnd in range(ROUNDS):
        active = pool_names[rnd * ACTIVE:(rnd + 1) * ACTIVE]
        pid = 7000 + rnd
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(aws.instance, active))
            list(pool.map(lambda e: aws.send(e, bench.native(pid, 1, "Started")), active))
            list(pool.map(lambda e: aws.send(e, bench.native(pid, 2, "Migrating")), active))
        w.wait(lambda: [e for e in active if (w.current(e) or {}).get("InstanceAbsentReason") != "MigrationInProgress"], timeout=240, what="inprogress")
        time.sleep(10)
        m2 = bench.scrape(stack.metrics_url)
        sent = bench.send_spread(aws, active, 10, bench.native(pid, 3, "Failed"), rng)
        failed = lambda s: s["MigrationSucceeded"] == "False" or s["failureMode"] not in (None, "None")
        w.wait(lambda: [e for e in active if not w.first(e, sent[e], failed)], timeout=180, what="failed")
        m3 = bench.scrape(stack.metrics_url)
        d = sorted(w.first(e, sent[e], failed) - sent[e] if w.first(e, sent[e], failed) else float("inf") for e in active)
        r = {"p50": round(bench.quantile(d, 0.5), 2), "p99": round(bench.quantile(d, 0.99), 2), "top": [round(x, 2) for x in d[-5:]],
             "reconcile": bench.reconcile_quantiles(m2, m3), "calls": bench.call_latency(m2, m3)}
        print(rnd, json.dumps(r), flush=True); out["rounds"].append(r)
        time.sleep(20)
    w.stopped.set()
finally:
    stack.down(os.path.join(VARIANT, ".bench", "logs-detect"))
    json.dump(out, open(os.environ.get("OUT", os.path.join(VARIANT, ".bench", "detection-rounds.json")), "w"), indent=1)

"""The operator's memory while it onboards a fleet itself and then idles, sampled every 20 s.

make footprint restarts the operator against resources that another operator already settled, so it writes almost
no status; make bench has the operator onboard its fleet, which writes every status once. This script does what make
bench does up to its idle window (queues, old terminated instances for every tenth environment, one
MigratorDeployment each, on a stack of its own in .bench/stack) and then prints, every 20 s, the RSS, jstat's old
generation (committed OC, used OU), the full collections so far and the threads, optionally after a scrape of
/q/metrics as Prometheus would make one. The deployment's JVM settings (Dockerfile.jvm) plus --extra.

Usage: onboard_trace.py [--n 1000] [--minutes 4] [--scrape] [--extra "-XX:..."] [--out FILE]
"""
import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=4, help="how long to sample once all are Deployable")
    parser.add_argument("--scrape", action="store_true", help="scrape /q/metrics before each sample")
    parser.add_argument("--extra", default="", help="JVM flags after the deployment's (a later flag wins)")
    parser.add_argument("--out", default=os.path.join(bench.WORK, "onboard-trace.json"))
    a = parser.parse_args()
    jdk = bench.find_jdk(17)
    if not jdk:
        sys.exit("onboard_trace: no JDK 17 for jstat")
    opts, env, _ = bench.deployment_jvm()
    opts = f"{opts} {a.extra}".strip()
    stack = bench.Stack(opts, env)
    samples = []
    watcher = None

    def sample(tag: str, t0: float) -> None:
        pid = stack.pids["operator"]
        if a.scrape:
            bench.scrape(stack.metrics_url)
        memory = bench.rss_kib(pid)
        out = subprocess.run([os.path.join(jdk, "bin", "jstat"), "-gc", str(pid)], capture_output=True, text=True,
                             timeout=60).stdout.split("\n")
        gc = dict(zip(out[0].split(), out[1].split())) if len(out) > 1 else {}
        row = {"t": round(time.monotonic() - t0), "tag": tag, "rss_mib": round(memory["VmRSS"] / 1024, 1),
               "old_committed_mib": round(float(gc.get("OC", 0)) / 1024, 1),
               "old_used_mib": round(float(gc.get("OU", 0)) / 1024, 1),
               "young_collections": int(float(gc.get("YGC", 0))), "full_collections": int(float(gc.get("FGC", 0))),
               "threads": len(os.listdir(f"/proc/{pid}/task"))}
        print(json.dumps(row), flush=True)
        samples.append(row)

    try:
        bench.log(f"flags: {opts}")
        stack.up()
        aws = bench.Aws(stack.moto_url)
        names = [f"bench-{i:04d}" for i in range(1, a.n + 1)]
        bench.kubectl(stack, "create", "namespace", bench.NAMESPACE)
        watcher = bench.Watcher(bench.Kube(stack.kubeconfig))
        watcher.start()
        bench.create_queues(aws, names)
        with ThreadPoolExecutor(8) as pool:
            old = list(pool.map(aws.instance, names[::10]))
        aws.ec2.terminate_instances(InstanceIds=old)
        t0 = time.monotonic()
        bench.apply_resources(stack, names, 30, 5)
        while True:
            left = [e for e in names if (watcher.current(e) or {}).get("Deployable") != "True"]
            sample(f"onboarding, {len(left)} left", t0)
            if not left or time.monotonic() - t0 > 600 + 3 * a.n:
                break
            time.sleep(10)
        end = time.monotonic() + a.minutes * 60
        while time.monotonic() < end:
            time.sleep(20)
            sample("idle", t0)
    finally:
        if watcher:
            watcher.stopped.set()
        stack.down(os.path.join(bench.WORK, "logs-onboard-trace"))
        idle = [s["rss_mib"] for s in samples if s["tag"] == "idle"]
        summary = {"flags": opts, "n": a.n, "scrape": a.scrape, "samples": samples,
                   "idle_rss_mib": {"mean": round(sum(idle) / len(idle), 1), "min": min(idle), "max": max(idle)}
                   if idle else None}
        with open(a.out, "w") as f:
            json.dump(summary, f, indent=2)
        if idle:
            print(f"idle RSS mean {summary['idle_rss_mib']['mean']} MiB (min {min(idle)}, max {max(idle)}) over "
                  f"{len(idle)} samples")


if __name__ == "__main__":
    main()

"""The operator's memory with N environments under several JVM flag sets, on one stack, in one run.

Starts the bench stack (.bench/stack, as bench.py does), creates N environments (a queue and a MigratorDeployment
each) and waits until every one is Deployable=True. Then, for each flag set in turn, restarts the operator with it
(a fresh process: it onboards all N again), waits until it has reconciled every environment and a few more poll
intervals have passed, and samples its RSS and the JVM's pools. Prints a table with each set's RSS as a ratio of
the first set's (the baseline), and writes bench/footprint.json. The stack is stopped at the end, also on failure.

Usage: footprint.py [--n 1000] [--settle 120] [--only TEXT] [--nmt]
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the stack, fleet and measuring helpers)

CONTAINER = "-XX:MaxRAM=256m"  # the limit the first bench assumed
DEPLOYMENT_FLAGS, DEPLOYMENT_ENV, DEPLOYMENT_LIMIT = bench.deployment_jvm()
# name -> (JVM flags, extra environment)
BASE = f"{CONTAINER} -XX:MaxRAMPercentage=50 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
LEAN = "-XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1 -XX:MinHeapFreeRatio=10 " \
       "-XX:MaxHeapFreeRatio=20 -Xss512k -XX:ReservedCodeCacheSize=32m"
SETS = {
    "baseline: MaxRAMPercentage=50, SerialGC": (BASE, {}),
    "+ MALLOC_ARENA_MAX=2": (BASE, {"MALLOC_ARENA_MAX": "2"}),
    "+ C1 only (TieredStopAtLevel=1)": (f"{BASE} -XX:TieredStopAtLevel=1", {}),
    "+ heap free ratio 10-20": (f"{BASE} -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20", {}),
    "+ all of the above, Xss512k, code cache 32m": (f"{BASE} {LEAN}", {"MALLOC_ARENA_MAX": "2"}),
    "lean, 384 MiB limit, heap 30%": (f"-XX:MaxRAM=384m -XX:MaxRAMPercentage=30 {LEAN}", {"MALLOC_ARENA_MAX": "2"}),
    f"deployment: Dockerfile.jvm under the chart's {DEPLOYMENT_LIMIT} limit": (DEPLOYMENT_FLAGS, DEPLOYMENT_ENV),
}


def sample(stack: bench.Stack) -> dict:
    pid = int(open(os.path.join(bench.STACK, "operator.pid")).read())
    port = int(open(os.path.join(bench.STACK, "operator.port")).read())
    metrics = bench.scrape(f"http://127.0.0.1:{port}/q/metrics")
    memory = bench.rss_kib(pid)

    def mib(name, **match):
        return round(bench.metric_sum(metrics, name, **match) / 2 ** 20, 1)

    return {"rss_mib": round(memory["VmRSS"] / 1024, 1), "rss_peak_mib": round(memory["VmHWM"] / 1024, 1),
            "heap_used_mib": mib("jvm_memory_used_bytes", area="heap"),
            "heap_committed_mib": mib("jvm_memory_committed_bytes", area="heap"),
            "nonheap_committed_mib": mib("jvm_memory_committed_bytes", area="nonheap"),
            "metaspace_used_mib": mib("jvm_memory_used_bytes", id="Metaspace"),
            # "CodeHeap '...'" pools with C2, one "CodeCache" with C1 only
            "code_cache_mib": round(sum(v for nm, labels, v in metrics if nm == "jvm_memory_committed_bytes"
                                        and "Code" in labels.get("id", "")) / 2 ** 20, 1),
            "threads": bench.metric_sum(metrics, "jvm_threads_live_threads"),
            "reconciles": bench.metric_sum(metrics, "migrator_reconciles_total")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--settle", type=int, default=120, help="seconds after onboarding before sampling")
    parser.add_argument("--nmt", action="store_true",
                        help="also run each set with native memory tracking and keep jcmd's summary (costs some memory)")
    parser.add_argument("--only", help="only the sets whose name contains this")
    parser.add_argument("--out", default=os.path.join(bench.ROOT, "bench", "footprint.json"))
    a = parser.parse_args()
    sets = {k: v for k, v in SETS.items() if not a.only or a.only in k}
    if a.nmt:
        sets = {k: (f"{flags} -XX:NativeMemoryTracking=summary", env) for k, (flags, env) in sets.items()}
    first_flags, first_env = next(iter(sets.values()))
    os.environ.update(first_env)
    stack = bench.Stack(first_flags)
    watcher = None
    results = []
    try:
        stack.up()
        aws = bench.Aws(stack.moto_url)
        names = [f"bench-{i:04d}" for i in range(1, a.n + 1)]
        bench.kubectl(stack, "create", "namespace", bench.NAMESPACE)
        bench.create_queues(aws, names)
        bench.apply_resources(stack, names, 30, 5)
        watcher = bench.Watcher(bench.Kube(stack.kubeconfig))
        watcher.start()
        onboard, left = watcher.wait(lambda: [e for e in names if (watcher.current(e) or {}).get("Deployable") != "True"],
                                     timeout=600 + 3 * a.n, what="Deployable=True")
        bench.log(f"{a.n - len(left)} of {a.n} Deployable=True after {onboard:.0f} s")
        for index, (name, (flags, env)) in enumerate(sets.items()):
            if index > 0:
                stack.env = dict(os.environ, **env, SANDBOX_DIR=bench.STACK, OPERATOR_JAVA_OPTS=flags)
                stack._sandbox("restart-operator")
            port = int(open(os.path.join(bench.STACK, "operator.port")).read())
            t = time.monotonic()
            while bench.metric_sum(bench.scrape(f"http://127.0.0.1:{port}/q/metrics"),
                                   "migrator_reconciles_total") < a.n and time.monotonic() - t < 900:
                time.sleep(2)
            seen_all = time.monotonic() - t
            time.sleep(a.settle)
            samples = []
            for _ in range(3):
                samples.append(sample(stack))
                time.sleep(10)
            last = samples[-1]
            if a.nmt:
                pid = int(open(os.path.join(bench.STACK, "operator.pid")).read())
                last["nmt"] = subprocess.run(["jcmd", str(pid), "VM.native_memory", "summary"], capture_output=True,
                                             text=True).stdout
                print(last["nmt"], flush=True)
            result = dict(last, name=name, flags=flags, env=env, seconds_to_reconcile_all=round(seen_all, 1),
                          rss_mib_samples=[s["rss_mib"] for s in samples])
            results.append(result)
            bench.log(f"{name}: RSS {result['rss_mib_samples']} MiB, heap {last['heap_used_mib']}/"
                      f"{last['heap_committed_mib']} MiB, non-heap {last['nonheap_committed_mib']} MiB, "
                      f"threads {last['threads']}")
    finally:
        if watcher:
            watcher.stopped.set()
        stack.down(os.path.join(bench.WORK, "logs-footprint"))
    base = results[0]["rss_mib"] if results else None
    print(f"\n| flags | RSS MiB | ratio | heap used/committed MiB | non-heap MiB | metaspace MiB | code cache MiB"
          f" | threads |\n|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['name']} | {r['rss_mib']} | {r['rss_mib'] / base:.2f} | {r['heap_used_mib']} / "
              f"{r['heap_committed_mib']} | {r['nonheap_committed_mib']} | {r['metaspace_used_mib']} | "
              f"{r['code_cache_mib']} | {int(r['threads'])} |")
    with open(a.out, "w") as f:
        json.dump({"n": a.n, "machine": bench.machine_and_versions(), "results": results}, f, indent=2)


if __name__ == "__main__":
    main()

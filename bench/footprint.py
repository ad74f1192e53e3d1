"""The operator's memory with N environments under one setting after another, on one stack, in one run.

Starts the bench stack (.bench/stack, as bench.py does), creates N environments (a queue, a MigratorEnvironment and a
MigratorDeployment each) and waits until every one is Deployable=True. Then, for each row in turn, restarts the
operator as the row says (a fresh process: it onboards all N again), waits until it has reconciled every
environment and a few more poll intervals have passed, and samples its RSS and the JVM's pools. Prints a table with
each row's RSS as a ratio of the first row's, and writes bench/footprint.json. The stack is stopped at the end, also
on failure.

A row is a lever of issue 15 measured alone or combined: JVM flags and environment, the JDK (a feature version found
under /usr/lib/jvm, or JAVA_HOME), the build (a quarkus-app directory; `bench/build-at.sh REF NAME` builds a git ref
into .bench/builds/NAME), and an AOT cache made by a training run before the row is measured.

Usage: footprint.py [--n 1000] [--settle 120] [--only TEXT] [--histogram] [--nmt]
                    [--app NAME=DIR ...] [--row ...] [--deployment-row ...] [--rows today,java25,...]
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the stack, fleet and measuring helpers)

BUILDS = os.path.join(bench.WORK, "builds")
# What the image ran with before issue 15 (main's Dockerfile.jvm and chart): JDK 17 and these flags under the chart's
# 512Mi limit. Every ratio is to the "today" row, measured in the same run.
TODAY_FLAGS = ("-XX:MaxRAM=512m -XX:MaxRAMPercentage=30 -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 "
               "-XX:MaxHeapFreeRatio=20 -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1 -Xss512k "
               "-XX:ReservedCodeCacheSize=32m")
TODAY_ENV = {"MALLOC_ARENA_MAX": "2"}
COH = "-XX:+UseCompactObjectHeaders"
POOL = "-Dquarkus.operator-sdk.concurrent-reconciliation-threads="


def rows(apps: dict) -> dict:
    """key -> row. "app" names a build (a key of apps: bench/build-at.sh makes them, "head" is target/quarkus-app),
    "java" a JDK feature version, "aot" a training run before the row ("build": as the image build makes it;
    "stack": on this stack's N environments, for comparison). The code levers are cumulative, each build the one
    before plus one lever; the JDK levers are measured on today's build."""
    dep_flags, dep_env, dep_limit = bench.deployment_jvm()
    dep = bench.deployment_runtime()
    out = {
        "today": dict(title="today: main's build, JDK 17, Dockerfile.jvm's flags under the 512Mi limit",
                      flags=TODAY_FLAGS, env=TODAY_ENV, java=17, app="today"),
        "collector-old-shape": dict(title="+ metrics at scrape time, one collector (today's 13 series per environment)",
                                    flags=TODAY_FLAGS, env=TODAY_ENV, java=17, app="collector-old-shape"),
        "collector": dict(title="+ metrics at scrape time, issue 14's shape (6 series per environment)",
                          flags=TODAY_FLAGS, env=TODAY_ENV, java=17, app="collector"),
        "cache": dict(title="+ smaller informer cache (no managed fields, no last-applied)", flags=TODAY_FLAGS,
                      env=TODAY_ENV, java=17, app="cache"),
        "aws": dict(title="+ one HTTP client per kind for all AWS clients, no Netty client", flags=TODAY_FLAGS,
                    env=TODAY_ENV, java=17, app="aws"),
        "pool10": dict(title="+ reconcile pool of 10 threads (JOSDK's default 50)", flags=f"{TODAY_FLAGS} {POOL}10",
                       env=TODAY_ENV, java=17, app="aws"),
        "aot-jar-17": dict(title="+ Quarkus aot-jar packaging, still JDK 17", flags=TODAY_FLAGS, env=TODAY_ENV,
                           java=17, app="aot-jar"),
        "java25": dict(title="today's build on JDK 25 (same flags)", flags=TODAY_FLAGS, env=TODAY_ENV, java=25,
                       app="today"),
        "coh": dict(title="today's build on JDK 25, compact object headers", flags=f"{TODAY_FLAGS} {COH}",
                    env=TODAY_ENV, java=25, app="today"),
        "aot-fast-jar": dict(title="today's build on JDK 25, compact headers, AOT cache trained as the image build "
                                   "does (fast-jar: JDK classes only)",
                             flags=f"{TODAY_FLAGS} {COH}", env=TODAY_ENV, java=25, app="today", aot="build"),
        "code-25-coh": dict(title="all code levers (aot-jar build), JDK 25, compact headers",
                            flags=f"{TODAY_FLAGS} {COH}", env=TODAY_ENV, java=25, app="aot-jar"),
        "code-25-coh-aot": dict(title="all code levers (aot-jar build), JDK 25, compact headers, AOT cache trained as "
                                      "the image build does", flags=f"{TODAY_FLAGS} {COH}", env=TODAY_ENV, java=25,
                                app="aot-jar", aot="build"),
        "code-25-coh-aot-stack": dict(title="as above, AOT cache trained on this stack's environments (not possible "
                                            "at image build: for comparison)", flags=f"{TODAY_FLAGS} {COH}",
                                      env=TODAY_ENV, java=25, app="aot-jar", aot="stack"),
        "deployment": dict(title=f"deployment: Dockerfile.jvm and the chart's {dep_limit} limit (this build)",
                           flags=dep_flags, env=dep_env, java=dep["java"], app="head",
                           aot="build" if dep["aot"] else None),
    }
    # the deployment again with the JVM's native memory tracking (which costs some memory itself): where RSS goes
    out["deployment-nmt"] = dict(out["deployment"], title="deployment, with native memory tracking (not a figure: "
                                 "what the memory is made of)",
                                 flags=out["deployment"]["flags"] + " -XX:NativeMemoryTracking=summary")
    return {k: v for k, v in out.items() if v["app"] in apps}


def jdk(feature: int) -> str:
    home = bench.find_jdk(feature)
    if not home:
        sys.exit(f"footprint: no JDK {feature} under /usr/lib/jvm (nor JAVA_HOME)")
    return home


def start_operator(stack: bench.Stack, row: dict, apps: dict, extra_flags: str = "", wait: bool = True) -> int:
    """Stops the stack's operator and starts one as the row says, as hack/sandbox.sh does (its ServiceAccount's
    kubeconfig, leader election on, moto's endpoint), from the row's build and JDK."""
    stop_operator()
    port = bench.free_port()
    open(os.path.join(bench.STACK, "operator.port"), "w").write(str(port))
    java = os.path.join(jdk(row["java"]), "bin", "java")
    app = apps[row["app"]]
    env = dict(os.environ, **row["env"], KUBECONFIG=os.path.join(bench.STACK, "operator.kubeconfig"),
               AWS_ENDPOINT_URL=stack.moto_url, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_REGION="us-east-1", LEADER_ELECTION_ENABLED="true", LEADER_ELECTION_NAMESPACE="migrator-operator",
               POD_NAME="sandbox-operator", QUARKUS_HTTP_PORT=str(port), QUARKUS_HTTP_HOST="127.0.0.1")
    command = [java, *row["flags"].split(), *extra_flags.split(), "-jar", os.path.join(app, "quarkus-run.jar")]
    log = open(os.path.join(bench.STACK, "operator.log"), "a")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=app,
                               start_new_session=True)
    open(os.path.join(bench.STACK, "operator.pid"), "w").write(str(process.pid))
    # as hack/sandbox.sh remembers a process: with its start time, so that its `down` knows the pid is still ours
    open(os.path.join(bench.STACK, "operator.started"), "w").write(
        open(f"/proc/{process.pid}/stat").read().rsplit(")", 1)[1].split()[19] + "\n")
    stack.pids["operator"] = process.pid
    stack.ports["operator"] = port
    if wait:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/q/health/ready", timeout=5)
                break
            except Exception:
                if process.poll() is not None:
                    raise RuntimeError(f"the operator exited with {process.returncode}; see {bench.STACK}/operator.log")
                time.sleep(0.5)
        else:
            raise RuntimeError("the operator did not become ready within 180 s")
    return process.pid


def stop_operator() -> None:
    pid_file = os.path.join(bench.STACK, "operator.pid")
    if not os.path.exists(pid_file):
        return
    pid = int(open(pid_file).read())
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(720):  # a JVM writing its AOT cache at exit takes a while
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:
            pass
        time.sleep(0.25)
    os.kill(pid, signal.SIGKILL)


TRAINED = {}  # (app, "build", java, binding flags) -> the cache trained for them in this run


def aot_cache(stack: bench.Stack, row: dict, apps: dict, n: int) -> str:
    """An AOT cache for the row's build and JDK, made by a training run: "build" as the image's build makes it
    (bench.train: the operator started with no API server to reach, until it exits), "stack" with the operator
    reconciling this stack's N environments for a minute, then stopped (the cache is written at exit). The flags that
    must match the cache's (compact headers, GC) are the row's own."""
    app = apps[row["app"]]
    java = os.path.join(jdk(row["java"]), "bin", "java")
    # the flags a cache must share with its runs (the collector, compact headers); rows alike in these share a cache
    binding = " ".join(sorted(f for f in row["flags"].split() if "GC" in f or "CompactObjectHeaders" in f))
    key = (row["app"], row["aot"], row["java"], binding)
    out = os.path.join(bench.WORK, f"{row['app']}-{row['aot']}-java{row['java']}-{len(TRAINED)}.aot")
    if row["aot"] == "build":
        if key in TRAINED and os.path.exists(TRAINED[key]):
            return TRAINED[key]
        bench.train(java, row["flags"], app, out)
        TRAINED[key] = out
        return out
    if os.path.exists(out):
        os.remove(out)
    start_operator(stack, row, apps, extra_flags=f"-XX:AOTCacheOutput={out}")
    wait_reconciled(stack, n)
    time.sleep(60)
    stop_operator()
    if not os.path.exists(out):
        raise RuntimeError(f"the training run wrote no AOT cache {out}")
    bench.log(f"AOT cache {out}: {os.path.getsize(out) / 2 ** 20:.1f} MiB")
    return out


def wait_reconciled(stack: bench.Stack, n: int) -> float:
    t = time.monotonic()
    while bench.metric_sum(bench.scrape(stack.metrics_url), "migrator_reconciles_total") < n \
            and time.monotonic() - t < 900:
        time.sleep(2)
    return time.monotonic() - t


def sample(stack: bench.Stack) -> dict:
    pid = stack.pids["operator"]
    metrics = bench.scrape(stack.metrics_url)
    memory = bench.rss_kib(pid)

    def mib(name, **match):
        return round(bench.metric_sum(metrics, name, **match) / 2 ** 20, 1)

    return {"rss_mib": round(memory["VmRSS"] / 1024, 1), "rss_peak_mib": round(memory["VmHWM"] / 1024, 1),
            "rss_anon_mib": round(memory.get("RssAnon", 0) / 1024, 1),
            "rss_file_mib": round(memory.get("RssFile", 0) / 1024, 1),
            "heap_used_mib": mib("jvm_memory_used_bytes", area="heap"),
            "heap_committed_mib": mib("jvm_memory_committed_bytes", area="heap"),
            "nonheap_committed_mib": mib("jvm_memory_committed_bytes", area="nonheap"),
            "metaspace_used_mib": mib("jvm_memory_used_bytes", id="Metaspace"),
            # "CodeHeap '...'" pools with C2, one "CodeCache" with C1 only
            "code_cache_mib": round(sum(v for nm, labels, v in metrics if nm == "jvm_memory_committed_bytes"
                                        and "Code" in labels.get("id", "")) / 2 ** 20, 1),
            "classes": bench.metric_sum(metrics, "jvm_classes_loaded_classes"),
            "threads": bench.metric_sum(metrics, "jvm_threads_live_threads"),
            "series": sum(1 for _ in metrics),
            "reconciles": bench.metric_sum(metrics, "migrator_reconciles_total")}


def thread_names(pid: int) -> dict:
    """The process's threads by name, digits folded ("vert.x-eventloop-thread-#": 2), from /proc: what each is for."""
    names = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            name = re.sub(r"\d+", "#", open(f"/proc/{pid}/task/{tid}/comm").read().strip())
        except OSError:
            continue
        names[name] = names.get(name, 0) + 1
    return dict(sorted(names.items(), key=lambda kv: (-kv[1], kv[0])))


def histogram(java_home: str, pid: int, top: int = 60) -> dict:
    """The live heap after a full GC (jcmd GC.class_histogram), its total and largest classes."""
    out = subprocess.run([os.path.join(java_home, "bin", "jcmd"), str(pid), "GC.class_histogram"],
                         capture_output=True, text=True, timeout=300).stdout
    rows_ = re.findall(r"^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", out, re.M)
    total = re.search(r"^Total\s+(\d+)\s+(\d+)", out, re.M)
    return {"live_heap_mib": round(int(total.group(2)) / 2 ** 20, 1) if total else None,
            "top": [{"class": c, "instances": int(i), "mib": round(int(b) / 2 ** 20, 2)} for i, b, c in rows_[:top]]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--settle", type=int, default=120, help="seconds after onboarding before sampling")
    parser.add_argument("--nmt", action="store_true",
                        help="also run each row with native memory tracking and keep jcmd's summary (costs some memory)")
    parser.add_argument("--histogram", action="store_true",
                        help="after sampling, keep the live heap's largest classes (jcmd GC.class_histogram)")
    parser.add_argument("--only", help="only the rows whose key or title contains this")
    parser.add_argument("--rows", help="the rows to run, comma-separated keys, in this order")
    parser.add_argument("--app", action="append", default=[],
                        help="NAME=DIR: a build (quarkus-app directory) rows may name; default: every directory of "
                             ".bench/builds, and head=target/quarkus-app")
    parser.add_argument("--row", action="append", default=[],
                        help="KEY|JAVA|APP|FLAGS[|build|stack]: one more row, today's flags plus FLAGS on JDK JAVA "
                             "and build APP, with an AOT cache trained so")
    parser.add_argument("--deployment-row", action="append", default=[],
                        help="KEY|FLAGS[|VAR=VALUE,...]: one more row, the deployment row (this build, Dockerfile.jvm's "
                             "settings) plus FLAGS (a later flag wins over the deployment's) and environment")
    parser.add_argument("--out", default=os.path.join(bench.ROOT, "bench", "footprint.json"))
    a = parser.parse_args()
    apps = {}
    if os.path.isdir(BUILDS):
        for name in sorted(os.listdir(BUILDS)):
            if os.path.exists(os.path.join(BUILDS, name, "quarkus-app", "quarkus-run.jar")):
                apps[name] = os.path.join(BUILDS, name, "quarkus-app")
    apps["head"] = os.path.join(bench.ROOT, "target", "quarkus-app")
    for spec in a.app:
        name, _, path = spec.partition("=")
        apps[name] = os.path.abspath(path)
    available = rows(apps)
    for spec in a.row:
        key, java, app, flags, *aot = spec.split("|")
        available[key] = dict(title=f"{flags} (JDK {java}, build {app}{', AOT cache ' + aot[0] if aot else ''})",
                              flags=f"{TODAY_FLAGS} {flags}", env=TODAY_ENV, java=int(java), app=app,
                              aot=aot[0] if aot else None)
    for spec in a.deployment_row:
        key, flags, *env = spec.split("|")
        extra_env = dict(kv.split("=", 1) for kv in env[0].split(",")) if env and env[0] else {}
        base = available["deployment"]
        available[key] = dict(base, title=f"deployment + {' '.join([flags] + [f'{k}={v}' for k, v in extra_env.items()]).strip()}",
                              flags=f"{base['flags']} {flags}".strip(), env=dict(base["env"], **extra_env))
    if a.rows:
        unknown = [k for k in a.rows.split(",") if k not in available]
        if unknown:
            sys.exit(f"footprint: no row {unknown} (known, with the builds present: {list(available)})")
        selected = {k: available[k] for k in a.rows.split(",")}
    else:
        selected = {k: v for k, v in available.items() if not a.only or a.only in k or a.only in v["title"]}
    if a.nmt:
        for row in selected.values():
            row["flags"] += " -XX:NativeMemoryTracking=summary"
    bench.log("rows: " + "; ".join(f"{k} ({v['app']}, JDK {v['java']})" for k, v in selected.items()))

    first = next(iter(selected.values()))
    stack = bench.Stack(first["flags"], first["env"])
    watcher = None
    results = []
    doc = {"n": a.n, "machine": bench.machine_and_versions(), "loadavg_start": bench.loadavg(), "results": results,
           "builds": {name: build_info(path) for name, path in apps.items()}}
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
        for key, row in selected.items():
            extra = ""
            if row.get("aot"):
                extra = f"-XX:AOTCache={aot_cache(stack, row, apps, a.n)}"
            start_operator(stack, row, apps, extra_flags=extra)
            seen_all = wait_reconciled(stack, a.n)
            time.sleep(a.settle)
            samples = []
            for _ in range(3):
                samples.append(sample(stack))
                time.sleep(10)
            last = samples[-1]
            if "NativeMemoryTracking" in row["flags"]:
                last["nmt"] = subprocess.run([os.path.join(jdk(row["java"]), "bin", "jcmd"), str(stack.pids["operator"]),
                                              "VM.native_memory", "summary"], capture_output=True, text=True).stdout
                print(last["nmt"], flush=True)
            if a.histogram:
                last["histogram"] = histogram(jdk(row["java"]), stack.pids["operator"])
                last["thread_names"] = thread_names(stack.pids["operator"])
            result = dict(last, key=key, name=row["title"], flags=row["flags"] + (" " + extra if extra else ""),
                          env=row["env"], java=row["java"], app=row["app"], loadavg=bench.loadavg(),
                          seconds_to_reconcile_all=round(seen_all, 1), rss_mib_samples=[s["rss_mib"] for s in samples])
            results.append(result)
            bench.log(f"{key}: RSS {result['rss_mib_samples']} MiB, heap {last['heap_used_mib']}/"
                      f"{last['heap_committed_mib']} MiB, non-heap {last['nonheap_committed_mib']} MiB, "
                      f"classes {last['classes']:.0f}, threads {last['threads']:.0f}, load {result['loadavg'][0]}"
                      + (f", live heap {last['histogram']['live_heap_mib']} MiB" if a.histogram else ""))
            doc["loadavg_end"] = bench.loadavg()
            with open(a.out, "w") as f:
                json.dump(doc, f, indent=2)
    finally:
        if watcher:
            watcher.stopped.set()
        stop_operator()
        stack.down(os.path.join(bench.WORK, "logs-footprint"))
    print(table(doc))


def build_info(path: str) -> dict:
    """Which commit a build was made from (bench/build-at.sh writes it beside the build)."""
    commit = os.path.join(os.path.dirname(path), "commit")
    if os.path.exists(commit):
        return {"path": os.path.relpath(path, bench.ROOT), "commit": open(commit).read().strip()}
    return {"path": os.path.relpath(path, bench.ROOT),
            "commit": bench.command_output("git", "-C", bench.ROOT, "rev-parse", "--short", "HEAD") + " (working tree)"}


def table(doc: dict) -> str:
    results = doc["results"]
    base = next((r["rss_mib"] for r in results if r["key"] == "today"), results[0]["rss_mib"] if results else None)
    lines = ["| row | RSS MiB | ratio | heap used / committed MiB | live heap MiB | non-heap MiB | metaspace MiB "
             "| classes | threads | load |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        live = r.get("histogram", {}).get("live_heap_mib", "")
        lines.append(f"| {r['name']} | {r['rss_mib']} | {r['rss_mib'] / base:.2f} | {r['heap_used_mib']} / "
                     f"{r['heap_committed_mib']} | {live} | {r['nonheap_committed_mib']} | {r['metaspace_used_mib']} | "
                     f"{r['classes']:.0f} | {r['threads']:.0f} | {r['loadavg'][0]} |")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--table":
        print(table(json.load(open(sys.argv[2] if len(sys.argv) > 2 else os.path.join(bench.ROOT, "bench",
                                                                                      "footprint.json")))))
    else:
        main()

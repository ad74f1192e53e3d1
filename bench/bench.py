"""make bench: the operator at fleet size, against a naive baseline poller, on this machine.

For each N (default 10, 100 and 1000) it starts a stack of its own (hack/sandbox.sh with SANDBOX_DIR=.bench/stack:
etcd, kube-apiserver, moto and the packaged operator on free loopback ports; never the sandbox of `make sandbox`),
creates N environments (a queue in moto for each, old terminated instances for some, one MigratorDeployment each),
and measures, in this order:
  idle      AWS calls per environment-hour from the operator's counters (/q/metrics, migrator_aws_calls_total), its
            RSS and heap, and reconcile durations with and without AWS's share, over a window of a few idle polls;
  baseline  the same calls figure for bench/baseline_poller.py (DescribeInstances by Name tag + ReceiveMessage per
            environment and poll), at the same interval, against the same moto, while the operator keeps running;
  recovery  a leftover success message sent to a few clean environments (Auto mode) until Deployable=True, with
            the operator's timing.leftoverAfter (--leftover-after; by default the operator's own, 5m: the message
            counts as a leftover only that long after it was sent);
  detection a running migration (instance running, progress messages) in up to 50 environments, then a Failed
            message each, until MigrationSucceeded=False or a failure mode shows on the resource.
CPU per process (from /proc/<pid>/stat) is kept for every phase, to say which part was the bottleneck.
The stack's moto runs behind the realism layer (hack/moto_realism.py) at real AWS's timings, as the sandbox's does:
a purge is verified only after AWS's 60-second window, counts lag up to a minute, short polls return a subset.
The stack is stopped at the end, also on failure, Ctrl-C or SIGTERM. Results: bench/results.json and
bench/results.md (the table, for the README).

Usage: bench.py [--n "10 100 1000"] [--poll 30] [--active 5] [--intervals 4] [--leftover-after 0s]
"""
import argparse
import datetime
import json
import os
import platform
import random
import re
import shutil
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, ".bench")
STACK = os.path.join(WORK, "stack")
K8S_VERSION = "1.34.4"
BIN = os.path.join(os.environ.get("KUBE_API_TEST_DIR", os.path.expanduser("~/.kubeapitest")), "k8s",
                   f"{K8S_VERSION}-linux-amd64")
KUBECTL = os.path.join(BIN, "kubectl")
NAMESPACE = "bench"
GROUP_PATH = "/apis/migrator.bfd.cms.gov/v1alpha1"
DOCKERFILE = os.path.join(ROOT, "src", "main", "docker", "Dockerfile.jvm")
CHART_VALUES = os.path.join(ROOT, "helm", "values.yaml")


def deployment_jvm():
    """What a deployment runs the operator with: the JVM flags of the image's ENTRYPOINT and ENV lines
    (src/main/docker/Dockerfile.jvm) under the chart's memory limit (helm/values.yaml), and the environment.
    -XX:MaxRAM stands in for the container's limit here, where the operator runs as a plain process; the JVM would
    read the same figure from the cgroup."""
    dockerfile = open(DOCKERFILE).read()
    env = {k: v.strip('"') for k, v in re.findall(r'^ENV (\w+)=("[^"]*"|\S+)\s*$', dockerfile, re.M)}
    entrypoint = re.search(r"^ENTRYPOINT ((?:.*\\\n)*.*)", dockerfile, re.M).group(1)
    limit = re.search(r"^resources:\n(?:  .*\n)*?  limits:\n    memory: (\d+)Mi$", open(CHART_VALUES).read(), re.M)
    flags = [f"-XX:MaxRAM={limit.group(1)}m", f"-XX:MaxRAMPercentage={env['JAVA_MAX_MEM_RATIO']}",
             env["GC_CONTAINER_OPTIONS"]]
    # the ENTRYPOINT's own flags (those not taken from a variable)
    flags += [f for f in re.findall(r'-XX:[^\s"$]+', entrypoint) if not f.endswith("=") and "AOTCache" not in f]
    flags += [f for f in env["JAVA_OPTS_APPEND"].split() if f.startswith(("-XX:", "-Xss", "-Xmn"))]
    return " ".join(flags), {"MALLOC_ARENA_MAX": env["MALLOC_ARENA_MAX"]}, f"{limit.group(1)}Mi"


def deployment_runtime():
    """The image's Java: the feature version of its base (BASE_IMAGE) and whether it starts with an AOT cache made at
    image build time (ENTRYPOINT -XX:AOTCache=...). The bench runs the operator on a local JDK of that version."""
    dockerfile = open(DOCKERFILE).read()
    base = re.search(r"^ARG BASE_IMAGE=(\S+)", dockerfile, re.M).group(1)
    version = re.search(r"(?:openjdk-|temurin:|jre-?)(\d+)", base)
    entrypoint = re.search(r"^ENTRYPOINT ((?:.*\\\n)*.*)", dockerfile, re.M).group(1)
    return {"base_image": base, "java": int(version.group(1)) if version else 17, "aot": "-XX:AOTCache=" in entrypoint}


def find_jdk(feature: int):
    """A JDK of that feature version: JAVA_HOME if it is one, else one under /usr/lib/jvm (its release file says)."""
    candidates = [os.environ.get("JAVA_HOME", "")] + sorted(
        os.path.join("/usr/lib/jvm", d) for d in (os.listdir("/usr/lib/jvm") if os.path.isdir("/usr/lib/jvm") else []))
    for home in candidates:
        release = os.path.join(home, "release")
        if home and os.path.exists(release) and os.path.exists(os.path.join(home, "bin", "java")):
            m = re.search(r'^JAVA_VERSION="(\d+)', open(release).read(), re.M)
            if m and int(m.group(1)) == feature:
                return home
    return None


# The AOT training run of the image's build (Dockerfile.jvm's RUN, kept in step): the operator started with no API
# server to reach (a closed port) until it gives up and exits; the JVM writes the cache as it exits.
TRAIN_ENV = {"KUBERNETES_MASTER": "https://127.0.0.1:9", "KUBECONFIG": "/dev/null", "AWS_REGION": "us-east-1",
             "QUARKUS_HTTP_PORT": "0", "QUARKUS_HTTP_HOST": "127.0.0.1"}


def train_command(java: str, flags: str, jar: str, cache: str):
    return [java, *flags.split(), f"-XX:AOTCacheOutput={cache}", "-jar", jar]


def train(java: str, flags: str, app: str, cache: str) -> None:
    """Makes the AOT cache `cache` for the build in `app` (a quarkus-app directory) as the image's build does."""
    if os.path.exists(cache):
        os.remove(cache)
    command = train_command(java, flags, os.path.join(app, "quarkus-run.jar"), cache)
    log(f"AOT training as the image build does: {' '.join(command)}")
    subprocess.run(command, cwd=app, timeout=900, env=dict(os.environ, **TRAIN_ENV), stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    if not os.path.exists(cache):
        raise RuntimeError(f"the AOT training run wrote no cache {cache}")
    log(f"AOT cache {cache}: {os.path.getsize(cache) / 2 ** 20:.1f} MiB")


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


GOALS = {"aws_ratio_max": 0.55, "rss_mib_max": 192, "detect_p99_over_active_s": 1.0, "recover_s_max": 65}
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def quantile(values, q):
    """Linear interpolation between closest ranks (numpy's default); None when there are no values."""
    values = sorted(values)
    if not values:
        return None
    pos = q * (len(values) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(values) - 1)
    if pos == lo or values[hi] == values[lo]:
        return values[lo]
    if values[hi] == float("inf"):
        return float("inf")
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


# ---- the stack ------------------------------------------------------------------------------------------

class Stack:
    """hack/sandbox.sh run in .bench/stack: its own etcd, kube-apiserver, moto and operator."""

    def __init__(self, java_opts: str, java_env=None):
        self.env = dict(os.environ, **(java_env or {}), SANDBOX_DIR=STACK, OPERATOR_JAVA_OPTS=java_opts)
        self.pids = {}
        self.ports = {}

    def _sandbox(self, action: str) -> None:
        subprocess.run(["bash", os.path.join(ROOT, "hack", "sandbox.sh"), action], env=self.env, check=True)

    def up(self) -> None:
        if os.path.isdir(STACK):  # what an interrupted earlier bench left behind
            self._sandbox("down")
        self._sandbox("up")
        for name in ("etcd", "kube-apiserver", "moto", "operator"):
            self.pids[name] = int(open(os.path.join(STACK, f"{name}.pid")).read())
            self.ports[name] = int(open(os.path.join(STACK, f"{name}.port")).read())

    def down(self, keep_logs_in: str) -> None:
        if not os.path.isdir(STACK):
            return
        os.makedirs(keep_logs_in, exist_ok=True)
        for f in os.listdir(STACK):
            if f.endswith(".log"):
                shutil.copy(os.path.join(STACK, f), keep_logs_in)
        self._sandbox("down")

    @property
    def kubeconfig(self) -> str:
        return os.path.join(STACK, "kubeconfig")

    @property
    def moto_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['moto']}"

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['operator']}/q/metrics"


class Kube:
    """Just enough of the Kubernetes API for listing and watching, from the stack's admin kubeconfig."""

    def __init__(self, kubeconfig: str):
        text = open(kubeconfig).read()
        self.server = re.search(r"server: (\S+)", text).group(1)
        self.token = re.search(r"token: (\S+)", text).group(1)
        self.ssl = ssl.create_default_context(cafile=re.search(r"certificate-authority: (\S+)", text).group(1))

    def open(self, path: str, timeout: float):
        request = urllib.request.Request(self.server + path, headers={"Authorization": f"Bearer {self.token}"})
        return urllib.request.urlopen(request, context=self.ssl, timeout=timeout)


def snapshot(obj: dict) -> dict:
    status = obj.get("status") or {}
    conditions = {c["type"]: (c.get("status"), c.get("reason")) for c in status.get("conditions") or []}
    return {"Deployable": conditions.get("Deployable", (None, None))[0],
            "MigrationSucceeded": conditions.get("MigrationSucceeded", (None, None))[0],
            "InstanceAbsentReason": conditions.get("InstanceAbsent", (None, None))[1],
            "failureMode": status.get("failureMode")}


class Watcher(threading.Thread):
    """Watches the MigratorDeployments of the bench namespace and keeps, per resource, when what changed
    (times as this process saw the watch events, time.monotonic)."""

    def __init__(self, kube: Kube):
        super().__init__(daemon=True)
        self.kube = kube
        self.history = {}  # name -> [(t, snapshot)]
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.events = 0

    def _update(self, obj: dict) -> None:
        t = time.monotonic()
        name = obj["metadata"]["name"]
        snap = snapshot(obj)
        with self.lock:
            self.events += 1
            seen = self.history.setdefault(name, [])
            if not seen or seen[-1][1] != snap:
                seen.append((t, snap))

    def run(self) -> None:
        base = f"{GROUP_PATH}/namespaces/{NAMESPACE}/migratordeployments"
        version = None
        while not self.stopped.is_set():
            try:
                if version is None:
                    with self.kube.open(base, timeout=120) as response:
                        listing = json.load(response)
                    for item in listing["items"]:
                        self._update(item)
                    version = listing["metadata"]["resourceVersion"]
                path = f"{base}?watch=1&allowWatchBookmarks=true&timeoutSeconds=240&resourceVersion={version}"
                with self.kube.open(path, timeout=300) as response:
                    for line in response:
                        event = json.loads(line)
                        if event["type"] == "ERROR":
                            version = None  # 410 Gone: list again
                            break
                        version = event["object"]["metadata"]["resourceVersion"]
                        if event["type"] in ("ADDED", "MODIFIED"):
                            self._update(event["object"])
                        if self.stopped.is_set():
                            return
            except Exception:  # a dropped watch, a restarting server: list again and go on
                if self.stopped.is_set():
                    return
                version = None
                time.sleep(1)

    def current(self, name: str):
        with self.lock:
            seen = self.history.get(name)
            return seen[-1][1] if seen else None

    def first(self, name: str, after: float, predicate):
        """When the resource first showed a state that satisfies predicate, after the given time."""
        with self.lock:
            for t, snap in self.history.get(name, []):
                if t >= after and predicate(snap):
                    return t
        return None

    def wait(self, pending, timeout: float, what: str):
        """Waits until pending() (the names still waited for) is empty; says how it goes every minute.
        Returns the seconds waited and what was still pending when the time ran out (empty if nothing)."""
        started = last = time.monotonic()
        while True:
            left = pending()
            now = time.monotonic()
            if not left:
                return now - started, []
            if now - started > timeout:
                log(f"  gave up after {timeout:.0f} s: {len(left)} still waiting for {what}")
                return now - started, left
            if now - last >= 60:
                log(f"  {now - started:.0f} s: {len(left)} still waiting for {what}")
                last = now
            time.sleep(0.25)


# ---- measuring -------------------------------------------------------------------------------------------

def scrape(url: str):
    """Prometheus text as (name, labels, value) triples."""
    with urllib.request.urlopen(url, timeout=60) as response:
        text = response.read().decode()
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)", line)
        if not m:
            continue
        labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        samples.append((m.group(1), labels, float(m.group(4))))
    return samples


def metric_sum(samples, name, **match):
    return sum(v for n, labels, v in samples if n == name and all(labels.get(k) == w for k, w in match.items()))


def by_label(samples, name, *keys):
    out = {}
    for n, labels, v in samples:
        if n == name:
            key = "/".join(labels.get(k, "") for k in keys)
            out[key] = out.get(key, 0) + v
    return out


def buckets(samples, name):
    return {float(labels["le"].replace("+Inf", "inf")): v for n, labels, v in samples if n == name + "_bucket"}


def histogram_quantile(q, before, after):
    """Prometheus's histogram_quantile over the increase of cumulative buckets between two scrapes."""
    rows = sorted((le, after[le] - before.get(le, 0)) for le in after)
    if not rows or rows[-1][1] <= 0:
        return None
    rank = q * rows[-1][1]
    prev_le, prev_count = 0.0, 0.0
    for le, count in rows:
        if count >= rank:
            if le == float("inf"):
                return prev_le
            return prev_le + (le - prev_le) * ((rank - prev_count) / (count - prev_count) if count > prev_count else 1)
        prev_le, prev_count = le, count
    return prev_le


def reconcile_quantiles(before, after):
    out = {}
    for key, name in (("own", "migrator_reconcile_own_duration_seconds"),
                      ("total", "migrator_reconcile_duration_seconds")):
        b0, b1 = buckets(before, name), buckets(after, name)
        out[key] = {"p50_ms": ms(histogram_quantile(0.5, b0, b1)), "p99_ms": ms(histogram_quantile(0.99, b0, b1)),
                    "count": metric_sum(after, name + "_count") - metric_sum(before, name + "_count")}
    return out


def call_latency(before, after):
    """Calls and mean latency per AWS operation between two scrapes of the operator's metrics."""
    out = {}
    c0 = by_label(before, "migrator_aws_call_duration_seconds_count", "operation")
    c1 = by_label(after, "migrator_aws_call_duration_seconds_count", "operation")
    s0 = by_label(before, "migrator_aws_call_duration_seconds_sum", "operation")
    s1 = by_label(after, "migrator_aws_call_duration_seconds_sum", "operation")
    for op, count in c1.items():
        n = count - c0.get(op, 0)
        if n > 0:
            out[op] = {"calls": round(n), "mean_ms": round(1000 * (s1[op] - s0.get(op, 0)) / n, 1)}
    return out


def finite(seconds):
    """Seconds rounded for the report; None for 'not within the phase's time-out'."""
    return None if seconds is None or seconds == float("inf") else round(seconds, 2)


def ms(seconds):
    return None if seconds is None else round(seconds * 1000, 1)


def cpu_ticks(pid: int):
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except OSError:
        return None


def system_ticks():
    values = [int(v) for v in open("/proc/stat").readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values), idle


def loadavg():
    return [float(v) for v in open("/proc/loadavg").read().split()[:3]]


class Phase:
    """Wall time and CPU per process of one phase of the benchmark, and the machine's load meanwhile."""

    def __init__(self, name: str, pids: dict, children: str = "kubectl"):
        self.name, self.pids, self.children = name, dict(pids), children
        self.t0 = time.monotonic()
        self.ticks0 = {k: cpu_ticks(p) for k, p in self.pids.items()}
        self.system0 = system_ticks()
        self.self0 = os.times()

    def end(self) -> dict:
        wall = time.monotonic() - self.t0
        cpu = {}
        for k, p in self.pids.items():
            t1 = cpu_ticks(p)
            if t1 is not None and self.ticks0[k] is not None:
                cpu[k] = round(100 * (t1 - self.ticks0[k]) / CLK_TCK / wall, 1)
        me = os.times()
        cpu["driver"] = round(100 * ((me.user - self.self0.user) + (me.system - self.self0.system)) / wall, 1)
        cpu[self.children] = round(100 * ((me.children_user - self.self0.children_user)
                                          + (me.children_system - self.self0.children_system)) / wall, 1)
        total1, idle1 = system_ticks()
        busy = 1 - (idle1 - self.system0[1]) / max(1, total1 - self.system0[0])
        top = max(cpu.items(), key=lambda kv: kv[1])
        return {"phase": self.name, "wall_seconds": round(wall, 1), "cpu_percent_of_one_core": cpu,
                "machine_busy_percent": round(100 * busy, 1), "loadavg_end": loadavg(),
                "top_process": {"name": top[0], "cpu_percent_of_one_core": top[1]}}


def rss_kib(pid: int) -> dict:
    out = {}
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(("VmRSS:", "VmHWM:", "RssAnon:", "RssFile:", "RssShmem:")):
            out[line.split(":")[0]] = int(line.split()[1])
    return out


# ---- the fleet -------------------------------------------------------------------------------------------

def environment(env: str) -> dict:
    """The platform's declaration of the environment, bound to the bench namespace; AWS names all defaults."""
    return {"apiVersion": "migrator.bfd.cms.gov/v1alpha1", "kind": "MigratorEnvironment",
            "metadata": {"name": env}, "spec": {"namespaces": [NAMESPACE]}}


LEFTOVER_AFTER = None  # --leftover-after; None: the operator's default


def resource(env: str, poll: int, active: int) -> dict:
    timing = {"pollInterval": f"{poll}s", "activePollInterval": f"{active}s"}
    if LEFTOVER_AFTER is not None:
        timing["leftoverAfter"] = LEFTOVER_AFTER
    return {"apiVersion": "migrator.bfd.cms.gov/v1alpha1", "kind": "MigratorDeployment",
            "metadata": {"name": env, "namespace": NAMESPACE},
            "spec": {"environment": env, "timing": timing}}


def duration_seconds(text: str) -> float:
    """A Go duration of h, m and s units (5m, 30s, 1m30s) in seconds."""
    units = {"h": 3600, "m": 60, "s": 1}
    parts = re.findall(r"(\d+(?:\.\d+)?)([hms])", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"not a duration of h, m and s: {text!r}")
    return sum(float(n) * units[u] for n, u in parts)


DEFAULT_LEFTOVER_AFTER = "5m"  # TimingSpec.leftoverAfter's @Default


def leftover_after_seconds() -> float:
    return duration_seconds(LEFTOVER_AFTER if LEFTOVER_AFTER is not None else DEFAULT_LEFTOVER_AFTER)


def kubectl(stack: Stack, *args, input_text=None):
    return subprocess.run([KUBECTL, "--kubeconfig", stack.kubeconfig, *args], input=input_text, text=True,
                          check=True, capture_output=True).stdout


def native(pid: int, message_id: int, stage: str) -> str:
    body = {"appStage": stage, "messageId": message_id}
    if stage == "Migrating":
        body["migrationStage"] = {"migrationFile": "V20240528145630581__Add_column.sql", "stage": "AfterFile",
                                  "version": "20240528145630581"}
    body["pid"] = pid
    return json.dumps(body, separators=(",", ":"))


class Aws:
    def __init__(self, endpoint: str):
        import boto3
        from botocore.config import Config
        config = Config(max_pool_connections=16, retries={"mode": "standard", "max_attempts": 5})
        session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                        region_name="us-east-1")
        self.sqs = session.client("sqs", endpoint_url=endpoint, config=config)
        self.ec2 = session.client("ec2", endpoint_url=endpoint, config=config)
        self.urls = {}

    def queue(self, env: str) -> str:
        url = self.sqs.create_queue(QueueName=f"bfd-{env}-migrator")["QueueUrl"]
        self.urls[env] = url
        return url

    def send(self, env: str, body: str) -> None:
        self.sqs.send_message(QueueUrl=self.urls[env], MessageBody=body)

    def instance(self, env: str) -> str:
        tags = [{"Key": "Name", "Value": f"bfd-{env}-migrator"}, {"Key": "role", "Value": "migrator"}]
        return self.ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="m6a.large",
                                      TagSpecifications=[{"ResourceType": "instance", "Tags": tags}])[
            "Instances"][0]["InstanceId"]


def create_queues(aws: "Aws", names) -> None:
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(aws.queue, names))


def apply_resources(stack: Stack, names, poll: int, active: int) -> None:
    """One MigratorEnvironment and one MigratorDeployment per name, applied server-side in batches of 100."""
    for i in range(0, len(names), 100):
        items = [environment(e) for e in names[i:i + 100]] + [resource(e, poll, active) for e in names[i:i + 100]]
        batch = {"apiVersion": "v1", "kind": "List", "items": items}
        kubectl(stack, "apply", "--server-side", "--field-manager", "bench", "-f", "-", input_text=json.dumps(batch))


def send_spread(aws: "Aws", envs, window: float, body: str, rng) -> dict:
    """Sends body to each environment at a random point of the next window seconds; returns when each was sent
    (time.monotonic)."""
    sent = {}
    t0 = time.monotonic()
    for offset, env in sorted((rng.uniform(0, window), e) for e in envs):
        time.sleep(max(0.0, t0 + offset - time.monotonic()))
        aws.send(env, body)
        sent[env] = time.monotonic()
    return sent


# ---- one N -----------------------------------------------------------------------------------------------

def run_one(n: int, a, java_opts: str, java_env: dict) -> dict:
    result = {"N": n}
    stack = Stack(java_opts, java_env)
    watcher = None
    rng = random.Random(n)
    try:
        log(f"N={n}: starting the bench stack in {os.path.relpath(STACK, ROOT)}")
        t = time.monotonic()
        stack.up()
        result["stack_up_seconds"] = round(time.monotonic() - t, 1)
        pids = {"etcd": stack.pids["etcd"], "kube-apiserver": stack.pids["kube-apiserver"],
                "moto": stack.pids["moto"], "operator": stack.pids["operator"]}
        phases = []
        aws = Aws(stack.moto_url)
        names = [f"bench-{i:04d}" for i in range(1, n + 1)]
        kubectl(stack, "create", "namespace", NAMESPACE)
        watcher = Watcher(Kube(stack.kubeconfig))
        watcher.start()

        # populate: queues for all, old (terminated) instances for every tenth, one resource each
        phase = Phase("populate", pids)
        t = time.monotonic()
        create_queues(aws, names)
        queues_seconds = time.monotonic() - t
        old = names[::10]
        with ThreadPoolExecutor(8) as pool:
            old_ids = list(pool.map(aws.instance, old))
        aws.ec2.terminate_instances(InstanceIds=old_ids)
        t_apply = time.monotonic()
        apply_resources(stack, names, a.poll, a.active)
        apply_seconds = time.monotonic() - t_apply
        phases.append(phase.end())
        result["populate"] = {"queues_created": n, "queue_create_seconds": round(queues_seconds, 1),
                              "queue_creates_per_second": round(n / queues_seconds, 1),
                              "terminated_instances": len(old), "resources_applied": n,
                              "apply_seconds": round(apply_seconds, 1)}
        log(f"N={n}: {n} queues in {queues_seconds:.1f} s, {len(old)} terminated instances, "
            f"{n} resources applied in {apply_seconds:.1f} s")

        # settle: every environment Deployable=True (queue confirmed empty, no instance)
        phase = Phase("settle", pids)
        s0 = scrape(stack.metrics_url)
        _, unsettled = watcher.wait(
            lambda: [e for e in names if (watcher.current(e) or {}).get("Deployable") != "True"],
            timeout=600 + 3 * n, what="Deployable=True")
        result["onboard_seconds"] = round(time.monotonic() - t_apply, 1)
        result["onboard_calls"] = call_latency(s0, scrape(stack.metrics_url))
        if unsettled:
            result["incomplete"] = f"{len(unsettled)} of {n} environments not Deployable=True after onboarding"
        log(f"N={n}: {n - len(unsettled)} of {n} Deployable=True {result['onboard_seconds']} s after the first "
            f"apply; letting one more poll interval pass")
        time.sleep(a.poll + 5)
        phases.append(phase.end())

        # idle: the operator's calls, footprint and reconcile durations over a window of idle polls
        window = a.intervals * a.poll
        log(f"N={n}: idle window of {window} s ({a.intervals} x pollInterval {a.poll}s)")
        phase = Phase("idle", pids)
        m0 = scrape(stack.metrics_url)
        time.sleep(window)
        m1 = scrape(stack.metrics_url)
        phases.append(phase.end())
        calls0 = by_label(m0, "migrator_aws_calls_total", "service", "operation", "outcome")
        calls1 = by_label(m1, "migrator_aws_calls_total", "service", "operation", "outcome")
        delta = {k: round(v - calls0.get(k, 0)) for k, v in calls1.items() if v - calls0.get(k, 0) > 0}
        op_calls = sum(delta.values())
        op_per_env_hour = op_calls / n / (window / 3600)
        gqa = sum(v for k, v in delta.items() if "/GetQueueAttributes/" in k)
        heap = metric_sum(m1, "jvm_memory_used_bytes", area="heap")
        heap_max = sum(v for nm, labels, v in m1
                       if nm == "jvm_memory_max_bytes" and labels.get("area") == "heap" and v > 0)
        memory = rss_kib(stack.pids["operator"])
        result["idle"] = {
            "window_seconds": window,
            "operator_calls": op_calls, "operator_calls_by_operation": delta,
            "operator_calls_per_env_hour": round(op_per_env_hour, 1),
            "operator_schedule_kept": round(gqa / (n * window / a.poll), 3),
            "operator_call_latency": call_latency(m0, m1),
            "reconcile": reconcile_quantiles(m0, m1),
            "rss_mib": round(memory["VmRSS"] / 1024, 1), "rss_peak_mib": round(memory["VmHWM"] / 1024, 1),
            "heap_used_mib": round(heap / 2 ** 20, 1), "heap_max_mib": round(heap_max / 2 ** 20, 1),
            "heap_committed_mib": round(metric_sum(m1, "jvm_memory_committed_bytes", area="heap") / 2 ** 20, 1),
            "nonheap_committed_mib": round(metric_sum(m1, "jvm_memory_committed_bytes", area="nonheap") / 2 ** 20, 1),
            "metaspace_used_mib": round(metric_sum(m1, "jvm_memory_used_bytes", id="Metaspace") / 2 ** 20, 1),
            "nonheap_used_mib": round(metric_sum(m1, "jvm_memory_used_bytes", area="nonheap") / 2 ** 20, 1),
            "threads": metric_sum(m1, "jvm_threads_live_threads"),
        }
        i = result["idle"]
        i["rss_beyond_jvm_pools_mib"] = round(i["rss_mib"] - i["heap_committed_mib"] - i["nonheap_committed_mib"], 1)
        log(f"N={n}: operator {op_calls} calls = {op_per_env_hour:.1f} per environment-hour; "
            f"RSS {result['idle']['rss_mib']} MiB, heap used {result['idle']['heap_used_mib']} MiB")

        # baseline: the naive poller, same interval, same window, same moto, the operator still running
        envs_file = os.path.join(WORK, "envs.txt")
        open(envs_file, "w").write("\n".join(names))
        log(f"N={n}: baseline poller, {window} s")
        phase = Phase("baseline", pids, children="baseline_poller")
        poller = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "baseline_poller.py"), envs_file,
                                 str(a.poll), str(window)], check=True, capture_output=True, text=True,
                                env=dict(os.environ, AWS_ENDPOINT_URL=stack.moto_url, AWS_ACCESS_KEY_ID="testing",
                                         AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1"))
        base = json.loads(poller.stdout)
        phases.append(phase.end())
        base_calls = sum(base["calls"].values()) + sum(base["errors"].values())
        base_per_env_hour = base_calls / n / (base["elapsed_seconds"] / 3600)
        result["baseline"] = dict(base, calls_per_env_hour=round(base_per_env_hour, 1),
                                  nominal_calls_per_env_hour=round(2 * 3600 / a.poll, 1))
        result["aws_calls_ratio"] = round(op_per_env_hour / base_per_env_hour, 3)
        log(f"N={n}: baseline {base_calls} calls = {base_per_env_hour:.1f} per environment-hour; "
            f"ratio {result['aws_calls_ratio']}")

        # recovery: a leftover success message in clean Auto-mode environments, at random points of their poll cycle
        recovering = rng.sample(names, min(a.recover, n))
        log(f"N={n}: recovery of {len(recovering)} environments from a leftover success message")
        phase = Phase("recovery", pids)
        sent = send_spread(aws, recovering, a.poll, native(5046, 14, "Finished"), rng)

        def recovered(env):
            blocked = watcher.first(env, sent[env], lambda s: s["Deployable"] != "True")
            return None if blocked is None else watcher.first(env, blocked, lambda s: s["Deployable"] == "True")

        # a message counts as a leftover only timing.leftoverAfter after it was sent: wait that long and more
        timeout = 300 + int(leftover_after_seconds())
        watcher.wait(lambda: [e for e in recovering if not recovered(e)], timeout=timeout, what="Deployable=True")
        phases.append(phase.end())
        recover_s = {e: round(recovered(e) - sent[e], 2) if recovered(e) else None for e in recovering}
        noticed_s = {e: round(watcher.first(e, sent[e], lambda s: s["Deployable"] != "True") - sent[e], 2)
                     if watcher.first(e, sent[e], lambda s: s["Deployable"] != "True") else None for e in recovering}
        censored = [v if v is not None else float("inf") for v in recover_s.values()]
        # from noticing (Deployable False) to Deployable True again: the purge, AWS's 60-second window and the
        # counts' lag until they read zero; the rest of recover_s is until the (lagging) counts showed the message
        after_noticed_s = {e: round(recover_s[e] - noticed_s[e], 2) if recover_s[e] is not None and noticed_s[e] is not None
                           else None for e in recovering}
        result["recovery"] = {"environments": len(recovering), "leftover_after_s": leftover_after_seconds(),
                              "seconds": recover_s, "noticed_seconds": noticed_s,
                              "noticed_to_recovered_seconds": after_noticed_s,
                              "not_recovered_within_s": timeout if None in recover_s.values() else None,
                              "p50_s": finite(quantile(censored, 0.5)), "max_s": finite(max(censored))}
        log(f"N={n}: recovered in {sorted(censored)} s")

        # detection: a running migration in up to 50 environments, then a Failed message in each
        active = names if n <= a.detect else rng.sample(names, a.detect)
        log(f"N={n}: detection over {len(active)} environments running a migration")
        phase = Phase("detection", pids)
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(aws.instance, active))
            list(pool.map(lambda e: aws.send(e, native(7000, 1, "Started")), active))
            list(pool.map(lambda e: aws.send(e, native(7000, 2, "Migrating")), active))
        d0 = scrape(stack.metrics_url)
        in_progress, not_running = watcher.wait(
            lambda: [e for e in active if (watcher.current(e) or {}).get("InstanceAbsentReason") != "MigrationInProgress"],
            timeout=a.poll * 3 + 120, what="MigrationInProgress")
        log(f"N={n}: {len(active) - len(not_running)} of {len(active)} show MigrationInProgress after "
            f"{in_progress:.1f} s; sending Failed at random points of {2 * a.active} s")
        time.sleep(2 * a.active)  # each is on its activePollInterval cycle now
        m2 = scrape(stack.metrics_url)
        sent = send_spread(aws, active, 2 * a.active, native(7000, 3, "Failed"), rng)

        def failed(snap):
            return snap["MigrationSucceeded"] == "False" or snap["failureMode"] not in (None, "None")

        timeout = 180
        watcher.wait(lambda: [e for e in active if not watcher.first(e, sent[e], failed)], timeout=timeout,
                     what="MigrationSucceeded=False")
        m3 = scrape(stack.metrics_url)
        phases.append(phase.end())
        # An environment never seen to fail counts as infinitely late, so it pushes the quantiles up, not out.
        detect_s = [watcher.first(e, sent[e], failed) - sent[e] if watcher.first(e, sent[e], failed) else float("inf")
                    for e in active]
        result["detection"] = {"environments": len(active), "seconds_to_in_progress": round(in_progress, 1),
                               "not_in_progress_before_failed": len(not_running),
                               "not_detected_within_s": timeout if float("inf") in detect_s else None,
                               "not_detected": detect_s.count(float("inf")),
                               "p50_s": finite(quantile(detect_s, 0.5)), "p99_s": finite(quantile(detect_s, 0.99)),
                               "max_s": finite(max(detect_s)), "all_s": [finite(d) for d in sorted(detect_s)],
                               "reconcile_while_active": reconcile_quantiles(m2, m3),
                               "operator_call_latency": call_latency(d0, m3)}
        log(f"N={n}: detection p50 {result['detection']['p50_s']} s, p99 {result['detection']['p99_s']} s"
            f"{', ' + str(result['detection']['not_detected']) + ' not detected' if result['detection']['not_detected'] else ''}")

        result["phases"] = phases
        result["watch_events"] = watcher.events
        return derive(result)
    finally:
        if watcher:
            watcher.stopped.set()
        stack.down(os.path.join(WORK, f"logs-N{n}"))


def derive(r: dict) -> dict:
    """Figures computed from the measured ones: calls per environment poll, independent of whether the operator
    or the baseline kept its schedule (a saturated moto slows one more than the other), and the bottlenecks."""
    if "error" in r:
        return r
    i, b = r["idle"], r["baseline"]
    reconciles = i["reconcile"]["own"]["count"]
    i["operator_calls_per_environment_poll"] = round(i["operator_calls"] / reconciles, 3) if reconciles else None
    b["calls_per_environment_poll"] = round((sum(b["calls"].values()) + sum(b["errors"].values()))
                                            / b["polls_started"], 3)
    if i["operator_calls_per_environment_poll"]:
        r["aws_calls_ratio_per_poll"] = round(i["operator_calls_per_environment_poll"] / b["calls_per_environment_poll"], 3)
    r["bottlenecks"] = bottlenecks(r)
    return r


def bottlenecks(r: dict) -> dict:
    """Per phase, which process worked hardest, and whether the machine or a single-threaded part was saturated."""
    out = {}
    for p in r["phases"]:
        cpu = p["cpu_percent_of_one_core"]
        ranked = sorted(cpu.items(), key=lambda kv: -kv[1])
        text = ", ".join(f"{k} {v:.0f}%" for k, v in ranked[:3]) + " of a core"
        if cpu.get("moto", 0) >= 85:
            text = "moto (its one Python core saturated): " + text
        elif p["machine_busy_percent"] >= 95:
            text = f"the machine (both cores {p['machine_busy_percent']:.0f}% busy, load {p['loadavg_end'][0]}): " + text
        out[p["phase"]] = text
    return out


# ---- reporting -------------------------------------------------------------------------------------------

def command_output(*cmd) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


def machine_and_versions() -> dict:
    cpu_model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                     platform.processor())
    mem_kib = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    pom = open(os.path.join(ROOT, "pom.xml")).read()
    import boto3
    import moto
    return {
        "machine": {"nproc": os.cpu_count(), "memory_gib": round(mem_kib / 2 ** 20, 1), "cpu_model": cpu_model,
                    "kernel": platform.release(), "hostname": platform.node()},
        "versions": {
            "operator": re.search(r"<artifactId>migrator-operator</artifactId>\s*<version>([^<]+)", pom).group(1),
            "git_commit": command_output("git", "-C", ROOT, "rev-parse", "--short", "HEAD"),
            "java": command_output("java", "-version"),
            "java_25": command_output(os.path.join(find_jdk(25), "bin", "java"), "-version") if find_jdk(25) else None,
            "kube-apiserver": command_output(os.path.join(BIN, "kube-apiserver"), "--version"),
            "etcd": command_output(os.path.join(BIN, "etcd"), "--version"),
            "moto": moto.__version__, "boto3": boto3.__version__, "python": platform.python_version(),
        },
    }


def shown(value, unit="", missing="not within the time-out"):
    return missing if value is None else f"{value}{unit}"


def goal_checks(runs: list, active: int) -> list:
    checks = []
    for r in runs:
        if "error" in r:
            continue
        n = r["N"]
        if n == 1000:
            ratio = r["aws_calls_ratio"]
            checks.append({"goal": "AWS calls, 1000 idle environments, at most 0.55 of the baseline", "N": n,
                           "value": ratio, "met": ratio <= GOALS["aws_ratio_max"]})
            rss = r["idle"]["rss_mib"]
            checks.append({"goal": "RSS at most 192 MiB with 1000 resources", "N": n, "value": rss,
                           "met": rss <= GOALS["rss_mib_max"]})
        p99 = r["detection"]["p99_s"]
        checks.append({"goal": f"detection p99 within activePollInterval + 1 s = {active + 1} s", "N": n,
                       "value": shown(p99, missing=f"> {r['detection']['not_detected_within_s']} s"),
                       "met": p99 is not None and p99 <= active + GOALS["detect_p99_over_active_s"]})
        worst = r["recovery"]["max_s"]
        # The operator leaves a message to the deploy pipeline for timing.leftoverAfter on purpose: the goal counts
        # from the moment the message became a leftover.
        grace = r["recovery"].get("leftover_after_s", 0)
        checks.append({"goal": f"time to recover within 65 s of the message becoming a leftover (leftoverAfter "
                               f"{grace:g} s after it was sent; slowest environment)", "N": n,
                       "value": shown(worst, missing=f"> {r['recovery']['not_recovered_within_s']} s"),
                       "met": worst is not None and worst <= grace + GOALS["recover_s_max"]})
    return checks


def table(doc: dict) -> str:
    rows = ["| N | AWS calls/env-h operator | baseline | ratio | RSS MiB | heap MiB | reconcile own p50/p99 ms "
            "| reconcile incl. AWS p50/p99 ms | detection p50/p99 s | recover p50/max s | onboard s |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in doc["runs"]:
        if "error" in r:
            rows.append(f"| {r['N']} | failed: {r['error']} |")
            continue
        i, rc = r["idle"], r["idle"]["reconcile"]
        rows.append(f"| {r['N']} | {i['operator_calls_per_env_hour']} | {r['baseline']['calls_per_env_hour']} "
                    f"| {r['aws_calls_ratio']} | {i['rss_mib']} | {i['heap_used_mib']} "
                    f"| {rc['own']['p50_ms']} / {rc['own']['p99_ms']} | {rc['total']['p50_ms']} / {rc['total']['p99_ms']} "
                    f"| {shown(r['detection']['p50_s'], missing='-')} / "
                    f"{shown(r['detection']['p99_s'], missing='> ' + str(r['detection']['not_detected_within_s']))} "
                    f"| {shown(r['recovery']['p50_s'], missing='-')} / "
                    f"{shown(r['recovery']['max_s'], missing='> ' + str(r['recovery']['not_recovered_within_s']))} "
                    f"| {r['onboard_seconds']} |")
    m, s = doc["machine"], doc["settings"]
    lines = ["\n".join(rows), "",
             f"Machine: {m['nproc']} cores ({m['cpu_model']}), {m['memory_gib']} GiB, {doc['date']}; load average "
             f"{doc['loadavg_start'][0]} at the start, {doc['loadavg_end'][0]} at the end (other work shares it). "
             f"pollInterval {s['poll_interval']}, activePollInterval {s['active_poll_interval']}, leftoverAfter "
             f"{s.get('leftover_after', 'not set (before issue 12)')}, idle window "
             f"{s['idle_window_seconds']} s; operator JVM: Java {s.get('runtime', {}).get('java', 17)}, "
             f"`{s['jvm_flags']}`. Total {doc['wall_seconds'] / 60:.1f} min.",
             ""]
    for c in doc["goals"]:
        lines.append(f"- {'met' if c['met'] else 'SHORT'}: {c['goal']} (N={c['N']}): {c['value']}")
    lines.append("")
    for r in doc["runs"]:
        if "error" in r:
            continue
        b = r["baseline"]
        lines.append(f"- N={r['N']}: per environment poll the operator made {r['idle']['operator_calls_per_environment_poll']}"
                     f" AWS calls, the baseline {b['calls_per_environment_poll']} (ratio {r.get('aws_calls_ratio_per_poll')}); "
                     f"the operator made {100 * r['idle']['operator_schedule_kept']:.0f}% of its scheduled "
                     f"idle queue polls; the baseline's polls started {b['start_lateness_seconds']['p50']:.2f} s (p50) / "
                     f"{b['start_lateness_seconds']['p99']:.2f} s (p99) late"
                     + (f"; {r['detection']['not_detected']} of {r['detection']['environments']} Failed messages not "
                        f"seen within {r['detection']['not_detected_within_s']} s" if r['detection']['not_detected'] else "")
                     + (f"; {r['incomplete']}" if r.get("incomplete") else ""))
        lines.append(f"- N={r['N']} bottlenecks: " + "; ".join(f"{k}: {v}" for k, v in r["bottlenecks"].items()))
    return "\n".join(lines)


def write(doc: dict, out: str) -> None:
    with open(out, "w") as f:
        json.dump(doc, f, indent=2)
    text = table(doc)
    with open(os.path.join(os.path.dirname(out), "results.md"), "w") as f:
        f.write(text + "\n")
    print()
    print(text)
    print(f"\nbench: wrote {os.path.relpath(out, ROOT)} and results.md")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", default="10 100 1000", help="fleet sizes, space-separated")
    parser.add_argument("--poll", type=int, default=30, help="pollInterval in seconds, for operator and baseline")
    parser.add_argument("--active", type=int, default=5, help="activePollInterval in seconds")
    parser.add_argument("--intervals", type=int, default=4, help="idle window, in poll intervals")
    parser.add_argument("--detect", type=int, default=50, help="environments in the detection phase (at most N)")
    parser.add_argument("--recover", type=int, default=5, help="environments in the recovery phase")
    parser.add_argument("--leftover-after", default=None,
                        help="the resources' timing.leftoverAfter (default: the operator's own, 5m); 0s where the "
                             "operator is the queue's only reader")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "results.json"))
    parser.add_argument("--render", action="store_true",
                        help="only recompute derived figures, goals and results.md from the measurements in --out")
    a = parser.parse_args()
    global LEFTOVER_AFTER
    LEFTOVER_AFTER = a.leftover_after
    if LEFTOVER_AFTER is not None:
        duration_seconds(LEFTOVER_AFTER)  # refuses what the CRD would refuse too
    if a.render:
        doc = json.load(open(a.out))
        doc["runs"] = [derive(r) for r in doc["runs"]]
        doc["goals"] = goal_checks(doc["runs"], int(doc["settings"]["active_poll_interval"].rstrip("s")))
        write(doc, a.out)
        return
    sizes = [int(v) for v in a.n.replace(",", " ").split()]
    if not sizes or any(v < 1 for v in sizes):
        parser.error(f"--n wants positive fleet sizes, got {a.n!r}")
    for path, what in ((KUBECTL, "make test-deps"), (os.path.join(ROOT, "target", "quarkus-app", "quarkus-run.jar"),
                                                     "make build")):
        if not os.path.exists(path):
            sys.exit(f"bench: {path} is missing; run '{what}' first")

    def terminate(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)
    os.makedirs(WORK, exist_ok=True)
    java_opts, java_env, limit = deployment_jvm()
    runtime = deployment_runtime()
    if runtime["java"] != 17 or runtime["aot"]:
        # the image's Java, and its AOT cache trained as the image's build trains it (for the build bench runs)
        home = find_jdk(runtime["java"])
        if not home:
            sys.exit(f"bench: the image runs Java {runtime['java']} ({runtime['base_image']}); no such JDK under "
                     f"/usr/lib/jvm (nor JAVA_HOME)")
        java_env = dict(java_env, OPERATOR_JAVA=os.path.join(home, "bin", "java"))
        if runtime["aot"]:
            os.makedirs(WORK, exist_ok=True)
            cache = os.path.join(WORK, "bench.aot")
            train(java_env["OPERATOR_JAVA"], java_opts, os.path.join(ROOT, "target", "quarkus-app"), cache)
            java_opts += f" -XX:AOTCache={cache}"
    doc = dict(machine_and_versions(), date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               loadavg_start=loadavg(),
               settings={"poll_interval": f"{a.poll}s", "active_poll_interval": f"{a.active}s",
                         "idle_window_seconds": a.intervals * a.poll, "detection_environments": a.detect,
                         "recovery_environments": a.recover,
                         "leftover_after": a.leftover_after or f"{DEFAULT_LEFTOVER_AFTER} (the operator's default)",
                         "jvm_flags": java_opts, "runtime": runtime,
                         "jvm_environment": java_env, "container_memory_limit": limit},
               runs=[])
    started = time.monotonic()
    for n in sizes:
        try:
            doc["runs"].append(run_one(n, a, java_opts, java_env))
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as e:  # the stack is down (run_one's finally); say what broke and go on with the next N
            log(f"N={n}: failed: {e!r}")
            doc["runs"].append({"N": n, "error": repr(e)})
        doc["wall_seconds"] = round(time.monotonic() - started, 1)
        doc["loadavg_end"] = loadavg()
        doc["goals"] = goal_checks(doc["runs"], a.active)
        with open(a.out, "w") as f:
            json.dump(doc, f, indent=2)
    write(doc, a.out)
    print(f"\nbench: {doc['wall_seconds'] / 60:.1f} min")
    if any("error" in r for r in doc["runs"]):
        sys.exit(1)


if __name__ == "__main__":
    main()

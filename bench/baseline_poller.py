"""The naive baseline the operator is compared with: the old pipeline's queue pre-check, generalised to a fleet.

For every environment, once per poll interval: DescribeInstances filtered by the environment's Name tag, and a
short-polling ReceiveMessage (max 10, visibility timeout 0, wait 0) on its queue, as the pre-check does
(reference/bfd-migrator-facts.md §5.2 step 3). Queue URLs are looked up once before the window and not counted,
which favours the baseline. Each environment polls at a fixed rate from a random phase, as the operator's
environments do.

Usage: baseline_poller.py ENVS_FILE INTERVAL_SECONDS WINDOW_SECONDS [WORKERS]
Prints one JSON object: calls made in the window (by operation), polls started and how late they started.
"""
import heapq
import json
import os
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config


def main() -> None:
    envs = [e for e in open(sys.argv[1]).read().split() if e]
    interval = float(sys.argv[2])
    window = float(sys.argv[3])
    workers = int(sys.argv[4]) if len(sys.argv) > 4 else 16
    config = Config(max_pool_connections=workers, retries={"mode": "standard", "max_attempts": 1})
    sqs = boto3.client("sqs", config=config)
    ec2 = boto3.client("ec2", config=config)

    with ThreadPoolExecutor(workers) as pool:
        urls = dict(zip(envs, pool.map(lambda e: sqs.get_queue_url(QueueName=f"bfd-{e}-migrator")["QueueUrl"], envs)))

    lock = threading.Lock()
    calls = {"DescribeInstances": 0, "ReceiveMessage": 0}
    errors = {"DescribeInstances": 0, "ReceiveMessage": 0}
    latencies = {"DescribeInstances": [], "ReceiveMessage": []}
    lateness = []

    def timed(op, fn):
        started = time.monotonic()
        try:
            fn()
            ok = True
        except Exception:  # counted, not retried: the call was made and cost what it cost
            ok = False
        with lock:
            (calls if ok else errors)[op] += 1
            latencies[op].append(time.monotonic() - started)

    def poll(env, due):
        with lock:
            lateness.append(time.monotonic() - due)
        timed("DescribeInstances", lambda: ec2.describe_instances(
            Filters=[{"Name": "tag:Name", "Values": [f"bfd-{env}-migrator"]}]))
        timed("ReceiveMessage", lambda: sqs.receive_message(
            QueueUrl=urls[env], MaxNumberOfMessages=10, VisibilityTimeout=0, WaitTimeSeconds=0))

    start = time.monotonic()
    end = start + window
    due = [(start + random.uniform(0, interval), env) for env in envs]
    heapq.heapify(due)
    started_polls = 0
    cpu_before = os.times()
    with ThreadPoolExecutor(workers) as pool:
        while due and due[0][0] < end:
            at, env = heapq.heappop(due)
            delay = at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(poll, env, at)
            started_polls += 1
            heapq.heappush(due, (at + interval, env))
    elapsed = time.monotonic() - start  # in-flight polls of the window finished inside the pool's exit
    cpu_after = os.times()

    def quantile(values, q):
        values = sorted(values)
        return values[min(len(values) - 1, int(q * len(values)))] if values else None

    print(json.dumps({
        "environments": len(envs),
        "interval_seconds": interval,
        "window_seconds": window,
        "elapsed_seconds": elapsed,
        "polls_started": started_polls,
        "polls_nominal": len(envs) * window / interval,
        "calls": calls,
        "errors": errors,
        "call_latency_ms": {op: {"p50": 1000 * quantile(v, 0.5), "p99": 1000 * quantile(v, 0.99)}
                            for op, v in latencies.items() if v},
        "start_lateness_seconds": {"p50": quantile(lateness, 0.5), "p99": quantile(lateness, 0.99),
                                   "max": max(lateness) if lateness else None},
        "cpu_seconds": (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system),
    }))


if __name__ == "__main__":
    main()

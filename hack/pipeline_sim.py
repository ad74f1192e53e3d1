#!/usr/bin/env python3
"""Plays the deploy pipeline (Jenkins' deployMigrator, ../shared/reference/bfd-migrator-facts.md §5) against moto:
the other reader of the migrator's queue, beside the operator. One `deploy` is one deployment of one environment:

  1. pre-check    get-queue-url (missing: proceed); receive-message max 10, visibility 0, wait 0 (a short poll, with
                  the flaw that it can miss messages); any message halts the deployment ("Undeployable State")
  2. launch       terraform apply create_migrator_instance=true: the tagged instance, and the migrator on it (played
                  with migrator_sim.py's Run: its log stream, its messages, what systemd says of its unit)
  3. monitor      receive-message max 10, visibility 30, long poll --poll-wait (20 s); each message printed and
                  deleted (DeleteMessage); an empty answer sleeps --sleep (30 s); returns only on appStage Finished.
                  `Failed` is not a stop condition: after a failed run it polls until --deadline (the real one has
                  none and loops forever, facts §5.3)
  4. destroy      after Finished: the schema version parameter, terraform apply create_migrator_instance=false
                  (the instance terminated)
  5. purge        awsSqs.purgeQueue (facts §5.2 step 7)

Outcomes (--outcome): success (exit 0); exit1 (no message: bad configuration), exit2 (Failed: a migration failed),
exit3 (Failed: validation failed), exit4 (no Failed: an unhandled exception); abort (the job is aborted at --abort-at
launch|monitor|destroy|purge, after --abort-after-polls polls in monitor; the migrator runs on to exit 0 on its
instance, what the pipeline did not read stays); reboot (the instance reboots after --reboot-after messages and
bfd-db-migrator.service, enabled, re-runs the migrator: a new pid, messageId from 1 again, then exit 0).

A migrator whose unit someone stopped (`systemctl stop`, through SSM) or whose instance someone terminated dies
there, and says so in the report. The report (--report FILE, JSON) lists every message sent (SQS id, body, time),
every message the pipeline read and deleted, its purge, and how the deployment ended; the deploy-pipeline test
(CoexistenceProcessIT) judges from it who made a deployment hang.

Credentials: the migrator's calls use the access key id `migrator`, the pipeline's `pipeline` (the realism layer's
journal names the caller of each purge and deletion by it). Needs AWS_ENDPOINT_URL (moto).

Usage:
  pipeline_sim.py deploy ENV [--outcome O] [--poll-wait 20] [--sleep 30] [--step 2] [--deadline S] [--report F]
"""
import argparse
import json
import os
import random
import sys
import threading
import time

import boto3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import migrator_sim  # noqa: E402
from migrator_sim import BASELINE, Env, Run, get_unit, migration_files  # noqa: E402

OUTCOMES = ["success", "exit1", "exit2", "exit3", "exit4", "abort", "reboot"]
ABORT_POINTS = ["launch", "monitor", "destroy", "purge"]


def session(access_key):
    return boto3.session.Session(aws_access_key_id=access_key, aws_secret_access_key="testing",
                                 region_name=migrator_sim.REGION)


class Killed(Exception):
    """The migrator process ended from outside: its unit stopped, its instance terminated, or a reboot."""


class PacedRun(Run):
    """migrator_sim's Run at the migrator's pace (--step seconds between messages), dying where the migrator would:
    its unit stopped by someone, its instance gone, or the instance rebooting after `reboot_after` messages."""

    def __init__(self, report, step, reboot_after=None, **kwargs):
        super().__init__(**kwargs)
        self.report = report
        self.step = step
        self.reboot_after = reboot_after
        self.record = {"pid": self.pid, "instanceId": self.instance_id, "startedAt": time.time(), "sent": [],
                       "exitStatus": None, "endedAt": None, "killedBy": None}
        report["runs"].append(self.record)

    def alive(self):
        unit = get_unit(self.instance_id)
        if unit and unit.get("stoppedBy"):
            raise Killed(f"its unit was stopped by {unit['stoppedBy']}")
        state = self.env.ec2.describe_instances(InstanceIds=[self.instance_id])["Reservations"][0]["Instances"][0][
            "State"]["Name"]
        if state not in ("pending", "running"):
            raise Killed(f"its instance is {state}")

    def send(self, body):
        time.sleep(self.step)
        self.alive()
        if self.reboot_after is not None and len(self.record["sent"]) >= self.reboot_after:
            self.flush_log()
            raise Killed("reboot")
        self.flush_log()
        answer = self.env.sqs.send_message(QueueUrl=self.env.queue_url(), MessageBody=body)
        self.record["sent"].append({"messageId": answer["MessageId"], "body": body, "at": time.time()})

    def end(self, exit_status):
        self.record["exitStatus"] = exit_status
        self.record["endedAt"] = time.time()
        self.systemd("inactive", exit_status)


def play_migrator(env, instance, outcome, step, report, reboot_after, log):
    """The migrator on `instance` from boot to exit, as bfd-db-migrator.service runs it; a reboot runs it again."""
    pid = random.randint(2000, 32000)
    while True:
        run = PacedRun(report, step, reboot_after=reboot_after if outcome == "reboot" else None, env=env,
                       instance_id=instance, pid=pid)
        run.systemd("active")
        try:
            exit_status = migrate(run, outcome, random.randint(1, 3))
            run.end(exit_status)
            log(f"migrator pid {run.pid} on {instance} exited {exit_status}")
            return
        except Killed as e:
            run.record["endedAt"] = time.time()
            run.record["killedBy"] = str(e)
            if str(e) != "reboot":
                log(f"migrator pid {run.pid} on {instance} died: {e}")
                return
            log(f"{instance} rebooted after {len(run.record['sent'])} messages: the enabled unit runs the migrator again")
            env.ec2.reboot_instances(InstanceIds=[instance])
            reboot_after = None
            pid = random.randint(2000, 32000)
            outcome = "success"
        except Exception as e:  # noqa: BLE001 - an AWS error kills the migrator too (exit 4 in the real one)
            run.record["endedAt"] = time.time()
            run.record["killedBy"] = f"{type(e).__name__}: {e}"
            log(f"migrator pid {run.pid} on {instance} failed: {e}")
            try:
                # Its process is gone: systemd says so (left "active", the unit would read as a run in progress forever).
                run.end(4)
            except Exception as gone:  # noqa: BLE001 - the control endpoint is moto's, not AWS's; say it and go on
                log(f"could not tell systemd that pid {run.pid} ended: {gone}")
            return


def migrate(run, outcome, files_count):
    """MigratorApp.performMigrations to its exit status, by outcome (facts §2)."""
    run.starts()
    if outcome == "exit1":
        run.fails_configuration()
        return 1
    run.configured()
    run.connects()
    if outcome == "exit4":
        run.fails_unhandled()
        return 4
    files = migration_files(files_count, seed=random.randint(0, 1000))
    run.validates_scripts(BASELINE, 400 + files_count)
    for index, (version, file) in enumerate(files):
        run.applies(version, file)
        if outcome == "exit2" and index == len(files) - 1:
            run.fails_migration(file)
            return 2
        run.applied(version, file)
    run.completes(len(files), files[-1][0])
    if outcome == "exit3":
        run.fails_validation()
        return 3
    run.passes()
    run.record["schemaVersion"] = files[-1][0]
    return 0


class Pipeline:
    """deployMigrator for one environment (facts §5.2), with the pipeline's own credentials."""

    def __init__(self, args):
        self.args = args
        self.env = Env(args.env, session("migrator"))
        self.jenkins = Env(args.env, session("pipeline"))
        self.sqs = self.jenkins.sqs
        self.report = {"env": args.env, "outcome": args.outcome, "abortAt": args.abort_at, "startedAt": time.time(),
                       "ended": None, "endedAt": None, "runs": [], "read": [], "purgedAt": None, "destroyedAt": None,
                       "instanceIds": [], "log": []}
        self.migrator = None

    def log(self, line):
        stamp = time.strftime("%H:%M:%S")
        self.report["log"].append(f"{stamp} {line}")
        print(f"{stamp} [{self.args.env}] {line}", flush=True)

    def end(self, how):
        self.report["ended"] = how
        self.report["endedAt"] = time.time()
        self.log(f"deployment {how}")

    def aborted_at(self, step, polls=None):
        if self.args.outcome != "abort" or self.args.abort_at != step:
            return False
        return polls is None or polls >= self.args.abort_after_polls

    def deploy(self):
        try:
            if not self.pre_check():
                self.end("halted")
                return
            if self.aborted_at("launch"):
                self.end("aborted before launch")
                return
            instance = self.launch()
            if self.aborted_at("monitor", 0):
                self.end("aborted after launch")
                return
            if not self.monitor():
                return
            if self.aborted_at("destroy"):
                self.end("aborted after Finished, before the instance was destroyed")
                return
            self.destroy(instance)
            if self.aborted_at("purge"):
                self.end("aborted before the final purge")
                return
            try:
                self.sqs.purge_queue(QueueUrl=self.jenkins.queue_url())
            except self.sqs.exceptions.PurgeQueueInProgress as e:
                # awsSqs.purgeQueue shells out to the aws CLI: its error fails the stage after a good migration
                self.log(f"purge-queue failed: {e}")
                self.end("failed at the final purge: PurgeQueueInProgress (another purge within 60 s)")
                return
            self.report["purgedAt"] = time.time()
            self.log("purged the queue; Migrator completed with exit status Finished")
            self.end("succeeded")
        finally:
            if self.migrator is not None:
                # The migrator runs on its instance whatever the pipeline does; the report waits for its end (a
                # migrator cut off here would leave its unit "active" for ever, which no real one does).
                self.migrator.join(self.args.migrator_wait)
                if self.migrator.is_alive():
                    self.log(f"the migrator still runs after {self.args.migrator_wait:g} s; the report ends here")

    def pre_check(self):
        """canMigratorDeploymentProceed: a short poll, visibility 0."""
        try:
            url = self.jenkins.queue_url()
        except self.sqs.exceptions.QueueDoesNotExist:
            self.log(f"Queue {self.jenkins.queue_name} can not be found. Migrator deployment can proceed!")
            return True
        got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0,
                                       WaitTimeSeconds=0).get("Messages", [])
        if got:
            self.log(f"Queue {self.jenkins.queue_name} has messages. Is there an old bfd-db-migrator instance running? "
                     "Migrator deployment cannot proceed.")
            return False
        self.log(f"Queue {self.jenkins.queue_name} is empty. Migrator deployment can proceed!")
        return True

    def launch(self):
        """terraform apply create_migrator_instance=true; the instance boots and runs the migrator."""
        instance = self.env.launch_instance()
        self.report["instanceIds"].append(instance)
        self.log(f"launched {instance}")
        self.migrator = threading.Thread(target=play_migrator, daemon=True, args=(
            self.env, instance, "success" if self.args.outcome == "abort" else self.args.outcome, self.args.step,
            self.report, self.args.reboot_after, self.log))
        self.migrator.start()
        return instance

    def monitor(self):
        """monitorMigrator: long polls, DeleteMessage of each message read, sleeps; returns only on Finished."""
        url = self.jenkins.queue_url()
        deadline = self.report["startedAt"] + self.args.deadline
        polls = 0
        while True:
            if self.aborted_at("monitor", polls):
                self.end(f"aborted while monitoring, after {polls} polls")
                return False
            if time.time() >= deadline:
                self.end("timed out waiting for Finished")
                return False
            got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30,
                                           WaitTimeSeconds=self.args.poll_wait).get("Messages", [])
            polls += 1
            finished = False
            for message in got:
                body = message["Body"]
                self.report["read"].append({"messageId": message["MessageId"], "body": body, "at": time.time()})
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                try:
                    parsed = json.loads(body)
                except ValueError:
                    parsed = {}
                self.log(f"[Migrator monitor]: [{parsed.get('messageId')}] {parsed.get('appStage')} "
                         f"({(parsed.get('migrationStage') or {}).get('stage')})")
                finished = finished or parsed.get("appStage") == "Finished"
            if finished:
                return True
            if not got:
                time.sleep(min(self.args.sleep, max(0.0, deadline - time.time())))

    def destroy(self, instance):
        version = next((r.get("schemaVersion") for r in self.report["runs"] if r.get("schemaVersion")), None)
        self.jenkins.parameter(f"/bfd/{self.args.env}/common/nonsensitive/database_schema_version",
                               version or BASELINE)
        self.env.ec2.terminate_instances(InstanceIds=[instance])
        self.report["destroyedAt"] = time.time()
        self.log(f"terraform apply create_migrator_instance=false: {instance} terminated")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("deploy")
    p.add_argument("env")
    p.add_argument("--outcome", choices=OUTCOMES, default="success")
    p.add_argument("--abort-at", choices=ABORT_POINTS, default="monitor")
    p.add_argument("--abort-after-polls", type=int, default=1)
    p.add_argument("--reboot-after", type=int, default=3, help="messages the first run sends before the reboot")
    p.add_argument("--poll-wait", type=int, default=20, help="the monitor's long poll (WaitTimeSeconds)")
    p.add_argument("--sleep", type=float, default=30, help="the monitor's sleep after an empty answer")
    p.add_argument("--step", type=float, default=2, help="seconds between the migrator's messages")
    p.add_argument("--deadline", type=float, default=3600,
                   help="seconds after which a monitor still waiting for Finished gives up (the real one never does)")
    p.add_argument("--migrator-wait", type=float, default=600,
                   help="seconds the simulator waits, after the pipeline ended, for the migrator to end")
    p.add_argument("--seed", type=int)
    p.add_argument("--report", help="write the deployment's report (JSON) here")
    p.add_argument("--infrastructure", action="store_true",
                   help="first create the environment's queue, KMS key and SSM parameters (as Terraform's base does)")
    args = parser.parse_args()
    if "AWS_ENDPOINT_URL" not in os.environ:
        sys.exit("pipeline_sim: AWS_ENDPOINT_URL is not set; `source .sandbox/env` first (this plays against moto)")
    if args.seed is not None:
        random.seed(args.seed)
    pipeline = Pipeline(args)
    if args.infrastructure:
        pipeline.env.infrastructure()
    try:
        pipeline.deploy()
    finally:
        if args.report:
            with open(args.report, "w") as out:
                json.dump(pipeline.report, out, indent=1)


if __name__ == "__main__":
    main()

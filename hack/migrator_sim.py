#!/usr/bin/env python3
"""Plays the BFD migrator (bfd-db-migrator) and what surrounds it against moto, the way the real ones behave
(../shared/reference/bfd-migrator-facts.md, "facts" below): Terraform's standard SQS queue, SSM parameters and
KMS key; the EC2 instance tagged Name=bfd-<env>-migrator; the app's logback JSON lines in the CloudWatch log
group /bfd/<env>/bfd-db-migrator/migrator-log.json (one stream per instance id); its SQS messages in the native
format (appStage, messageId, pid, migrationStage) or the older migrator-monitor format (all strings); and the
Jenkins monitor that reads and deletes messages until it is aborted. Nothing here touches the operator.

Usage (AWS_ENDPOINT_URL and credentials from .sandbox/env):
  migrator_sim.py reset ENV...                 forget ENV: queue, instances, log group, SSM parameters
  migrator_sim.py play SCENARIO:ENV...         play runbook scenarios, each into a fresh ENV
  migrator_sim.py progress ENV [--seconds S] [--every S]
                                               a running migration (play in-progress first) applies more
                                               files, one message pair every --every seconds, for --seconds
  migrator_sim.py finish ENV                   the running migration applies its last files and exits 0
  migrator_sim.py scenarios                    list the scenarios

Scenarios:
  clean             a run Jenkins followed to the end: every message read and deleted, the schema version
                    parameter written, the instance destroyed, the queue purged
  leftover-success  Jenkins aborted after two messages; the run finished (exit 0), its later messages stay;
                    the instance was destroyed by hand, the queue was not purged
  exit1             invalid app configuration: /bfd/ENV/migrator/nonsensitive/ is empty; the app logs the
                    ConfigException and exits 1 before it can send anything; the instance keeps running
  exit2             a Flyway migration fails (exit 2) after Jenkins was aborted; Failed and the messages before
                    it stay; the on-call engineer stopped the instance (runbook step 1)
  exit3-monitor     the older migrator-monitor era: heartbeats with status 0/0, then code exited status 3
                    (Hibernate validation failed); run by hand, so nothing read the queue; instance running
  in-progress       a migration started by hand is applying files: Started, Connected, Migrating...; instance
                    running; `progress` and `finish` play on
"""
import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = Path(os.environ.get("MIGRATOR_SIM_STATE", ROOT / ".sandbox" / "migrator-sim"))
REGION = os.environ.get("AWS_DEFAULT_REGION", os.environ.get("AWS_REGION", "us-east-1"))
AMI = "ami-12c6146b"  # one of moto's built-in AMIs; the real one is bfd-amzn2-jdk21-db-migrator-<timestamp>
BASELINE = "20240522164906244"  # Flyway's baseline version (facts §2.1)
DB_URL = "jdbc:postgresql://bfd-{env}-aurora-cluster.cluster-abcdefghijkl.us-east-1.rds.amazonaws.com:5432/fhirdb"
DESCRIPTIONS = ["Add_rda_claim_index", "Add_column_to_beneficiaries", "Drop_unused_carrier_view",
                "Widen_claim_line_ndc", "Add_mbi_history_index", "Create_partd_events_partition",
                "Backfill_hicn_hash", "Add_fiss_audit_trail", "Alter_mcs_diagnosis_codes", "Add_samhsa_tags"]


def now_ms():
    return int(time.time() * 1000)


def iso(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).isoformat(timespec="milliseconds") \
        .replace("+00:00", "Z")


def systemd_time(ms):
    """How systemctl prints a time, as the monitor copied it: Mon 2023-03-13 18:00:01 UTC."""
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%a %Y-%m-%d %H:%M:%S UTC")


def migration_files(count, seed):
    """Flyway scripts V<yyyyMMddHHmmssSSS>__<description>.sql, newer than the baseline, in version order."""
    rnd = random.Random(seed)
    start = datetime.datetime(2025, 1, 6, 9, 0, tzinfo=datetime.timezone.utc)
    files = []
    for i in range(count):
        at = start + datetime.timedelta(days=11 * i + rnd.randint(0, 9), seconds=rnd.randint(0, 86399))
        version = at.strftime("%Y%m%d%H%M%S") + f"{rnd.randint(0, 999):03d}"
        files.append((version, f"V{version}__{DESCRIPTIONS[(i + seed) % len(DESCRIPTIONS)]}.sql"))
    return files


class Env:
    """One BFD environment's AWS resources, named as Terraform names them (facts §4). `session`: whose
    credentials (the deploy pipeline's simulator gives the migrator and Jenkins each their own)."""

    def __init__(self, name, session=None):
        self.name = name
        self.queue_name = f"bfd-{name}-migrator"
        self.log_group = f"/bfd/{name}/bfd-db-migrator/migrator-log.json"
        self.instance_name = f"bfd-{name}-migrator"
        session = session or boto3.session.Session()
        self.sqs = session.client("sqs", region_name=REGION)
        self.ec2 = session.client("ec2", region_name=REGION)
        self.logs = session.client("logs", region_name=REGION)
        self.ssm = session.client("ssm", region_name=REGION)
        self.kms = session.client("kms", region_name=REGION)

    # ---- what Terraform and the base module create ----------------------------------------------------

    def infrastructure(self, migrator_parameters=True):
        """The standard queue (no FIFO, no DLQ), the CMK with its alias, and the SSM hierarchies."""
        self.sqs.create_queue(QueueName=self.queue_name)
        alias = f"alias/bfd-{self.name}-cmk"
        aliases = [a["AliasName"] for a in self.kms.list_aliases()["Aliases"]]
        if alias not in aliases:
            key = self.kms.create_key(Description=f"bfd-{self.name}-cmk")["KeyMetadata"]["KeyId"]
            self.kms.create_alias(AliasName=alias, TargetKeyId=key)
        common = f"/bfd/{self.name}/common/nonsensitive"
        self.parameter(f"{common}/env_name_std", self.name)
        self.parameter(f"{common}/kms_key_alias", alias)
        self.parameter(f"{common}/rds_cluster_identifier", f"bfd-{self.name}-aurora-cluster")
        if migrator_parameters:
            migrator = f"/bfd/{self.name}/migrator/nonsensitive"
            self.parameter(f"{migrator}/sqs_queue_name", self.queue_name)
            self.parameter(f"{migrator}/sqs/queue_name", self.queue_name)
            self.parameter(f"{migrator}/db/url", DB_URL.format(env=self.name))
            self.parameter(f"{migrator}/instance_type", "m6a.large")

    def parameter(self, name, value):
        self.ssm.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)

    def queue_url(self):
        return self.sqs.get_queue_url(QueueName=self.queue_name)["QueueUrl"]

    def launch_instance(self):
        """`terraform apply -var create_migrator_instance=true` (facts §4.2)."""
        tags = [{"Key": "Name", "Value": self.instance_name}, {"Key": "role", "Value": "migrator"},
                {"Key": "Layer", "Value": "data"}, {"Key": "Environment", "Value": self.name}]
        return self.ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m6a.large",
                                      TagSpecifications=[{"ResourceType": "instance", "Tags": tags}])[
            "Instances"][0]["InstanceId"]

    def live_instances(self):
        found = self.ec2.describe_instances(Filters=[
            {"Name": "tag:Name", "Values": [self.instance_name]},
            {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}])
        return [i["InstanceId"] for r in found["Reservations"] for i in r["Instances"]]

    # ---- forgetting it --------------------------------------------------------------------------------

    def reset(self):
        try:
            self.sqs.delete_queue(QueueUrl=self.queue_url())
        except self.sqs.exceptions.QueueDoesNotExist:
            pass
        instances = self.live_instances()
        if instances:
            self.ec2.terminate_instances(InstanceIds=instances)
        try:
            self.logs.delete_log_group(logGroupName=self.log_group)
        except self.logs.exceptions.ResourceNotFoundException:
            pass
        names = [p["Name"] for page in self.ssm.get_paginator("get_parameters_by_path").paginate(
            Path=f"/bfd/{self.name}/", Recursive=True) for p in page["Parameters"]]
        for i in range(0, len(names), 10):
            self.ssm.delete_parameters(Names=names[i:i + 10])
        state_file(self.name).unlink(missing_ok=True)


class Jenkins:
    """The deployment pipeline's monitorMigrator (facts §5.2): it reads each message and deletes it, and
    stops reading when it is aborted (after `reads` messages) or when it saw Finished."""

    def __init__(self, env, reads=None):
        self.env = env
        self.reads = reads  # None: follows the run to the end
        self.read = 0

    def follow(self):
        if self.reads is not None and self.read >= self.reads:
            return
        budget = 10 if self.reads is None else min(10, self.reads - self.read)
        got = self.env.sqs.receive_message(QueueUrl=self.env.queue_url(), MaxNumberOfMessages=budget,
                                           VisibilityTimeout=30, WaitTimeSeconds=1).get("Messages", [])
        for message in got:
            self.env.sqs.delete_message(QueueUrl=self.env.queue_url(), ReceiptHandle=message["ReceiptHandle"])
            self.read += 1

    def succeed(self, schema_version, instance_id):
        """After Finished: the schema version parameter, the instance destroyed, the queue purged."""
        self.env.parameter(f"/bfd/{self.env.name}/common/nonsensitive/database_schema_version", schema_version)
        self.env.ec2.terminate_instances(InstanceIds=[instance_id])
        self.env.sqs.purge_queue(QueueUrl=self.env.queue_url())


class Run:
    """One migrator process on the instance: its log lines and, when it knows its queue, its messages."""

    def __init__(self, env, instance_id, pid=None, message_id=0, monitor=False, jenkins=None, clock=None):
        self.env = env
        self.instance_id = instance_id
        self.pid = pid or random.randint(2000, 32000)
        self.message_id = message_id
        self.monitor = monitor
        self.jenkins = jenkins
        self.clock = clock or now_ms()
        self.started_ms = self.clock
        self.pending_log = []

    # logback's JSON layout, one object per line, ISO8601 UTC (facts §2.5)
    def log(self, message, level="INFO", logger="gov.cms.bfd.migrator.app.MigratorApp", exception=None):
        self.clock = max(self.clock + 1, now_ms())
        line = {"timestamp": iso(self.clock), "level": level, "thread": "main", "logger": logger,
                "message": message, "context": "default"}
        if exception:
            line["exception"] = exception
        self.pending_log.append({"timestamp": self.clock, "message": json.dumps(line, separators=(",", ":"))})

    def flush_log(self):
        if not self.pending_log:
            return
        try:
            self.env.logs.create_log_group(logGroupName=self.env.log_group)
        except self.env.logs.exceptions.ResourceAlreadyExistsException:
            pass
        try:
            self.env.logs.create_log_stream(logGroupName=self.env.log_group, logStreamName=self.instance_id)
        except self.env.logs.exceptions.ResourceAlreadyExistsException:
            pass
        self.env.logs.put_log_events(logGroupName=self.env.log_group, logStreamName=self.instance_id,
                                     logEvents=self.pending_log)
        self.pending_log = []

    def send(self, body):
        self.flush_log()  # the log lines before a message are written before it
        self.env.sqs.send_message(QueueUrl=self.env.queue_url(), MessageBody=body)
        if self.jenkins:
            self.jenkins.follow()

    # MigratorProgressReporter: Jackson minimal, alphabetical, nulls omitted (facts §2.3)
    def progress(self, app_stage, stage=None, version=None, migration_file=None):
        self.message_id += 1
        body = {"appStage": app_stage, "messageId": self.message_id, "pid": self.pid}
        if stage:
            migration = {"stage": stage}
            if version:
                migration["version"] = version
            if migration_file:
                migration["migrationFile"] = migration_file
            body["migrationStage"] = migration
        self.send(json.dumps(body, separators=(",", ":"), sort_keys=True))

    # migrator-monitor.sh: systemctl show ... -p ExecStart, every value a string (facts §3)
    def monitor_message(self, code, status, stop_ms=None, schema_version=None):
        body = {"start_time": systemd_time(self.started_ms), "stop_time": systemd_time(stop_ms) if stop_ms else "n/a",
                "pid": str(self.pid), "code": code, "status": status}
        if schema_version:
            body["schema_version"] = schema_version
        self.send(json.dumps(body, separators=(",", ":")))

    # ---- the stages of MigratorApp.performMigrations -----------------------------------------------------

    def starts(self):
        self.log("Successfully started")

    def configured(self):
        self.log("Application configured: 'AppConfiguration(super=BaseAppConfiguration(metricOptions=MetricOptions("
                 f"newRelicMetricHost=null, appName=bfd-{self.env.name}-migrator), databaseOptions=DatabaseOptions("
                 f"databaseUrl={DB_URL.format(env=self.env.name)}, databaseUsername=bfd, databasePassword=***, "
                 f"maxPoolSize=2)), sqsQueueName={self.env.queue_name})'")
        if not self.monitor:
            self.progress("Started")

    def connects(self):
        self.log(f"Database: {DB_URL.format(env=self.env.name)} (PostgreSQL 16.4)",
                 logger="org.flywaydb.core.FlywayExecutor")
        if not self.monitor:
            self.progress("Connected")

    def validates_scripts(self, current, count):
        if not self.monitor:
            self.progress("Migrating", "BeforeMigration")
            self.progress("Migrating", "Preparing")
            self.progress("Migrating", "BeforeValidate")
        self.log(f"Successfully validated {count} migrations (execution time 00:00.412s)",
                 logger="org.flywaydb.core.internal.command.DbValidate")
        if not self.monitor:
            self.progress("Migrating", "AfterValidate")
        self.log(f'Current version of schema "ccw": {current}', logger="org.flywaydb.core.internal.command.DbMigrate")

    def applies(self, version, file):
        if not self.monitor:
            self.progress("Migrating", "BeforeFile", version, file)
        description = file.split("__", 1)[1].rsplit(".", 1)[0].replace("_", " ")
        self.log(f'Migrating schema "ccw" to version "{version} - {description}"',
                 logger="org.flywaydb.core.internal.command.DbMigrate")

    def applied(self, version, file):
        if not self.monitor:
            self.progress("Migrating", "AfterFile", version, file)

    def completes(self, applied, version):
        self.log(f'Successfully applied {applied} migrations to schema "ccw", now at version v{version} '
                 "(execution time 01:12.318s)", logger="org.flywaydb.core.internal.command.DbMigrate")
        if not self.monitor:
            self.progress("Migrating", "Completed")
            self.progress("Migrating", "AfterMigration")

    def passes(self):
        self.log("Migration and validation passed, shutting down")
        if not self.monitor:
            self.progress("Finished")
        self.flush_log()

    # ---- how a run ends otherwise (facts §2.1, §2.2) ------------------------------------------------------------

    def fails_configuration(self):
        """Exit 1: MigratorApp.loadAppConfiguration's ConfigException; the progress tracker does not exist yet,
        so nothing goes to SQS."""
        self.log("app terminating due to exception: message=required option not provided", level="ERROR",
                 exception="gov.cms.bfd.sharedutils.exceptions.FatalAppException: Invalid app configuration\n"
                           "\tat gov.cms.bfd.migrator.app.MigratorApp.loadAppConfiguration(MigratorApp.java:214)\n"
                           "\tat gov.cms.bfd.migrator.app.MigratorApp.performMigrations(MigratorApp.java:104)\n"
                           "Caused by: gov.cms.bfd.sharedutils.config.ConfigException: required option not provided\n"
                           "\tat gov.cms.bfd.sharedutils.config.ConfigLoader.stringValue(ConfigLoader.java:112)\n"
                           "\tat gov.cms.bfd.migrator.app.AppConfiguration.loadDatabaseOptions(AppConfiguration.java:131)")
        self.flush_log()

    def fails_migration(self, file):
        """Exit 2: Flyway failed on `file` (being applied); Failed, then the app exits."""
        sql_error = (f"org.flywaydb.core.internal.command.DbMigrate$FlywayMigrateException: Migration {file} failed\n"
                     "-----------------------------------------------------\n"
                     "SQL State  : 42701\nError Code : 0\n"
                     'Message    : ERROR: column "nch_clm_prvdr_pmt_amt_v2" of relation "carrier_claims" already '
                     f"exists\nLocation   : db/migration/{file}\nLine       : 3\n"
                     "Statement  : ALTER TABLE ccw.carrier_claims ADD COLUMN nch_clm_prvdr_pmt_amt_v2 numeric(12,2)")
        self.log("Flyway Exception when running migration:", level="ERROR",
                 logger="gov.cms.bfd.sharedutils.database.DatabaseSchemaManager", exception=sql_error)
        if not self.monitor:
            self.progress("Failed")
        self.log("Migration failed, shutting down", level="ERROR")
        self.flush_log()

    def fails_validation(self):
        """Exit 3: Hibernate validation failed after the migrations; Failed (native format), then the app exits."""
        self.log("Schema-validation: missing column [bene_mbi_hash_v2] in table [ccw.beneficiaries]", level="ERROR",
                 logger="gov.cms.bfd.migrator.app.HibernateValidator",
                 exception="org.hibernate.tool.schema.spi.SchemaManagementException: Schema-validation: missing "
                           "column [bene_mbi_hash_v2] in table [ccw.beneficiaries]")
        if not self.monitor:
            self.progress("Failed")
        self.log("Validation failed, shutting down", level="ERROR")
        self.flush_log()

    def fails_unhandled(self):
        """Exit 4: a RuntimeException reached the top level; no Failed message (facts §2.2)."""
        self.log("app terminating due to unhandled exception: message=Connection to bfd-db refused", level="ERROR",
                 exception="java.lang.RuntimeException: org.postgresql.util.PSQLException: Connection refused")
        self.flush_log()

    def systemd(self, active_state, exit_status=0, code=None):
        """What systemd on the instance says of bfd-db-migrator.service, for the realism layer's Run Command
        (runCommandRunsOnTheInstance); nothing where AWS_ENDPOINT_URL has no realism layer. Whether someone stopped
        it since: its `stoppedBy`."""
        return set_unit(self.instance_id, {"ActiveState": active_state, "ExecMainStatus": str(exit_status),
                                           "ExecMainCode": str(code if code is not None else (0 if active_state
                                                                                              == "active" else 1))})

    def save(self, **extra):
        state = {"pid": self.pid, "messageId": self.message_id, "instanceId": self.instance_id,
                 "startedMs": self.started_ms, **extra}
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        state_file(self.env.name).write_text(json.dumps(state))


def state_file(env):
    return STATE_DIR / f"{env}.json"


UNIT = "bfd-db-migrator.service"


def realism(path, method="GET", body=None):
    """The realism layer's control endpoint beside moto (hack/moto_realism.py); None where there is none."""
    import urllib.error
    import urllib.request
    request = urllib.request.Request(os.environ["AWS_ENDPOINT_URL"].rstrip("/") + "/moto-realism/" + path,
                                     method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return None
        raise
    except urllib.error.URLError:
        return None


def set_unit(instance_id, properties):
    return realism(f"units/{instance_id}/{UNIT}", "PUT", properties)


def get_unit(instance_id):
    return realism(f"units/{instance_id}/{UNIT}")


# ---- scenarios ------------------------------------------------------------------------------------------

def clean(env):
    env.infrastructure()
    instance = env.launch_instance()
    jenkins = Jenkins(env)
    run = Run(env, instance, jenkins=jenkins)
    files = migration_files(2, seed=1)
    run.starts(); run.configured(); run.connects(); run.validates_scripts(BASELINE, 412)
    for version, file in files:
        run.applies(version, file); run.applied(version, file)
    run.completes(len(files), files[-1][0])
    run.passes()
    jenkins.follow()
    jenkins.succeed(files[-1][0], instance)
    return f"{env.name}: a run followed to the end by Jenkins, instance {instance} destroyed, queue purged"


def leftover_success(env):
    env.infrastructure()
    instance = env.launch_instance()
    run = Run(env, instance, jenkins=Jenkins(env, reads=2))
    files = migration_files(2, seed=2)
    run.starts(); run.configured(); run.connects(); run.validates_scripts(BASELINE, 410)
    for version, file in files:
        run.applies(version, file); run.applied(version, file)
    run.completes(len(files), files[-1][0])
    run.passes()
    env.ec2.terminate_instances(InstanceIds=[instance])  # `terraform apply -var create_migrator_instance=false`
    return (f"{env.name}: exit 0 after Jenkins was aborted: messages 3-{run.message_id} (pid {run.pid}) left in "
            f"the queue, instance {instance} destroyed by hand")


def exit1(env):
    env.infrastructure(migrator_parameters=False)
    instance = env.launch_instance()
    run = Run(env, instance)
    run.starts()
    run.fails_configuration()
    return (f"{env.name}: exit 1 (no db/url: /bfd/{env.name}/migrator/nonsensitive/ is empty), no message sent, "
            f"instance {instance} still running")


def exit2(env):
    env.infrastructure()
    instance = env.launch_instance()
    run = Run(env, instance, jenkins=Jenkins(env, reads=4))
    files = migration_files(3, seed=3)
    run.starts(); run.configured(); run.connects(); run.validates_scripts(BASELINE, 415)
    version, file = files[0]
    run.applies(version, file)
    run.fails_migration(file)
    env.ec2.stop_instances(InstanceIds=[instance])  # the on-call engineer made sure nothing runs
    return (f"{env.name}: exit 2 ({file} failed) after Jenkins was aborted: messages 5-{run.message_id} "
            f"(pid {run.pid}) left, instance {instance} stopped by the on-call engineer")


def exit3_monitor(env):
    env.infrastructure()
    instance = env.launch_instance()
    run = Run(env, instance, monitor=True)
    files = migration_files(1, seed=4)
    run.monitor_message("(null)", "0/0")  # the monitor starts with the service and heartbeats
    run.starts(); run.configured(); run.connects(); run.validates_scripts(BASELINE, 398)
    version, file = files[0]
    run.applies(version, file); run.applied(version, file)
    run.completes(1, version)
    run.monitor_message("(null)", "0/0")
    run.fails_validation()
    run.monitor_message("exited", "3", stop_ms=now_ms(), schema_version=version)
    return (f"{env.name}: exit 3 in the migrator-monitor format (pid {run.pid}, schema {version}), nothing read "
            f"the queue, instance {instance} still running")


def in_progress(env):
    env.infrastructure()
    instance = env.launch_instance()
    run = Run(env, instance)
    run.starts(); run.configured(); run.connects(); run.validates_scripts(BASELINE, 409)
    files = migration_files(40, seed=5)
    version, file = files[0]
    run.applies(version, file); run.applied(version, file)
    run.flush_log()
    run.save(applied=1, files=files)
    return (f"{env.name}: a migration running on {instance} (pid {run.pid}), file 1 of {len(files)} applied; "
            f"`progress {env.name}` plays on")


SCENARIOS = {"clean": clean, "leftover-success": leftover_success, "exit1": exit1, "exit2": exit2,
             "exit3-monitor": exit3_monitor, "in-progress": in_progress}


def resume(env):
    path = state_file(env.name)
    if not path.exists():
        sys.exit(f"migrator_sim: no running migration for {env.name}: play in-progress:{env.name} first")
    state = json.loads(path.read_text())
    run = Run(env, state["instanceId"], pid=state["pid"], message_id=state["messageId"])
    run.started_ms = state["startedMs"]
    return run, state


def progress(env, seconds, every):
    run, state = resume(env)
    files, applied = state["files"], state["applied"]
    deadline = time.monotonic() + seconds
    while applied < len(files) - 1 and time.monotonic() < deadline:
        time.sleep(every)
        version, file = files[applied]
        run.applies(version, file)
        run.applied(version, file)
        run.flush_log()
        applied += 1
        run.save(applied=applied, files=files)
        print(f"{env.name}: applied {file} ({applied}/{len(files)})", flush=True)


def finish(env):
    run, state = resume(env)
    files, applied = state["files"], state["applied"]
    for version, file in files[applied:]:
        run.applies(version, file)
        run.applied(version, file)
    run.completes(len(files), files[-1][0])
    run.passes()
    state_file(env.name).unlink()
    print(f"{env.name}: migration finished (exit 0) at version {files[-1][0]}; instance {run.instance_id} "
          "still running, its Finished message in the queue")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("scenarios")
    p = sub.add_parser("reset"); p.add_argument("envs", nargs="+")
    p = sub.add_parser("play"); p.add_argument("plays", nargs="+", metavar="SCENARIO:ENV")
    p = sub.add_parser("progress"); p.add_argument("env")
    p.add_argument("--seconds", type=float, default=60); p.add_argument("--every", type=float, default=10)
    p = sub.add_parser("finish"); p.add_argument("env")
    args = parser.parse_args()
    if "AWS_ENDPOINT_URL" not in os.environ:
        sys.exit("migrator_sim: AWS_ENDPOINT_URL is not set; `source .sandbox/env` first (this plays against moto)")

    if args.command == "scenarios":
        print("\n".join(SCENARIOS))
    elif args.command == "reset":
        for name in args.envs:
            Env(name).reset()
    elif args.command == "play":
        plays = []
        for play in args.plays:
            scenario, _, name = play.partition(":")
            if scenario not in SCENARIOS or not name:
                sys.exit(f"migrator_sim: '{play}' is not SCENARIO:ENV with SCENARIO one of {', '.join(SCENARIOS)}")
            plays.append((SCENARIOS[scenario], name))
        for scenario, name in plays:
            env = Env(name)
            env.reset()
            print(scenario(env), flush=True)
    elif args.command == "progress":
        progress(Env(args.env), args.seconds, args.every)
    elif args.command == "finish":
        finish(Env(args.env))


if __name__ == "__main__":
    main()

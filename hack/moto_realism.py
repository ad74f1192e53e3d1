"""The realism layer: what real AWS does and moto does not, played inside moto's own process.

DESIGN.md §3 lists where a real account differs from an emulator; each difference is a behaviour here, named after
it, switchable, with its timings as settings (real AWS's values by default, scaled down by tests). The layer wraps
moto's backends in the server process (so it sees every message, purge and instance as moto holds them) and puts a
WSGI middleware in front of moto's app for its control endpoint. One implementation serves the Java tests, the
sandbox, the demo and the bench: hack/moto_server_guarded.py installs it.

Behaviours (AWS's own words in `BEHAVIOURS`):
  shortPollsReturnASubset           a ReceiveMessage that does not long-poll asks only some of SQS's servers
  approximateCountsLag              GetQueueAttributes' ApproximateNumberOf* answer as of up to 60 s ago
  receivesRaiseTheReceiveCount      every receive raises ApproximateReceiveCount; a RedrivePolicy moves a message to
                                    its dead-letter queue once received maxReceiveCount times (moto plays this; the
                                    switch turns it off)
  purgeDeletesWhatArrivesWithinSixtySeconds   messages sent up to 60 s after a PurgeQueue are deleted too
  purgeTakesUpToSixtySeconds        messages there before a PurgeQueue can still be received for up to 60 s
  sendCommandToAnUnmanagedInstanceIsInvalidInstanceId   SSM manages only running instances whose agent registered
  invocationDoesNotExistForAWhile   GetCommandInvocation right after SendCommand is InvocationDoesNotExist
  runCommandRunsOnTheInstance       Run Command's output is what `systemctl` printed on the instance (for instances
                                    whose units a simulator registered; moto answers Success with no output)
  logPagesCanBeEmptyWithAToken      GetLogEvents can answer an empty page with a token while more events exist
  ec2RefusesMoreThan200FilterValues a Describe call with more than 200 filter values is FilterLimitExceeded

Control endpoint (JSON), beside moto's /moto-api/:
  GET  /moto-realism/                    behaviours (on/off, what each plays), settings, unmanaged instances
  POST /moto-realism/config              {"behaviours": {name: bool}, "settings": {...}, "unmanagedInstances": [...]}
  POST /moto-realism/reset               back to the configuration given at start; state forgotten
  GET  /moto-realism/queues?name=Q[&region=R]   the truth of a queue, without receiving: every message, in flight
                                         or not, with its receive count and when a purge will delete it
  GET  /moto-realism/journal[?since=N]   purges (who, when, which messages they deleted, also later), deletions,
                                         SendCommand and TerminateInstances, with the caller's access key id
  PUT  /moto-realism/units/INSTANCE/UNIT {"ActiveState": .., "ExecMainStatus": .., "ExecMainCode": ..}: what
                                         systemd on that instance says of the unit (simulators set it)
  GET  /moto-realism/units/INSTANCE/UNIT the unit as systemd holds it now, with who stopped it (stoppedBy)
POST /moto-api/reset also forgets the layer's state (not its configuration).

An instance tagged `moto-realism/ssm-managed=false`, or named in `unmanagedInstances`, is one SSM does not manage.
"""
import collections
import json
import random
import re
import shlex
import threading
import time
from urllib.parse import parse_qs

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models import EC2Backend, ec2_backends
from moto.ec2.responses._base_response import EC2BaseResponse
from moto.logs.models import LogsBackend
from moto.sqs.models import SQSBackend
from moto.ssm.exceptions import SSMException
from moto.ssm.models import SimpleSystemManagerBackend

Behaviour = collections.namedtuple("Behaviour", "name plays aws settings")

BEHAVIOURS = [
    Behaviour("shortPollsReturnASubset",
              "A ReceiveMessage with WaitTimeSeconds 0 samples some of SQS's servers (each message lives on one of "
              "shortPollServers; each server is asked with chance shortPollServerChance): it returns a changing "
              "subset of the visible messages, and sometimes none while messages exist. A long poll asks all.",
              "SQS Developer Guide, short and long polling: 'With short polling, the ReceiveMessage request queries "
              "only a subset of the servers (based on a weighted random distribution) ... If the number of messages "
              "in the queue is extremely small, you might not receive any messages in a particular ReceiveMessage "
              "response.'",
              ["shortPollServers", "shortPollServerChance"]),
    Behaviour("approximateCountsLag",
              "GetQueueAttributes' ApproximateNumberOfMessages, ...NotVisible and ...Delayed are the counts as they "
              "were a random moment up to countsLagSeconds ago.",
              "SQS API Reference, GetQueueAttributes: 'The ApproximateNumberOfMessagesDelayed, "
              "ApproximateNumberOfMessagesNotVisible, and ApproximateNumberOfMessages metrics may not achieve "
              "consistency until at least 1 minute after the producers stop sending messages.'",
              ["countsLagSeconds"]),
    Behaviour("receivesRaiseTheReceiveCount",
              "Every receive (also with VisibilityTimeout 0) raises the message's ApproximateReceiveCount; with a "
              "RedrivePolicy, a message received maxReceiveCount times moves to the dead-letter queue instead of being "
              "delivered again. moto plays it; switched off, receives count nothing and nothing is redriven.",
              "SQS Developer Guide, dead-letter queues: 'maxReceiveCount - The number of times a consumer can receive "
              "a message from a source queue before it's moved to the dead-letter queue.'",
              []),
    Behaviour("purgeDeletesWhatArrivesWithinSixtySeconds",
              "A message sent up to purgeWindowSeconds after a PurgeQueue is accepted, may be received, and is deleted "
              "before the window ends (not before purgeDeletesFromSeconds after the purge).",
              "SQS API Reference, PurgeQueue: 'The message deletion process takes up to 60 seconds. ... Messages sent "
              "to the queue after you call PurgeQueue might be deleted while the queue is being purged.'",
              ["purgeWindowSeconds", "purgeDeletesFromSeconds"]),
    Behaviour("purgeTakesUpToSixtySeconds",
              "The messages a PurgeQueue deletes are gone at random moments within purgeWindowSeconds, not at once: "
              "until then they can still be received and counted (none before purgeDeletesFromSeconds after the "
              "purge).",
              "SQS API Reference, PurgeQueue: 'Messages sent to the queue before you call PurgeQueue might be received "
              "but are deleted within the next minute.'",
              ["purgeWindowSeconds", "purgeDeletesFromSeconds"]),
    Behaviour("sendCommandToAnUnmanagedInstanceIsInvalidInstanceId",
              "SendCommand to an instance SSM does not manage (tagged moto-realism/ssm-managed=false, or listed in "
              "unmanagedInstances), to one that is not running, or to one that does not exist fails with "
              "InvalidInstanceId.",
              "SSM API Reference, SendCommand, InvalidInstanceId: 'The instance isn't valid ... The instance isn't in "
              "a valid state ... SSM Agent isn't running' (a managed node needs the agent and an instance profile)",
              []),
    Behaviour("invocationDoesNotExistForAWhile",
              "GetCommandInvocation is InvocationDoesNotExist for invocationDoesNotExistSeconds after the SendCommand.",
              "SSM API Reference, GetCommandInvocation, InvocationDoesNotExist: 'The command id and instance id you "
              "specified did not match any invocations.' SSM creates the invocation asynchronously (AWS documents no "
              "bound; its CLI waiter polls every 5 s and retries on this error)",
              ["invocationDoesNotExistSeconds"]),
    Behaviour("runCommandRunsOnTheInstance",
              "For an instance whose systemd units a simulator registered (PUT /moto-realism/units/...), "
              "AWS-RunShellScript's `systemctl show [-p NAME ...] [--] UNIT` prints the unit's properties (LoadState="
              "loaded unless the simulator says otherwise; a unit not registered is LoadState=not-found) and "
              "`systemctl stop [--] UNIT` stops it, as on the instance. The script runs as a shell runs it: `&&`, "
              "`||`, `;` and new lines; a stop of a unit not loaded, or of one registered with stopFails, fails "
              "(exit 5 or 1, systemctl's words on standard error), and a script that ends non-zero makes the "
              "invocation Failed. Other instances answer as moto does (Success, no output).",
              "SSM Run Command runs the document's script on the instance and returns its standard output and error; "
              "AWS-RunShellScript reports a script that exits non-zero as Failed, with its exit code as ResponseCode",
              []),
    Behaviour("logPagesCanBeEmptyWithAToken",
              "GetLogEvents answers, with chance emptyLogPageChance, 1 to emptyLogPagesMax empty pages with new "
              "tokens before the page that holds the events; the reader must follow the token until it repeats.",
              "CloudWatch Logs API Reference, GetLogEvents: 'This operation can return empty results while there are "
              "more log events available through the token.' and 'If you have reached the end of the stream, it "
              "returns the same token you passed in.'",
              ["emptyLogPageChance", "emptyLogPagesMax"]),
    Behaviour("ec2RefusesMoreThan200FilterValues",
              "An EC2 Describe call with more than ec2FilterValuesMax values in one filter (ec2FilterValuesCountedPer "
              "filter) or in all its filters together (... call) fails with FilterLimitExceeded.",
              "EC2's answer: 'FilterLimitExceeded: The maximum number of filter values specified on a single call is "
              "200' (whether values of several filters add up is not documented; the default reads it per filter)",
              ["ec2FilterValuesMax", "ec2FilterValuesCountedPer"]),
]
NAMES = [b.name for b in BEHAVIOURS]

# Real AWS's values (the sources above); tests scale the timings down with clearly named settings.
DEFAULT_SETTINGS = {
    "shortPollServers": 4,
    "shortPollServerChance": 0.5,
    "countsLagSeconds": 60.0,
    "purgeWindowSeconds": 60.0,
    # AWS documents no earliest moment (0: any moment of the window). A test that needs a message sent in the window to
    # outlive the operator's first looks sets it; above purgeWindowSeconds, every deletion is at this moment.
    "purgeDeletesFromSeconds": 0.0,
    "invocationDoesNotExistSeconds": 5.0,
    "emptyLogPageChance": 0.5,
    "emptyLogPagesMax": 3,
    "ec2FilterValuesMax": 200,
    "ec2FilterValuesCountedPer": "filter",
    "seed": "",
}
UNMANAGED_TAG = "moto-realism/ssm-managed"
COUNT_ATTRIBUTES = {
    "ApproximateNumberOfMessages": 0,
    "ApproximateNumberOfMessagesNotVisible": 1,
    "ApproximateNumberOfMessagesDelayed": 2,
}
JOURNAL_MAX = 20000

LOCK = threading.RLock()
_caller = threading.local()


def parse_behaviours(spec):
    """'all' (default), 'none', or a comma list read left to right from all on: NAME or +NAME on, -NAME off."""
    on = {name: True for name in NAMES}
    for token in [t.strip() for t in (spec or "all").split(",") if t.strip()]:
        if token in ("all", "on"):
            on = {name: True for name in NAMES}
        elif token in ("none", "off"):
            on = {name: False for name in NAMES}
        else:
            value = not token.startswith("-")
            name = token.lstrip("+-")
            if name not in on:
                raise ValueError(f"unknown realism behaviour '{name}' (known: {', '.join(NAMES)})")
            on[name] = value
    return on


def parse_settings(spec):
    """'name=value,...' with each value of its default's type."""
    settings = {}
    for token in [t.strip() for t in (spec or "").split(",") if t.strip()]:
        name, _, value = token.partition("=")
        settings[name.strip()] = value.strip()
    return coerce_settings(settings)


def coerce_settings(settings):
    out = {}
    for name, value in settings.items():
        if name not in DEFAULT_SETTINGS:
            raise ValueError(f"unknown realism setting '{name}' (known: {', '.join(DEFAULT_SETTINGS)})")
        kind = type(DEFAULT_SETTINGS[name])
        out[name] = kind(value) if kind is not str else str(value)
    if out.get("ec2FilterValuesCountedPer", "filter") not in ("filter", "call"):
        raise ValueError("ec2FilterValuesCountedPer is 'filter' or 'call'")
    return out


class Config:
    """Which behaviours are on and their settings; what the server was started with is what reset returns to."""

    def __init__(self, behaviours, settings, unmanaged=()):
        self.initial = (dict(behaviours), dict(settings), list(unmanaged))
        self.rng = random.Random()
        self.restore()

    def restore(self):
        behaviours, settings, unmanaged = self.initial
        self.behaviours = dict(behaviours)
        self.settings = dict(DEFAULT_SETTINGS, **settings)
        self.unmanaged = set(unmanaged)
        self.reseed()

    def reseed(self):
        seed = self.settings.get("seed")
        self.rng.seed(seed if seed != "" else None)

    def on(self, name):
        return self.behaviours[name]

    def __getitem__(self, name):
        return self.settings[name]

    def apply(self, change):
        behaviours = change.get("behaviours", {})
        for name, value in behaviours.items():
            if name not in self.behaviours:
                raise ValueError(f"unknown realism behaviour '{name}' (known: {', '.join(NAMES)})")
            self.behaviours[name] = bool(value)
        settings = coerce_settings(change.get("settings", {}))
        self.settings.update(settings)
        if "seed" in settings:
            self.reseed()
        if "unmanagedInstances" in change:
            self.unmanaged = set(change["unmanagedInstances"])

    def describe(self):
        return {
            "behaviours": {b.name: {"on": self.behaviours[b.name], "plays": b.plays, "aws": b.aws,
                                    "settings": b.settings} for b in BEHAVIOURS},
            "settings": self.settings,
            "unmanagedInstances": sorted(self.unmanaged),
            "unmanagedTag": f"{UNMANAGED_TAG}=false",
        }


CONFIG = Config(parse_behaviours("all"), {})


class State:
    """What the layer remembers beside moto's own state; forgotten with moto's."""

    def __init__(self):
        self.clear()

    def clear(self):
        with LOCK:
            self.counts = {}  # queue key -> deque of (time, visible, not visible, delayed)
            self.purged_at = {}  # queue key -> (time, journal entry)
            self.commands = {}  # command id -> time sent
            self.units = {}  # (instance id, unit) -> properties
            self.journal = collections.deque(maxlen=JOURNAL_MAX)
            self.seq = 0

    def record(self, entry):
        with LOCK:
            self.seq += 1
            entry = dict(entry, seq=self.seq, at=time.time(), by=caller())
            self.journal.append(entry)
            return entry


STATE = State()


def caller():
    return getattr(_caller, "key", None)


def queue_key(queue):
    return (queue.account_id, queue.region, queue.name, queue.created_timestamp)


# ---- SQS ------------------------------------------------------------------------------------------------------

def sweep(queue):
    """Deletes the messages a purge doomed whose moment has come (purgeTakes..., purgeDeletesWhatArrives...)."""
    now = time.time()
    doomed = [m for m in queue._messages if getattr(m, "_realism_doomed_at", None) is not None
              and m._realism_doomed_at <= now]
    if not doomed:
        return
    gone = set(id(m) for m in doomed)
    queue._messages = [m for m in queue._messages if id(m) not in gone]
    for message in doomed:
        queue._pending_messages.discard(message)
        queue.deleted_messages.update(h for h in message.all_receipt_handles if h)
        message._realism_purge["deleted"].append(describe_message(message, deleted_at=now))


def describe_message(message, **extra):
    return dict({"messageId": message.id, "body": message.body[:4096], "sentTimestamp": message.sent_timestamp,
                 "receiveCount": message.approximate_receive_count}, **extra)


def snapshot(queue):
    """Remembers the true counts now, for the lagging answers of approximateCountsLag."""
    key = queue_key(queue)
    now = time.time()
    counts = (len(queue.messages), queue.approximate_number_of_messages_not_visible,
              queue.approximate_number_of_messages_delayed)
    history = STATE.counts.setdefault(key, collections.deque())
    if history and history[-1][1:] == counts:
        return
    history.append((now,) + counts)
    horizon = now - max(CONFIG["countsLagSeconds"], 0) - 1
    while len(history) > 1 and history[1][0] <= horizon:
        history.popleft()


def lagged_counts(queue):
    history = STATE.counts.get(queue_key(queue))
    if not history:
        return None
    when = time.time() - CONFIG.rng.uniform(0, max(CONFIG["countsLagSeconds"], 0))
    answer = history[0]
    for entry in history:
        if entry[0] <= when:
            answer = entry
        else:
            break
    return answer[1:]


def deletion_moment(purged, now):
    """When a purge made at `purged` deletes a message it reaches at `now`: at random before its window ends, not before
    purgeDeletesFromSeconds after it."""
    earliest = purged + CONFIG["purgeDeletesFromSeconds"]
    return CONFIG.rng.uniform(max(now, earliest), max(purged + CONFIG["purgeWindowSeconds"], earliest))


def doom(queue, message, at, purge):
    message._realism_doomed_at = at
    message._realism_purge = purge


def server_of(message):
    if getattr(message, "_realism_server", None) is None:
        message._realism_server = CONFIG.rng.randrange(max(1, CONFIG["shortPollServers"]))
    return message._realism_server


def wrap(cls, name):
    def install(fn):
        original = getattr(cls, name)
        if getattr(original, "__realism__", False):
            original = original.__wrapped_original__

        def wrapper(self, *args, **kwargs):
            return fn(original, self, *args, **kwargs)

        wrapper.__name__ = name
        wrapper.__realism__ = True
        wrapper.__wrapped_original__ = original
        setattr(cls, name, wrapper)
        return wrapper

    return install


def install():
    """Wraps moto's backends; idempotent."""

    @wrap(SQSBackend, "create_queue")
    def create_queue(original, self, name, *args, **kwargs):
        with LOCK:
            queue = original(self, name, *args, **kwargs)
            snapshot(queue)
            return queue

    @wrap(SQSBackend, "delete_queue")
    def delete_queue(original, self, queue_name):
        with LOCK:
            queue = self.get_queue(queue_name)
            STATE.counts.pop(queue_key(queue), None)
            STATE.purged_at.pop(queue_key(queue), None)
            return original(self, queue_name)

    @wrap(SQSBackend, "send_message")
    def send_message(original, self, queue_name, *args, **kwargs):
        with LOCK:
            queue = self.get_queue(queue_name)
            sweep(queue)
            message = original(self, queue_name, *args, **kwargs)
            purged = STATE.purged_at.get(queue_key(queue))
            now = time.time()
            if purged and CONFIG.on("purgeDeletesWhatArrivesWithinSixtySeconds") \
                    and now <= purged[0] + CONFIG["purgeWindowSeconds"]:
                doom(queue, message, deletion_moment(purged[0], now), purged[1])
                purged[1]["arrivedWithinWindow"].append(message.id)
            snapshot(queue)
            return message

    @wrap(SQSBackend, "receive_message")
    def receive_message(original, self, queue_name, count, wait_seconds_timeout, visibility_timeout,
                        message_attribute_names=None):
        queue = self.get_queue(queue_name)
        counting = CONFIG.on("receivesRaiseTheReceiveCount")
        with LOCK:
            sweep(queue)
            redrive_to = queue.dead_letter_queue
            if not counting:
                queue.dead_letter_queue = None
        try:
            if int(wait_seconds_timeout or 0) == 0 and CONFIG.on("shortPollsReturnASubset"):
                with LOCK:
                    hidden = hide_unsampled(queue)
                    try:
                        result = original(self, queue_name, count, wait_seconds_timeout, visibility_timeout,
                                          message_attribute_names)
                    finally:
                        for message, visible_at in hidden:
                            message.visible_at = visible_at
            else:
                result = original(self, queue_name, count, wait_seconds_timeout, visibility_timeout,
                                  message_attribute_names)
        finally:
            with LOCK:
                if not counting:
                    queue.dead_letter_queue = redrive_to
        with LOCK:
            if not counting:
                received = {m.id for m in result}
                for message in queue._messages:
                    if message.id in received and message.approximate_receive_count > 0:
                        message.approximate_receive_count -= 1
            snapshot(queue)
        return result

    def hide_unsampled(queue):
        asked = {s for s in range(max(1, CONFIG["shortPollServers"])) if CONFIG.rng.random() < CONFIG["shortPollServerChance"]}
        hidden = []
        for message in queue._messages:
            if server_of(message) not in asked:
                hidden.append((message, message.visible_at))
                message.visible_at = float("inf")
        return hidden

    @wrap(SQSBackend, "delete_message")
    def delete_message(original, self, queue_name, receipt_handle):
        with LOCK:
            queue = self.get_queue(queue_name)
            sweep(queue)
            message = next((m for m in queue._messages if m.had_receipt_handle(receipt_handle)), None)
            result = original(self, queue_name, receipt_handle)
            if message is not None:
                STATE.record({"op": "DeleteMessage", "queue": queue.name, "region": queue.region,
                              "message": describe_message(message)})
            snapshot(queue)
            return result

    @wrap(SQSBackend, "change_message_visibility")
    def change_message_visibility(original, self, queue_name, *args, **kwargs):
        with LOCK:
            queue = self.get_queue(queue_name)
            sweep(queue)
            result = original(self, queue_name, *args, **kwargs)
            snapshot(queue)
            return result

    @wrap(SQSBackend, "purge_queue")
    def purge_queue(original, self, queue_name):
        with LOCK:
            queue = self.get_queue(queue_name)
            sweep(queue)
            before = list(queue._messages)
            pending = set(queue._pending_messages)
            original(self, queue_name)  # moto refuses a second purge within 60 s (PurgeQueueInProgress), as AWS does
            takes_time = CONFIG.on("purgeTakesUpToSixtySeconds")
            entry = STATE.record({"op": "PurgeQueue", "queue": queue.name, "region": queue.region, "deleted": [],
                                  "arrivedWithinWindow": [], "messagesThen": [m.id for m in before]})
            now = time.time()
            if takes_time:
                queue._messages = before
                queue._pending_messages = pending
                for message in before:
                    doom(queue, message, deletion_moment(now, now), entry)
            else:
                entry["deleted"].extend(describe_message(m, deleted_at=now) for m in before)
            STATE.purged_at[queue_key(queue)] = (now, entry)
            snapshot(queue)

    @wrap(SQSBackend, "get_queue_attributes")
    def get_queue_attributes(original, self, queue_name, attribute_names):
        with LOCK:
            queue = self.get_queue(queue_name)
            sweep(queue)
            snapshot(queue)
            attributes = original(self, queue_name, attribute_names)
            if CONFIG.on("approximateCountsLag"):
                lagged = lagged_counts(queue)
                if lagged is not None:
                    for name, index in COUNT_ATTRIBUTES.items():
                        if name in attributes:
                            attributes[name] = lagged[index]
            return attributes

    # ---- SSM ----------------------------------------------------------------------------------------------

    @wrap(SimpleSystemManagerBackend, "send_command")
    def send_command(original, self, *args, **kwargs):
        instance_ids = list(kwargs.get("instance_ids") or [])  # a copy: moto's Command extends the list it is given
        if CONFIG.on("sendCommandToAnUnmanagedInstanceIsInvalidInstanceId"):
            refused = [i for i in instance_ids if not managed(self.account_id, self.region_name, i)]
            if refused:
                raise SSMException("InvalidInstanceId", "Instances [[" + ", ".join(refused) + "]] not in a valid "
                                   f"state for account {self.account_id}")
        command = original(self, *args, **kwargs)
        if instance_ids and not kwargs.get("targets"):
            # moto adds every instance of the region when Targets is empty (an empty EC2 filter matches all);
            # AWS runs the command on the instances named, and only there.
            command.instance_ids = list(instance_ids)
            command.invocations = [i for i in command.invocations if i["InstanceId"] in instance_ids]
            command.target_count = command.completed_count = len(command.invocations)
        script = "\n".join((kwargs.get("parameters") or {}).get("commands", []))
        with LOCK:
            STATE.commands[command.command_id] = time.time()
            STATE.record({"op": "SendCommand", "commandId": command.command_id, "instanceIds": list(instance_ids),
                          "script": script[:1000]})
            if CONFIG.on("runCommandRunsOnTheInstance"):
                for invocation in command.invocations:
                    ran = run_on_instance(invocation["InstanceId"], script)
                    if ran is not None:
                        out, err, code = ran
                        invocation["StandardOutputContent"] = out
                        invocation["StandardErrorContent"] = err
                        invocation["ResponseCode"] = code
                        if code != 0:
                            invocation["Status"] = invocation["StatusDetails"] = "Failed"
        return command

    @wrap(SimpleSystemManagerBackend, "get_command_invocation")
    def get_command_invocation(original, self, command_id, instance_id, plugin_name):
        sent = STATE.commands.get(command_id)
        if sent is not None and CONFIG.on("invocationDoesNotExistForAWhile") \
                and time.time() < sent + CONFIG["invocationDoesNotExistSeconds"]:
            raise SSMException("InvocationDoesNotExist", "")
        return original(self, command_id, instance_id, plugin_name)

    # ---- CloudWatch Logs ----------------------------------------------------------------------------------

    @wrap(LogsBackend, "get_log_events")
    def get_log_events(original, self, *args, **kwargs):
        token = kwargs.get("next_token")
        chained = re.fullmatch(r"[fb]/realism-(\d+)-(.*)", token or "")
        if chained:
            remaining, original_token = int(chained.group(1)), chained.group(2) or None
            kwargs["next_token"] = original_token
            if remaining > 0:
                original(self, *args, **kwargs)  # the group and stream must still exist: moto says so, or raises
                return [], f"b/realism-{remaining - 1}-{original_token or ''}", \
                    f"f/realism-{remaining - 1}-{original_token or ''}"
            return original(self, *args, **kwargs)
        page = original(self, *args, **kwargs)  # raises for a missing group or stream, as AWS does
        # Only before a page that holds events: an empty page whose token repeats is the end of the stream.
        if page[0] and CONFIG.on("logPagesCanBeEmptyWithAToken") and CONFIG.rng.random() < CONFIG["emptyLogPageChance"]:
            empties = CONFIG.rng.randint(1, max(1, CONFIG["emptyLogPagesMax"]))
            return [], f"b/realism-{empties - 1}-{token or ''}", f"f/realism-{empties - 1}-{token or ''}"
        return page

    # ---- EC2 ----------------------------------------------------------------------------------------------

    @wrap(EC2BaseResponse, "_filters_from_querystring")
    def filters_from_querystring(original, self):
        filters = original(self)
        if CONFIG.on("ec2RefusesMoreThan200FilterValues"):
            counts = [len(values) if isinstance(values, list) else 1 for values in filters.values()]
            counted = sum(counts) if CONFIG["ec2FilterValuesCountedPer"] == "call" else max(counts, default=0)
            if counted > CONFIG["ec2FilterValuesMax"]:
                raise EC2ClientError("FilterLimitExceeded", "The maximum number of filter values specified on a "
                                     f"single call is {CONFIG['ec2FilterValuesMax']}")
        return filters

    @wrap(EC2Backend, "terminate_instances")
    def terminate_instances(original, self, instance_ids):
        STATE.record({"op": "TerminateInstances", "instanceIds": list(instance_ids)})
        return original(self, instance_ids)


def managed(account_id, region, instance_id):
    if instance_id in CONFIG.unmanaged:
        return False
    instance = ec2_backends[account_id][region].get_instance_by_id(instance_id)
    if instance is None or instance.state != "running":
        return False
    tags = {t.get("key", t.get("Key")): t.get("value", t.get("Value")) for t in instance.get_tags()}
    return tags.get(UNMANAGED_TAG, "true").lower() != "false"


RUNNING_STATES = ("active", "activating", "reloading")


def run_on_instance(instance_id, script):
    """What a script's `systemctl` commands print on an instance whose units a simulator registered, and how the script
    ends, as a shell runs it: (standard output, standard error, exit status); None for an instance no simulator
    described. Commands other than systemctl print nothing and succeed."""
    if not any(key[0] == instance_id for key in STATE.units):
        return None
    out, err = [], []
    status = 0
    for line in re.split(r"[;\n]", script):
        status = 0
        # `a && b || c`, left to right: && runs the next command if the last one succeeded, || if it failed.
        parts = re.split(r"(&&|\|\|)", line)
        run = True
        for i, part in enumerate(parts):
            if part == "&&":
                run = status == 0
                continue
            if part == "||":
                run = status != 0
                continue
            if run and part.strip():
                status = systemctl(instance_id, part, out, err)
    return "".join(out), "".join(err), status


def systemctl(instance_id, command, out, err):
    """One simple command; `systemctl stop|show|status` as systemd answers them, anything else as `true`."""
    try:
        words = shlex.split(command)
    except ValueError:
        err.append(f"sh: syntax error: {command.strip()}\n")
        return 2
    while words and words[0] in ("sudo", "--"):
        words = words[1:]
    if not words or words[0] != "systemctl":
        return 0
    verb, units, properties, options_done = None, [], [], False
    rest = iter(words[1:])
    for word in rest:
        if not options_done and word == "--":
            options_done = True
        elif not options_done and word in ("-p", "--property"):
            properties += next(rest, "").split(",")
        elif not options_done and word.startswith("--property="):
            properties += word.split("=", 1)[1].split(",")
        elif not options_done and word.startswith("-p") and len(word) > 2:
            properties += word[2:].split(",")
        elif not options_done and word.startswith("-"):
            continue  # --no-pager and the like
        elif verb is None:
            verb = word
        else:
            units.append(word)
    properties = [p for p in properties if p] or ["ActiveState", "ExecMainStatus", "ExecMainCode"]
    status = 0
    for unit in units:
        key = (instance_id, unit)
        props = STATE.units.get(key)
        loaded = props is not None and props.get("LoadState", "loaded") == "loaded"
        if verb == "stop":
            if not loaded:
                err.append(f"Failed to stop {unit}: Unit {unit} not loaded.\n")
                status = 5
            elif props.get("stopFails"):
                err.append(f"Job for {unit} failed because the control process exited with error code.\n"
                           f"See \"systemctl status {unit}\" and \"journalctl -xeu {unit}\" for details.\n")
                status = 1
            elif props.get("ActiveState") in RUNNING_STATES:
                props.update(ActiveState="inactive", ExecMainCode="2", ExecMainStatus="15", stoppedBy=caller(),
                             stoppedAt=time.time())
        elif verb == "show":
            shown = props if props is not None else {"LoadState": "not-found", "ActiveState": "inactive",
                                                     "ExecMainPID": "0", "ExecMainStatus": "0", "ExecMainCode": "0"}
            for name in properties:
                value = shown.get(name, "loaded" if name == "LoadState" else "")
                out.append(f"{name}={value}\n")
        elif verb == "status":
            if not loaded:
                err.append(f"Unit {unit} could not be found.\n")
                status = 4
            else:
                active = props.get("ActiveState", "")
                out.append(f"* {unit}\n   Loaded: loaded\n   Active: {active}\n")
                status = 0 if active in RUNNING_STATES else 3
    return status


# ---- the WSGI middleware: the control endpoint, and who calls ----------------------------------------------------

CREDENTIAL = re.compile(r"Credential=([^/]+)/")


class RealismMiddleware:
    """In front of moto's app: serves /moto-realism/, notes the caller's access key id for the journal."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/moto-realism"):
            try:
                status, body = self.control(environ, path[len("/moto-realism"):].strip("/"))
            except (ValueError, KeyError) as e:
                status, body = "400 Bad Request", {"error": str(e)}
            data = json.dumps(body, indent=1, default=str).encode()
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
            return [data]
        if path == "/moto-api/reset" and environ.get("REQUEST_METHOD") == "POST":
            STATE.clear()
        found = CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
        _caller.key = found.group(1) if found else None
        try:
            return self.app(environ, start_response)
        finally:
            _caller.key = None

    def control(self, environ, path):
        method = environ.get("REQUEST_METHOD", "GET")
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        body = {}
        if method in ("POST", "PUT"):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length else b""
            body = json.loads(raw) if raw.strip() else {}
        with LOCK:
            if path == "" and method == "GET":
                return "200 OK", CONFIG.describe()
            if path == "config" and method == "POST":
                CONFIG.apply(body)
                return "200 OK", CONFIG.describe()
            if path == "reset" and method == "POST":
                CONFIG.restore()
                STATE.clear()
                return "200 OK", CONFIG.describe()
            if path == "queues" and method == "GET":
                return "200 OK", queue_truth(query)
            if path == "journal" and method == "GET":
                since = int(query.get("since", 0))
                return "200 OK", {"seq": STATE.seq, "entries": [e for e in STATE.journal if e["seq"] > since]}
            if path.startswith("units/"):
                parts = path.split("/", 2)
                if len(parts) != 3:
                    raise ValueError("units/INSTANCE/UNIT")
                key = (parts[1], parts[2])
                if method == "PUT":
                    STATE.units[key] = {k: str(v) for k, v in body.items()}
                    return "200 OK", STATE.units[key]
                if method == "DELETE":
                    STATE.units.pop(key, None)
                    return "200 OK", {}
                if key not in STATE.units:
                    return "404 Not Found", {"error": f"no unit {key[1]} registered on {key[0]}"}
                return "200 OK", STATE.units[key]
        return "404 Not Found", {"error": f"no {method} /moto-realism/{path}"}


def queue_truth(query):
    from moto.sqs.models import sqs_backends
    region = query.get("region", "us-east-1")
    account = query.get("account", "123456789012")
    backend = sqs_backends[account][region]
    name = query.get("name")
    if not name:
        return {"queues": sorted(backend.queues)}
    queue = backend.queues.get(name)
    if queue is None:
        return {"exists": False, "messages": []}
    sweep(queue)
    now_ms = time.time() * 1000
    return {"exists": True, "redrivePolicy": queue.redrive_policy, "messages": [
        describe_message(m, visible=m.visible_at <= now_ms, doomedAt=getattr(m, "_realism_doomed_at", None))
        for m in queue._messages]}

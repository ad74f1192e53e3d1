package gov.cms.bfd.migrator.operator.act;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.diagnose.MessageParser;
import gov.cms.bfd.migrator.operator.observe.CommandPort;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.observe.SystemdState;
import gov.cms.bfd.migrator.operator.plan.Evidence;
import gov.cms.bfd.migrator.operator.plan.Planner;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a pending intent is judged from what is observed after it (pure). An intent whose call may never
 * have been made (the operator stopped in between) is never made again blindly: it becomes Succeeded
 * when the observation shows the effect, else Inconclusive, and a new plan starts from the new observation.
 */
final class Verification {

  /** The reference of a call AWS accepted that has no id of its own. */
  static final String CALLED = "called";
  /** The reference of a call that got no answer (time-out, broken connection): AWS may have acted. */
  static final String UNANSWERED = "unanswered";
  /** The reference of a purge AWS refused because another one ran in the last 60 seconds. */
  static final String IN_PROGRESS = "purge-in-progress";
  /** SQS counts lag up to a minute; give a purge that long, and then some, to show. */
  static final Duration PURGE_PATIENCE = Duration.ofSeconds(90);
  static final Duration TERMINATE_PATIENCE = Duration.ofMinutes(5);
  static final Duration COMMAND_PATIENCE = Duration.ofMinutes(2);

  private Verification() {}

  /**
   * @param window how long after a purge AWS deletes what arrives (60 s; an emulator's scaled-down timing in tests)
   * @param unansweredReach how long after its intent a call whose answer was not recorded may have reached AWS
   */
  static ActionRecord purge(ActionRecord pending, Observation seen, Instant now, Duration window,
      Duration unansweredReach) {
    Optional<QueueState> queue = seen.queue().seenValue();
    if (queue.isEmpty()) {
      return pending; // not observed: judge later
    }
    pending = withWindowMessages(pending, queue.get(), window, unansweredReach);
    boolean empty = queue.get() instanceof QueueState.Missing
        || (queue.get() instanceof QueueState.Present p && !p.holdsMessages());
    Instant windowEnd = pending.calledBy(unansweredReach).plus(window);
    if (windowEnd.isAfter(now)) {
      // A purge takes up to 60 seconds and deletes what is sent in them too: until the window ends, neither an
      // empty queue nor one that still holds messages says anything final (also for an intent whose call may or may
      // not have been made before a restart: if it was, AWS may still be deleting).
      return pending;
    }
    if (empty) {
      return pending.with(ActionOutcome.Succeeded, "queue seen empty at " + seen.at() + ", after AWS's purge window"
          + " (to " + windowEnd + ")");
    }
    // Someone else's purge ran first: once AWS's 60 seconds are over, what it left is planned afresh. Otherwise the
    // counts, which lag up to a minute, get until PURGE_PATIENCE after AWS had the call to show the queue empty.
    Duration patience = pending.reference().filter(IN_PROGRESS::equals).isPresent() ? Planner.PURGE_SPACING : PURGE_PATIENCE;
    if (pending.calledBy(unansweredReach).plus(patience).isAfter(now)) {
      return pending;
    }
    if (pending.reference().filter(IN_PROGRESS::equals).isPresent()) {
      return pending.with(ActionOutcome.Inconclusive, "the purge already in progress at " + pending.time()
          + " did not empty the queue (messages sent after it remain)");
    }
    if (pending.reference().filter(UNANSWERED::equals).isPresent()) {
      return pending.with(ActionOutcome.Inconclusive, "PurgeQueue got no answer and the queue still holds messages at "
          + seen.at() + " (new ones, or the purge never reached AWS)");
    }
    return pending.with(ActionOutcome.Inconclusive, pending.reference().isPresent()
        ? "AWS accepted the purge but the queue still holds messages at " + seen.at() + " (new ones, or the purge did not run)"
        : "the intent was recorded but the call may never have been made (the operator stopped in between); the queue "
            + "still holds messages at " + seen.at());
  }

  /**
   * The purge's evidence with every message seen that was sent inside its 60-second window: AWS may delete it, so it
   * is recorded as possibly deleted by the purge (once).
   */
  static ActionRecord withWindowMessages(ActionRecord pending, QueueState queue, Duration window,
      Duration unansweredReach) {
    if (!(queue instanceof QueueState.Present present)) {
      return pending;
    }
    Instant windowEnd = pending.calledBy(unansweredReach).plus(window);
    List<String> added = present.messages().stream()
        .filter(m -> !m.sentAt().isBefore(pending.time()) && m.sentAt().isBefore(windowEnd))
        .map(m -> WINDOW + Evidence.item(MessageParser.parse(m)))
        .filter(item -> !pending.evidence().contains(item)).distinct().toList();
    if (added.isEmpty()) {
      return pending;
    }
    List<String> evidence = new ArrayList<>(pending.evidence());
    evidence.addAll(added);
    return pending.withEvidence(evidence);
  }

  /** How evidence names a message sent inside a purge's window. */
  static final String WINDOW = "sent inside the purge's 60-second window, possibly deleted by it: ";

  static ActionRecord termination(ActionRecord pending, Observation seen, Instant now) {
    Optional<List<Instance>> instances = seen.instances().seenValue();
    if (instances.isEmpty()) {
      return pending;
    }
    Optional<Instance> instance = instances.get().stream().filter(i -> i.id().equals(pending.target())).findFirst();
    if (instance.isEmpty() || instance.get().state() == Instance.State.shutting_down
        || instance.get().state() == Instance.State.terminated) {
      return pending.with(ActionOutcome.Succeeded, "instance seen " + instance.map(i -> i.state().ec2Name())
          .orElse("gone") + " at " + seen.at());
    }
    if (pending.reference().isPresent() && pending.time().plus(TERMINATE_PATIENCE).isAfter(now)) {
      return pending;
    }
    return pending.with(ActionOutcome.Inconclusive, "instance still " + instance.get().state().ec2Name() + " at " + seen.at());
  }

  /**
   * A stop is judged by its own command: the script stops the unit and prints its state only if the stop succeeded
   * ({@code &&}), so SSM's Failed is a stop that failed (systemctl's words are on standard error), and a Success shows
   * the unit as the stop left it. A status that does not say whether the script ran (TimedOut, Undeliverable, ...)
   * proves nothing either way.
   */
  static ActionRecord stop(ActionRecord pending, Optional<SystemdState> state, Optional<CommandPort.Invocation> invocation,
      Instant now) {
    boolean waiting = invocation.isEmpty() || !invocation.get().terminal();
    if (waiting) {
      return pending.time().plus(COMMAND_PATIENCE).isAfter(now) ? pending
          : pending.with(ActionOutcome.Inconclusive, "SSM command " + pending.reference().orElse("?") + " is still "
              + invocation.map(CommandPort.Invocation::status).orElse("unknown to SSM") + " after " + COMMAND_PATIENCE.toMinutes()
              + " minutes (Delayed, undeliverable?)");
    }
    if ("Failed".equals(invocation.get().status())) {
      String said = invocation.get().standardError().isBlank() ? "no error output"
          : "\"" + firstLine(invocation.get().standardError()) + "\"";
      return pending.with(ActionOutcome.Failed, "systemctl stop failed: SSM command " + pending.reference().orElse("?")
          + " ended Failed (" + said + "); the service is not stopped");
    }
    SystemdState systemd = state.orElseThrow();
    return switch (systemd.unit()) {
      case RUNNING -> pending.with(ActionOutcome.Failed, "after systemctl stop the unit is still "
          + systemd.activeState().orElse("running") + " (" + systemd.why() + ")");
      case NOT_LOADED -> pending.with(ActionOutcome.Failed, "the unit is not loaded, so nothing was stopped ("
          + systemd.why() + ")");
      case ENDED, NEVER_STARTED -> pending.with(ActionOutcome.Succeeded, "stopped: " + systemd.why());
      case UNKNOWN, UNREACHABLE -> pending.with(ActionOutcome.Inconclusive, systemd.why());
    };
  }

  private static String firstLine(String text) {
    String line = text.strip().split("\\R", 2)[0];
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}

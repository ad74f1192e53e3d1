package gov.cms.bfd.migrator.operator.observe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Observations for named examples, built with safe defaults: a queue whose counts match what was read and that was
 * read whole, instances as EC2 lists them, and only the parts a test adds.
 * {@code anObservation(now).message(finished(5046, at)).instance(running("i-1", launched)).build()}.
 */
public final class Observations {

  public static final String URL = "https://sqs.us-east-1.amazonaws.com/123456789012/bfd-test-migrator";
  private static final Map<String, String> TAGS = Map.of("Name", "bfd-test-migrator");

  private final Instant now;
  private final List<RawMessage> messages = new ArrayList<>();
  private final List<Instance> instances = new ArrayList<>();
  private Observed<SystemdState> systemd = Observed.skipped();
  private Observed<LogExcerpt> log = Observed.skipped();
  private boolean queueExists = true;

  private Observations(Instant now) {
    this.now = now;
  }

  public static Observations anObservation(Instant now) {
    return new Observations(now);
  }

  public Observations message(RawMessage message) {
    messages.add(message);
    return this;
  }

  public Observations instance(Instance instance) {
    instances.add(instance);
    return this;
  }

  public Observations systemd(SystemdState state) {
    systemd = Observed.seen(state);
    return this;
  }

  public Observations log(LogExcerpt excerpt) {
    log = Observed.seen(excerpt);
    return this;
  }

  public Observations noQueue() {
    queueExists = false;
    return this;
  }

  public Observation build() {
    QueueState queue = queueExists
        ? new QueueState.Present(URL, messages.size(), 0, 0, messages, messages.isEmpty())
            .withBrowse(new QueueState.Browse(now, messages, true, messages.size(), 0, 0))
        : new QueueState.Missing("bfd-test-migrator");
    return Observation.basic(now, Observed.seen(queue), Observed.seen(List.copyOf(instances))).withSystemd(systemd)
        .withLog(log);
  }

  // ---- parts ----------------------------------------------------------------------------------------------

  /** A native message ({"appStage":..,"messageId":..,"pid":..}) SQS received at {@code sent}. */
  public static RawMessage nativeMessage(long pid, long messageId, String stage, Instant sent) {
    return new RawMessage("m-" + pid + "-" + messageId, "{\"appStage\":\"" + stage + "\",\"messageId\":" + messageId
        + ",\"pid\":" + pid + "}", sent);
  }

  /** The migrator-monitor's final message for an exit with {@code status}. */
  public static RawMessage monitorExit(String pid, int status, Instant sent) {
    return new RawMessage("m-" + pid + "-exit", "{\"pid\":\"" + pid + "\",\"code\":\"exited\",\"status\":\"" + status
        + "\"}", sent);
  }

  public static Instance running(String id, Instant launched) {
    return new Instance(id, Instance.State.running, launched, TAGS);
  }

  public static Instance stopped(String id, Instant launched) {
    return new Instance(id, Instance.State.stopped, launched, TAGS);
  }

  public static Instance terminated(String id, Instant launched) {
    return new Instance(id, Instance.State.terminated, launched, TAGS);
  }

  /** The stream of {@code instanceId} with logback's JSON lines, one a second from {@code first}. */
  public static LogExcerpt log(String instanceId, Instant first, String... messages) {
    List<LogExcerpt.Line> lines = new ArrayList<>();
    for (int i = 0; i < messages.length; i++) {
      Instant at = first.plusSeconds(i);
      String level = messages[i].contains("failed") || messages[i].contains("terminating") ? "ERROR" : "INFO";
      lines.add(new LogExcerpt.Line(at, "{\"timestamp\":\"" + at + "\",\"level\":\"" + level + "\",\"message\":\""
          + messages[i] + "\"}"));
    }
    return new LogExcerpt("/bfd/test/bfd-db-migrator/migrator-log.json", instanceId, lines);
  }
}

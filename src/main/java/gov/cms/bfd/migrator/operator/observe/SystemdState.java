package gov.cms.bfd.migrator.operator.observe;

import gov.cms.bfd.migrator.operator.model.SystemdCommands;
import gov.cms.bfd.migrator.operator.model.Text;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What systemd on an instance said of the migrator's unit through SSM Run Command ({@link SystemdCommands#show}),
 * asked at {@code askedAt}; or why it could not say: the command has not finished, SSM ended it without usable
 * output (a "Success" that printed nothing proves nothing: then {@code known} is false), or SSM does not manage the
 * instance at all ({@code reachable} false: SendCommand's InvalidInstanceId, a finding of its own, not an outage).
 */
public record SystemdState(String instanceId, String commandId, Instant askedAt, String ssmStatus, boolean known,
    boolean reachable, Map<String, String> properties, String why) {

  /** What the unit's state means for the runbook's "make sure no migration runs". */
  public enum Unit {
    /** Not known: the command has not finished, or its answer proves nothing. */
    UNKNOWN,
    /** SSM does not manage the instance: systemd cannot be asked through it (SSH can). */
    UNREACHABLE,
    /** LoadState is not "loaded" (not-found, masked, error): no such unit here; a finding, never "stopped". */
    NOT_LOADED,
    /** Active, activating, deactivating or reloading: a run is in progress, whatever the queue says. */
    RUNNING,
    /** Loaded, inactive, and its main process never ran: the migrator may not have started yet, not "stopped". */
    NEVER_STARTED,
    /** Its main process ran and ended (exited, killed, dumped): stopped. */
    ENDED
  }

  /** ActiveStates in which the unit's process runs or is about to run or stop. */
  public static final Set<String> RUNNING_STATES = Set.of("active", "activating", "deactivating", "reloading",
      "refreshing");
  private static final Set<String> PENDING = Set.of("Pending", "InProgress", "Delayed", "Cancelling");
  /** {@code Mon 2023-03-13 18:00:01 UTC}, as systemctl show prints a timestamp. */
  private static final Pattern TIMESTAMP =
      Pattern.compile("(?:[A-Za-z]{3} )?(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2})(?: (UTC|GMT|Z))?");

  public SystemdState {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(commandId, "commandId");
    Objects.requireNonNull(askedAt, "askedAt");
    ssmStatus = Text.bound(Objects.requireNonNull(ssmStatus, "ssmStatus"), 64);
    // What the instance printed goes into conditions and status: only the properties asked for, each bounded.
    Map<String, String> kept = new LinkedHashMap<>();
    for (String name : SystemdCommands.PROPERTIES) {
      String value = Objects.requireNonNull(properties, "properties").get(name);
      if (value != null) {
        kept.put(name, Text.bound(value, 64));
      }
    }
    properties = Map.copyOf(kept);
    why = Text.bound(Objects.requireNonNull(why, "why"), 400);
  }

  /** What systemd printed, when it named ActiveState, ExecMainCode and ExecMainStatus. */
  public static SystemdState shown(String instanceId, String commandId, Instant askedAt, Map<String, String> properties) {
    SystemdState state = new SystemdState(instanceId, commandId, askedAt, "Success", true, true, properties, "");
    return new SystemdState(instanceId, commandId, askedAt, "Success", true, true, properties, state.describe());
  }

  /** Nothing proven: the command is still on its way, or ended without usable output. */
  public static SystemdState unknown(String instanceId, String commandId, Instant askedAt, String ssmStatus, String why) {
    return new SystemdState(instanceId, commandId, askedAt, ssmStatus, false, true, Map.of(), why);
  }

  /** SSM does not manage the instance (SendCommand answered InvalidInstanceId). */
  public static SystemdState unreachable(String instanceId, Instant askedAt, String detail) {
    return new SystemdState(instanceId, "", askedAt, "InvalidInstanceId", false, false, Map.of(),
        "instance " + instanceId + " is not reachable through SSM (" + detail + "): its SSM agent is not running or"
            + " not registered, or the instance is not running; systemd can be asked over SSH");
  }

  /** True while the SSM command that asks is still on its way: look again soon. */
  public boolean awaiting() {
    return reachable && !known && PENDING.contains(ssmStatus);
  }

  public Optional<String> loadState() {
    return property("LoadState");
  }

  public Optional<String> activeState() {
    return property("ActiveState");
  }

  public Optional<String> execMainCode() {
    return property("ExecMainCode");
  }

  public Optional<Integer> execMainStatus() {
    return property("ExecMainStatus").filter(s -> s.matches("[0-9]{1,3}")).map(Integer::parseInt);
  }

  /** The main process's pid, when one ran (0 is none). */
  public Optional<Long> execMainPid() {
    return property("ExecMainPID").filter(s -> s.matches("[0-9]{1,18}")).map(Long::parseLong).filter(p -> p > 0);
  }

  /** When the main process started, as systemd prints it in UTC; empty when it never did, or in another zone. */
  public Optional<Instant> execMainStart() {
    return property("ExecMainStartTimestamp").flatMap(SystemdState::timestamp);
  }

  /** The unit's state in the runbook's terms. */
  public Unit unit() {
    if (!reachable) {
      return Unit.UNREACHABLE;
    }
    if (!known) {
      return Unit.UNKNOWN;
    }
    if (loadState().filter(s -> !s.equals("loaded")).isPresent()) {
      return Unit.NOT_LOADED;
    }
    if (activeState().filter(RUNNING_STATES::contains).isPresent()) {
      return Unit.RUNNING;
    }
    String code = execMainCode().orElse("0");
    if (code.equals("0") && execMainPid().isEmpty()) {
      return Unit.NEVER_STARTED;
    }
    return Set.of("1", "2", "3", "exited", "killed", "dumped").contains(code) ? Unit.ENDED : Unit.UNKNOWN;
  }

  /** Whether systemd shows a main process that ran and ended: the service is stopped. */
  public boolean ended() {
    return unit() == Unit.ENDED;
  }

  /** The exit status, when systemd says the main process exited (ExecMainCode 1 = CLD_EXITED). */
  public Optional<Integer> exitStatus() {
    if (unit() != Unit.ENDED) {
      return Optional.empty();
    }
    boolean exited = execMainCode().filter(c -> c.equals("1") || c.equals("exited")).isPresent();
    return exited ? execMainStatus() : Optional.empty();
  }

  /** One line for a person: the properties as systemd named them, and what they mean. */
  String describe() {
    String shown = properties.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + " " + b).orElse("");
    return shown + switch (unit()) {
      case NOT_LOADED -> ": systemd on " + instanceId + " has no such unit loaded (LoadState=" + loadState().orElse("")
          + "), so nothing proves the migrator is not running under another name";
      case NEVER_STARTED -> ": the unit has never started on " + instanceId + " (the migrator may not have started yet)";
      case RUNNING -> ": the unit is running on " + instanceId;
      case ENDED -> ": its main process ended";
      case UNKNOWN, UNREACHABLE -> "";
    };
  }

  private Optional<String> property(String name) {
    return Optional.ofNullable(properties.get(name)).filter(s -> !s.isEmpty());
  }

  private static Optional<Instant> timestamp(String value) {
    Matcher m = TIMESTAMP.matcher(value.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(LocalDateTime.parse(m.group(1) + "T" + m.group(2)).toInstant(ZoneOffset.UTC));
  }
}

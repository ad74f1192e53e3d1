package gov.cms.bfd.migrator.operator.observe;

import gov.cms.bfd.migrator.operator.model.SystemdCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Looks at what a diagnosis asked for beyond queue and instances: the log tail, systemd's state through
 * SSM Run Command, the exit-1 configuration checks, the schema version parameter. Answers are kept for a
 * while so a failure that persists does not cost calls on every poll; an SSM command is sent once and
 * its result read on later reconciles, never waited for on the reconcile thread.
 */
@ApplicationScoped
public class EvidenceGatherer {

  static final Duration LOG_TTL = Duration.ofMinutes(1);
  static final Duration CHECKS_TTL = Duration.ofMinutes(10);
  static final Duration SCHEMA_TTL = Duration.ofMinutes(10);
  static final Duration SYSTEMD_TTL = Duration.ofMinutes(2);
  /** An SSM command not finished by then is given up and sent again. */
  static final Duration COMMAND_PATIENCE = Duration.ofMinutes(2);
  static final int LOG_LINES = 200;

  private final LogPort logs;
  private final CommandPort commands;
  private final ConfigPort config;
  private final Map<String, Cached<?>> cache = new ConcurrentHashMap<>();
  private final Map<String, SentCommand> pending = new ConcurrentHashMap<>();

  public EvidenceGatherer(LogPort logs, CommandPort commands, ConfigPort config) {
    this.logs = logs;
    this.commands = commands;
    this.config = config;
  }

  /**
   * The observation with the asked-for parts filled in. {@code evidence} names what the queue and the
   * instances showed (message ids, instance states): when it changes, kept log tails are read again.
   */
  public Observation gather(Observation seen, EvidenceNeeds needs, AwsTarget target, String environment,
      String logGroup, String unit, String evidence, Instant now) {
    Observation result = seen;
    if (needs.logStream().isPresent()) {
      String stream = needs.logStream().get();
      result = result.withLog(cached("log|" + target + "|" + logGroup + "|" + stream + "|" + evidence, LOG_TTL, now,
          () -> logs.tail(target, logGroup, stream, LOG_LINES)
              .map(Observed::seen)
              .orElseGet(() -> Observed.seen(new LogExcerpt(logGroup, stream, List.of())))));
    }
    if (needs.logGroup()) {
      result = result.withLogGroup(cached("group|" + target + "|" + logGroup, CHECKS_TTL, now,
          () -> Observed.seen(logs.groupExists(target, logGroup))));
    }
    if (needs.systemdOf().isPresent()) {
      result = result.withSystemd(systemd(target, needs.systemdOf().get(), unit, now));
    }
    if (needs.configChecks()) {
      result = result.withChecks(cached("checks|" + target + "|" + environment, CHECKS_TTL, now,
          () -> Observed.seen(checks(target, environment))));
    }
    if (needs.schemaVersion()) {
      String name = "/bfd/" + environment + "/common/nonsensitive/database_schema_version";
      result = result.withSchemaVersion(cached("schema|" + target + "|" + environment, SCHEMA_TTL, now,
          () -> Observed.seen(config.parameter(target, name))));
    }
    return result;
  }

  /**
   * What systemd says of the unit: the result of a command sent on an earlier reconcile, or a new one. An instance
   * SSM does not manage is a finding, kept like an answer, not a failure to retry on every poll.
   */
  private Observed<SystemdState> systemd(AwsTarget target, String instanceId, String unit, Instant now) {
    String key = target + "|" + instanceId + "|" + unit;
    @SuppressWarnings("unchecked")
    Cached<SystemdState> done = (Cached<SystemdState>) cache.get("systemd|" + key);
    if (done != null && done.at().plus(SYSTEMD_TTL).isAfter(now)) {
      return done.value();
    }
    try {
      SentCommand sent = pending.get(key);
      if (sent == null || sent.at().plus(COMMAND_PATIENCE).isBefore(now)) {
        String id = commands.send(target, instanceId, SystemdCommands.show(unit));
        sent = new SentCommand(id, now);
        pending.put(key, sent);
      }
      Optional<CommandPort.Invocation> invocation = commands.invocation(target, sent.commandId(), instanceId);
      if (invocation.isEmpty() || !invocation.get().terminal()) {
        return Observed.seen(SystemdState.unknown(instanceId, sent.commandId(), sent.at(),
            invocation.map(CommandPort.Invocation::status).orElse("Pending"),
            "SSM command " + sent.commandId() + " has not finished yet"));
      }
      pending.remove(key);
      Observed<SystemdState> state = Observed.seen(SystemdOutput.parse(instanceId, sent.commandId(), sent.at(),
          invocation.get()));
      cache.put("systemd|" + key, new Cached<>(state, now));
      return state;
    } catch (AwsCallException e) {
      if (e.failure().kind() == AwsFailure.Kind.NOT_MANAGED) {
        pending.remove(key);
        Observed<SystemdState> state = Observed.seen(SystemdState.unreachable(instanceId, now, e.failure().detail()));
        cache.put("systemd|" + key, new Cached<>(state, now));
        return state;
      }
      return Observed.failed(e.failure());
    }
  }

  private List<ConfigCheck> checks(AwsTarget target, String environment) {
    List<ConfigCheck> checks = new ArrayList<>();
    // These run as the operator's role, not the migrator's (bfd-ENV-migrator): each says so, since a check that
    // passes here may still fail for the migrator's instance profile (the runbook's steps check that one).
    checks.add(check("CallerIdentity", "sts:GetCallerIdentity", () -> "these checks ran as the operator's role "
        + config.callerArn(target) + ", not as the migrator's role bfd-" + environment + "-migrator"));
    for (String path : List.of("/bfd/" + environment + "/common/nonsensitive/", "/bfd/" + environment + "/migrator/nonsensitive/")) {
      checks.add(check("ParametersReadable", path, () -> {
        int count = config.parameterCount(target, path);
        if (count == 0) {
          throw new IllegalStateException("no parameter under " + path);
        }
        return count + " parameter(s) readable by the operator's role (not checked as the migrator's)";
      }));
    }
    String aliasParameter = "/bfd/" + environment + "/common/nonsensitive/kms_key_alias";
    checks.add(check("KmsKeyUsable", aliasParameter, () -> {
      String alias = config.parameter(target, aliasParameter)
          .orElseThrow(() -> new IllegalStateException(aliasParameter + " is not set"));
      String state = config.keyState(target, alias);
      if (!"Enabled".equals(state)) {
        throw new IllegalStateException("key " + alias + " is " + state);
      }
      return "key " + alias + " is Enabled (asked as the operator's role; whether bfd-" + environment
          + "-migrator may use it is not checked here)";
    }));
    return checks;
  }

  /** What a failed check adds: whose permissions it tested. */
  static final String AS_THE_OPERATOR = " (as the operator's role, not the migrator's)";

  private static ConfigCheck check(String name, String target, Supplier<String> body) {
    try {
      return new ConfigCheck(name, target, true, body.get());
    } catch (AwsCallException e) {
      return new ConfigCheck(name, target, false, e.failure().describe() + AS_THE_OPERATOR);
    } catch (RuntimeException e) {
      return new ConfigCheck(name, target, false, e.getMessage() + AS_THE_OPERATOR);
    }
  }

  @SuppressWarnings("unchecked")
  private <T> Observed<T> cached(String key, Duration ttl, Instant now, Supplier<Observed<T>> fetch) {
    Cached<T> hit = (Cached<T>) cache.get(key);
    if (hit != null && hit.at().plus(ttl).isAfter(now)) {
      return hit.value();
    }
    try {
      Observed<T> value = fetch.get();
      // Keys carry the evidence they were read for; drop what no reconcile can hit any more.
      cache.values().removeIf(c -> c.at().plus(CHECKS_TTL).isBefore(now));
      pending.values().removeIf(c -> c.at().plus(COMMAND_PATIENCE.multipliedBy(2)).isBefore(now));
      cache.put(key, new Cached<>(value, now));
      return value;
    } catch (AwsCallException e) {
      cache.remove(key);
      return Observed.failed(e.failure());
    }
  }

  private record Cached<T>(Observed<T> value, Instant at) {}

  private record SentCommand(String commandId, Instant at) {}
}

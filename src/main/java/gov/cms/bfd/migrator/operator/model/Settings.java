package gov.cms.bfd.migrator.operator.model;

import gov.cms.bfd.migrator.operator.api.AfterFailure;
import gov.cms.bfd.migrator.operator.api.AllowedRemediation;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.MigratorEnvironmentSpec;
import gov.cms.bfd.migrator.operator.api.RemediationMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What the stages work with: the environment's AWS names from its {@code MigratorEnvironment} (every default
 * applied, every {@code ${environment}} expanded), the MigratorDeployment's timing, and the effective
 * remediation: the spec's, capped by the environment's {@code allowedRemediation}, computed here once so that the
 * planner, the fingerprint and the status read one value. Throws {@link InvalidSpecException} for what the API
 * server should have defaulted or refused (a CRD installed without its defaults or rules, say).
 */
public record Settings(
    String environment,
    String region,
    Optional<String> roleArn,
    String queueName,
    Map<String, String> instanceTags,
    String serviceUnit,
    String logGroup,
    Optional<String> expectedSchemaVersion,
    Timing timing,
    Remediation remediation,
    boolean suspend) {

  /** A systemd service unit name, as the CRD's rule has it; checked again here because it reaches a root shell. */
  static final Pattern UNIT = Pattern.compile("^[A-Za-z0-9:_.@][A-Za-z0-9:_.@-]{0,247}\\.service$");

  public Settings {
    instanceTags = Map.copyOf(instanceTags);
  }

  /** Poll intervals and stall limits. */
  public record Timing(Duration pollInterval, Duration activePollInterval, Duration staleAfter,
      Duration maxMigrationDuration, Duration leftoverAfter) {}

  /**
   * What the operator may do by itself: the spec's remediation capped by the environment, with every cap named
   * ({@link #caps}) so that what it blocks can say where the limit comes from.
   */
  public record Remediation(RemediationMode mode, boolean purgeQueue, boolean stopService,
      boolean terminateInstance, AfterFailure afterFailure, int maxActionsPerHour, List<Cap> caps) {

    public Remediation {
      caps = List.copyOf(caps);
    }

    /** A remediation nothing capped. */
    public Remediation(RemediationMode mode, boolean purgeQueue, boolean stopService, boolean terminateInstance,
        AfterFailure afterFailure, int maxActionsPerHour) {
      this(mode, purgeQueue, stopService, terminateInstance, afterFailure, maxActionsPerHour, List.of());
    }

    /** The cap on one spec field ({@code mode}, {@code stopService}, ...), if the environment lowered it. */
    public Optional<Cap> cap(String field) {
      return caps.stream().filter(c -> c.field().equals(field)).findFirst();
    }

    /** Every effective value, for the plan fingerprint: an approval given under one remediation authorizes no other. */
    public String summary() {
      return "mode=" + mode + ",purgeQueue=" + purgeQueue + ",stopService=" + stopService + ",terminateInstance="
          + terminateInstance + ",afterFailure=" + afterFailure + ",maxActionsPerHour=" + maxActionsPerHour;
    }
  }

  /** Where the environment lowered what the spec asks for. */
  public record Cap(String field, String requested, String effective, String environment, String allowedField) {
    public String describe() {
      return "spec.remediation." + field + " is " + requested + ", but MigratorEnvironment " + environment
          + " caps it to " + effective + " (spec.allowedRemediation." + allowedField + ")";
    }
  }

  /**
   * Resolves a MigratorDeployment's spec against its environment. The API server fills in every default; a
   * missing field means the CRDs in the cluster are not the ones in crds/, and that is reported rather than
   * guessed around.
   */
  public static Settings from(MigratorDeploymentSpec spec, String environmentName, MigratorEnvironmentSpec environment) {
    String env = required("spec.environment", spec == null ? null : spec.environment);
    if (!env.equals(environmentName)) {
      throw new InvalidSpecException("spec.environment", "names " + env + ", not the MigratorEnvironment "
          + environmentName + " it was resolved against");
    }
    if (environment == null) {
      throw new InvalidSpecException("MigratorEnvironment " + env + " spec", "is missing");
    }
    var aws = required("MigratorEnvironment " + env + " spec.aws", environment.aws);
    var timing = required("spec.timing", spec.timing);
    var requested = required("spec.remediation", spec.remediation);
    Map<String, String> tags = new TreeMap<>();
    required("MigratorEnvironment " + env + " spec.instance.tags",
        required("MigratorEnvironment " + env + " spec.instance", environment.instance).tags)
        .forEach((k, v) -> tags.put(expand(k, env), expand(v, env)));
    if (tags.isEmpty()) {
      throw new InvalidSpecException("MigratorEnvironment " + env + " spec.instance.tags",
          "is empty: it would match every instance in the region");
    }
    var service = required("MigratorEnvironment " + env + " spec.service", environment.service);
    String unit = required("MigratorEnvironment " + env + " spec.service.unit", service.unit);
    if (!UNIT.matcher(unit).matches()) {
      throw new InvalidSpecException("MigratorEnvironment " + env + " spec.service.unit",
          "is not a systemd service unit name such as bfd-db-migrator.service");
    }
    return new Settings(
        env,
        required("MigratorEnvironment " + env + " spec.aws.region", aws.region),
        Optional.ofNullable(aws.roleArn).filter(s -> !s.isBlank()),
        expand(required("MigratorEnvironment " + env + " spec.queue.name",
            required("MigratorEnvironment " + env + " spec.queue", environment.queue).name), env),
        new LinkedHashMap<>(tags),
        unit,
        expand(required("MigratorEnvironment " + env + " spec.service.logGroup", service.logGroup), env),
        Optional.ofNullable(spec.expectedSchemaVersion).filter(s -> !s.isBlank()),
        new Timing(
            duration("spec.timing.pollInterval", timing.pollInterval),
            duration("spec.timing.activePollInterval", timing.activePollInterval),
            duration("spec.timing.staleAfter", timing.staleAfter),
            duration("spec.timing.maxMigrationDuration", timing.maxMigrationDuration),
            duration("spec.timing.leftoverAfter", timing.leftoverAfter)),
        effective(new Remediation(
                required("spec.remediation.mode", requested.mode),
                required("spec.remediation.purgeQueue", requested.purgeQueue),
                required("spec.remediation.stopService", requested.stopService),
                required("spec.remediation.terminateInstance", requested.terminateInstance),
                required("spec.remediation.afterFailure", requested.afterFailure),
                required("spec.remediation.maxActionsPerHour", requested.maxActionsPerHour)),
            required("MigratorEnvironment " + env + " spec.allowedRemediation", environment.allowedRemediation), env),
        Boolean.TRUE.equals(spec.suspend));
  }

  /**
   * The spec's remediation capped by what the environment allows: a mode not allowed falls to the most the
   * environment allows below it (Auto, Approve, Observe; Observe never acts and is always allowed), a switch the
   * environment does not allow is off, and afterFailure Auto needs afterFailureAuto.
   */
  static Remediation effective(Remediation requested, AllowedRemediation allowed, String environment) {
    List<Cap> caps = new ArrayList<>();
    Set<RemediationMode> modes = EnumSet.of(RemediationMode.Observe);
    modes.addAll(required("MigratorEnvironment " + environment + " spec.allowedRemediation.modes", allowed.modes));
    RemediationMode mode = requested.mode();
    if (!modes.contains(mode)) {
      mode = mode == RemediationMode.Auto && modes.contains(RemediationMode.Approve) ? RemediationMode.Approve
          : RemediationMode.Observe;
      caps.add(new Cap("mode", requested.mode().name(), mode.name(), environment, "modes"));
    }
    boolean stop = requested.stopService();
    if (stop && !Boolean.TRUE.equals(allowed.stopService)) {
      stop = false;
      caps.add(new Cap("stopService", "true", "false", environment, "stopService"));
    }
    boolean terminate = requested.terminateInstance();
    if (terminate && !Boolean.TRUE.equals(allowed.terminateInstance)) {
      terminate = false;
      caps.add(new Cap("terminateInstance", "true", "false", environment, "terminateInstance"));
    }
    AfterFailure afterFailure = requested.afterFailure();
    if (afterFailure == AfterFailure.Auto && !Boolean.TRUE.equals(allowed.afterFailureAuto)) {
      afterFailure = AfterFailure.Approve;
      caps.add(new Cap("afterFailure", "Auto", "Approve", environment, "afterFailureAuto"));
    }
    return new Remediation(mode, requested.purgeQueue(), stop, terminate, afterFailure, requested.maxActionsPerHour(),
        caps);
  }

  private static String expand(String template, String environment) {
    return template.replace(MigratorEnvironmentSpec.ENVIRONMENT_PLACEHOLDER, environment);
  }

  private static <T> T required(String field, T value) {
    if (value == null || (value instanceof String text && text.isBlank())) {
      throw new InvalidSpecException(field, "is missing; the CRDs installed in the cluster may not be the ones in crds/");
    }
    return value;
  }

  private static Duration duration(String field, String text) {
    try {
      return GoDuration.parse(required(field, text));
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException(field, e.getMessage());
    }
  }
}

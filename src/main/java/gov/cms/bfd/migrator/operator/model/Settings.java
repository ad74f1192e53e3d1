package gov.cms.bfd.migrator.operator.model;

import gov.cms.bfd.migrator.operator.api.AfterFailure;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.RemediationMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The spec with every default applied and every {@code ${environment}} template expanded: what the stages
 * work with. Built once per reconcile from the CRD bean; throws {@link InvalidSpecException} for what the
 * API server should have defaulted or refused (a CRD installed without its defaults or rules, say).
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

  public Settings {
    instanceTags = Map.copyOf(instanceTags);
  }

  /** Poll intervals and stall limits. */
  public record Timing(Duration pollInterval, Duration activePollInterval, Duration staleAfter,
      Duration maxMigrationDuration) {}

  /** What the operator may do by itself. */
  public record Remediation(RemediationMode mode, boolean purgeQueue, boolean stopService,
      boolean terminateInstance, AfterFailure afterFailure, int maxActionsPerHour) {}

  /**
   * Converts the CRD bean. The API server fills in every default; a missing field means the CRD in the
   * cluster is not the one in crds/, and that is reported rather than guessed around.
   */
  public static Settings from(MigratorDeploymentSpec spec) {
    String env = required("spec.environment", spec == null ? null : spec.environment);
    var aws = required("spec.aws", spec.aws);
    var timing = required("spec.timing", spec.timing);
    var remediation = required("spec.remediation", spec.remediation);
    Map<String, String> tags = new TreeMap<>();
    required("spec.instance.tags", required("spec.instance", spec.instance).tags)
        .forEach((k, v) -> tags.put(expand(k, env), expand(v, env)));
    if (tags.isEmpty()) {
      throw new InvalidSpecException("spec.instance.tags", "is empty: it would match every instance in the region");
    }
    var service = required("spec.service", spec.service);
    return new Settings(
        env,
        required("spec.aws.region", aws.region),
        Optional.ofNullable(aws.roleArn).filter(s -> !s.isBlank()),
        expand(required("spec.queue.name", required("spec.queue", spec.queue).name), env),
        new LinkedHashMap<>(tags),
        required("spec.service.unit", service.unit),
        expand(required("spec.service.logGroup", service.logGroup), env),
        Optional.ofNullable(spec.expectedSchemaVersion).filter(s -> !s.isBlank()),
        new Timing(
            duration("spec.timing.pollInterval", timing.pollInterval),
            duration("spec.timing.activePollInterval", timing.activePollInterval),
            duration("spec.timing.staleAfter", timing.staleAfter),
            duration("spec.timing.maxMigrationDuration", timing.maxMigrationDuration)),
        new Remediation(
            required("spec.remediation.mode", remediation.mode),
            required("spec.remediation.purgeQueue", remediation.purgeQueue),
            required("spec.remediation.stopService", remediation.stopService),
            required("spec.remediation.terminateInstance", remediation.terminateInstance),
            required("spec.remediation.afterFailure", remediation.afterFailure),
            required("spec.remediation.maxActionsPerHour", remediation.maxActionsPerHour)),
        Boolean.TRUE.equals(spec.suspend));
  }

  private static String expand(String template, String environment) {
    return template.replace(MigratorDeploymentSpec.ENVIRONMENT_PLACEHOLDER, environment);
  }

  private static <T> T required(String field, T value) {
    if (value == null || (value instanceof String text && text.isBlank())) {
      throw new InvalidSpecException(field, "is missing; the CRD installed in the cluster may not be the one in crds/");
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

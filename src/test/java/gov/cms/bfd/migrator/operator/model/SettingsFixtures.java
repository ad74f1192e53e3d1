package gov.cms.bfd.migrator.operator.model;

import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.MigratorEnvironmentSpec;

/** Settings as a minimal, API-server-defaulted MigratorDeployment and MigratorEnvironment resolve them. */
public final class SettingsFixtures {
  private SettingsFixtures() {}

  public static Settings defaults(String environment) {
    return Settings.from(SettingsTest.defaulted(environment), environment, SettingsTest.defaultedEnvironment(environment));
  }

  /** The spec bean as the API server stores {@code spec: {environment: ...}} after applying the CRD's defaults. */
  public static MigratorDeploymentSpec defaultedSpec(String environment) {
    return SettingsTest.defaulted(environment);
  }

  /** The environment's spec as the API server stores {@code spec: {namespaces: [bfd]}} with the CRD's defaults. */
  public static MigratorEnvironmentSpec defaultedEnvironment(String environment) {
    return SettingsTest.defaultedEnvironment(environment);
  }

  /** Settings with another remediation. */
  public static Settings with(Settings settings, Settings.Remediation remediation) {
    return new Settings(settings.environment(), settings.region(), settings.roleArn(), settings.queueName(),
        settings.instanceTags(), settings.serviceUnit(), settings.logGroup(), settings.expectedSchemaVersion(),
        settings.timing(), remediation, settings.suspend());
  }
}

package gov.cms.bfd.migrator.operator.model;

import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;

/** Settings as a minimal, API-server-defaulted spec resolves them. */
public final class SettingsFixtures {
  private SettingsFixtures() {}

  public static Settings defaults(String environment) {
    return Settings.from(SettingsTest.defaulted(environment));
  }

  /** The spec bean as the API server stores {@code spec: {environment: ...}} after applying the CRD's defaults. */
  public static MigratorDeploymentSpec defaultedSpec(String environment) {
    return SettingsTest.defaulted(environment);
  }
}

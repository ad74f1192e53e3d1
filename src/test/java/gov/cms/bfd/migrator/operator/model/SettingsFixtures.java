package gov.cms.bfd.migrator.operator.model;

/** Settings as a minimal, API-server-defaulted spec resolves them. */
public final class SettingsFixtures {
  private SettingsFixtures() {}

  public static Settings defaults(String environment) {
    return Settings.from(SettingsTest.defaulted(environment));
  }
}

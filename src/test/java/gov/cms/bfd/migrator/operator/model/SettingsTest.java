package gov.cms.bfd.migrator.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gov.cms.bfd.migrator.operator.api.AfterFailure;
import gov.cms.bfd.migrator.operator.api.AllowedRemediation;
import gov.cms.bfd.migrator.operator.api.AwsSpec;
import gov.cms.bfd.migrator.operator.api.InstanceSpec;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.MigratorEnvironmentSpec;
import gov.cms.bfd.migrator.operator.api.QueueSpec;
import gov.cms.bfd.migrator.operator.api.RemediationMode;
import gov.cms.bfd.migrator.operator.api.RemediationSpec;
import gov.cms.bfd.migrator.operator.api.ServiceSpec;
import gov.cms.bfd.migrator.operator.api.TimingSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void defaultedSpecExpandsTheEnvironmentIntoEveryTemplate() {
    var settings = Settings.from(defaulted("prod-sbx"), "prod-sbx", defaultedEnvironment("prod-sbx"));

    assertThat(settings.queueName()).isEqualTo("bfd-prod-sbx-migrator");
    assertThat(settings.instanceTags()).isEqualTo(Map.of("Name", "bfd-prod-sbx-migrator"));
    assertThat(settings.logGroup()).isEqualTo("/bfd/prod-sbx/bfd-db-migrator/migrator-log.json");
    assertThat(settings.region()).isEqualTo("us-east-1");
    assertThat(settings.roleArn()).isEmpty();
    assertThat(settings.expectedSchemaVersion()).isEmpty();
    assertThat(settings.timing()).isEqualTo(new Settings.Timing(Duration.ofSeconds(30), Duration.ofSeconds(5),
        Duration.ofMinutes(15), Duration.ofHours(2), Duration.ofMinutes(5)));
    assertThat(settings.remediation()).isEqualTo(new Settings.Remediation(RemediationMode.Auto, true, false,
        false, AfterFailure.Approve, 4));
    assertThat(settings.suspend()).isFalse();
  }

  @Test
  void explicitValuesAreKept() {
    var environment = defaultedEnvironment("test");
    environment.queue.name = "custom-queue";
    environment.aws.roleArn = "arn:aws:iam::123456789012:role/ops";
    var spec = defaulted("test");
    spec.expectedSchemaVersion = "20240522164906244";

    var settings = Settings.from(spec, "test", environment);

    assertThat(settings.queueName()).isEqualTo("custom-queue");
    assertThat(settings.roleArn()).isEqualTo(Optional.of("arn:aws:iam::123456789012:role/ops"));
    assertThat(settings.expectedSchemaVersion()).contains("20240522164906244");
  }

  @Test
  void everythingTheSpecAsksForIsKeptWhenTheEnvironmentAllowsIt() {
    var spec = loosest("test");
    var environment = defaultedEnvironment("test");
    environment.allowedRemediation.stopService = true;
    environment.allowedRemediation.terminateInstance = true;
    environment.allowedRemediation.afterFailureAuto = true;

    var remediation = Settings.from(spec, "test", environment).remediation();

    assertThat(remediation).isEqualTo(new Settings.Remediation(RemediationMode.Auto, true, true, true,
        AfterFailure.Auto, 4));
    assertThat(remediation.caps()).isEmpty();
  }

  @Test
  void theEnvironmentCapsEverySwitchItDoesNotAllowAndSaysWhere() {
    var environment = defaultedEnvironment("prod");
    environment.allowedRemediation.modes = List.of(RemediationMode.Approve);

    var remediation = Settings.from(loosest("prod"), "prod", environment).remediation();

    assertThat(remediation.mode()).isEqualTo(RemediationMode.Approve);
    assertThat(remediation.stopService()).isFalse();
    assertThat(remediation.terminateInstance()).isFalse();
    assertThat(remediation.afterFailure()).isEqualTo(AfterFailure.Approve);
    assertThat(remediation.caps()).extracting(Settings.Cap::field)
        .containsExactly("mode", "stopService", "terminateInstance", "afterFailure");
    assertThat(remediation.cap("mode").orElseThrow().describe())
        .isEqualTo("spec.remediation.mode is Auto, but MigratorEnvironment prod caps it to Approve"
            + " (spec.allowedRemediation.modes)");
  }

  @Test
  void aModeBelowWhichNothingIsAllowedFallsToObserve() {
    var environment = defaultedEnvironment("prod");
    environment.allowedRemediation.modes = List.of(RemediationMode.Observe);
    var spec = defaulted("prod");

    assertThat(Settings.from(spec, "prod", environment).remediation().mode()).isEqualTo(RemediationMode.Observe);
    spec.remediation.mode = RemediationMode.Approve;
    assertThat(Settings.from(spec, "prod", environment).remediation().mode()).isEqualTo(RemediationMode.Observe);
  }

  @Test
  void observeIsAlwaysAllowedSinceItNeverActs() {
    var environment = defaultedEnvironment("prod");
    environment.allowedRemediation.modes = List.of(RemediationMode.Auto);
    var spec = defaulted("prod");
    spec.remediation.mode = RemediationMode.Observe;

    var remediation = Settings.from(spec, "prod", environment).remediation();

    assertThat(remediation.mode()).isEqualTo(RemediationMode.Observe);
    assertThat(remediation.caps()).isEmpty();
  }

  @Test
  void aUnitNameThatIsNotAServiceUnitIsRefusedEvenIfTheApiServerLetItThrough() {
    for (String unit : List.of("x.service; rm -rf /", "--help.service", "$(id).service", "bfd-db-migrator", "")) {
      var environment = defaultedEnvironment("test");
      environment.service.unit = unit;

      assertThatThrownBy(() -> Settings.from(defaulted("test"), "test", environment))
          .as(unit).isInstanceOf(InvalidSpecException.class);
    }
  }

  @Test
  void anEnvironmentOtherThanTheOneNamedIsRefused() {
    assertThatThrownBy(() -> Settings.from(defaulted("test"), "prod", defaultedEnvironment("prod")))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("spec.environment"));
  }

  @Test
  void missingDefaultMeansTheInstalledCrdIsNotOursAndIsNotGuessedAround() {
    var spec = defaulted("test");
    spec.timing = null;

    assertThatThrownBy(() -> Settings.from(spec, "test", defaultedEnvironment("test")))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
          assertThat(e.field()).isEqualTo("spec.timing");
          assertThat(e.getMessage()).contains("crds/");
        });
  }

  @Test
  void unparseableDurationNamesTheField() {
    var spec = defaulted("test");
    spec.timing.staleAfter = "15 minutes";

    assertThatThrownBy(() -> Settings.from(spec, "test", defaultedEnvironment("test")))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("spec.timing.staleAfter"));
  }

  @Test
  void emptyTagsWouldMatchEveryInstanceAndAreRefused() {
    var environment = defaultedEnvironment("test");
    environment.instance.tags = Map.of();

    assertThatThrownBy(() -> Settings.from(defaulted("test"), "test", environment))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.getMessage()).contains("every instance"));
  }

  /** A MigratorDeployment spec as the API server returns it after defaulting a minimal one. */
  static MigratorDeploymentSpec defaulted(String environment) {
    var spec = new MigratorDeploymentSpec();
    spec.environment = environment;
    spec.timing = new TimingSpec();
    spec.timing.pollInterval = "30s";
    spec.timing.activePollInterval = "5s";
    spec.timing.staleAfter = "15m";
    spec.timing.maxMigrationDuration = "2h";
    spec.timing.leftoverAfter = "5m";
    spec.remediation = new RemediationSpec();
    spec.remediation.mode = RemediationMode.Auto;
    spec.remediation.purgeQueue = true;
    spec.remediation.stopService = false;
    spec.remediation.terminateInstance = false;
    spec.remediation.afterFailure = AfterFailure.Approve;
    spec.remediation.maxActionsPerHour = 4;
    spec.suspend = false;
    return spec;
  }

  /** Everything switched on. */
  static MigratorDeploymentSpec loosest(String environment) {
    var spec = defaulted(environment);
    spec.remediation.stopService = true;
    spec.remediation.terminateInstance = true;
    spec.remediation.afterFailure = AfterFailure.Auto;
    return spec;
  }

  /** A MigratorEnvironment spec as the API server returns it after defaulting {@code namespaces: [ns]}. */
  static MigratorEnvironmentSpec defaultedEnvironment(String environment) {
    var spec = new MigratorEnvironmentSpec();
    spec.namespaces = List.of("bfd");
    spec.aws = new AwsSpec();
    spec.aws.region = "us-east-1";
    spec.queue = new QueueSpec();
    spec.queue.name = "bfd-${environment}-migrator";
    spec.instance = new InstanceSpec();
    spec.instance.tags = Map.of("Name", "bfd-${environment}-migrator");
    spec.service = new ServiceSpec();
    spec.service.unit = "bfd-db-migrator.service";
    spec.service.logGroup = "/bfd/${environment}/bfd-db-migrator/migrator-log.json";
    spec.allowedRemediation = new AllowedRemediation();
    spec.allowedRemediation.modes = List.of(RemediationMode.Auto, RemediationMode.Observe, RemediationMode.Approve);
    spec.allowedRemediation.stopService = false;
    spec.allowedRemediation.terminateInstance = false;
    spec.allowedRemediation.afterFailureAuto = false;
    return spec;
  }
}

package gov.cms.bfd.migrator.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gov.cms.bfd.migrator.operator.api.AfterFailure;
import gov.cms.bfd.migrator.operator.api.AwsSpec;
import gov.cms.bfd.migrator.operator.api.InstanceSpec;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.QueueSpec;
import gov.cms.bfd.migrator.operator.api.RemediationMode;
import gov.cms.bfd.migrator.operator.api.RemediationSpec;
import gov.cms.bfd.migrator.operator.api.ServiceSpec;
import gov.cms.bfd.migrator.operator.api.TimingSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void defaultedSpecExpandsTheEnvironmentIntoEveryTemplate() {
    var settings = Settings.from(defaulted("prod-sbx"));

    assertThat(settings.queueName()).isEqualTo("bfd-prod-sbx-migrator");
    assertThat(settings.instanceTags()).isEqualTo(Map.of("Name", "bfd-prod-sbx-migrator"));
    assertThat(settings.logGroup()).isEqualTo("/bfd/prod-sbx/bfd-db-migrator/migrator-log.json");
    assertThat(settings.region()).isEqualTo("us-east-1");
    assertThat(settings.roleArn()).isEmpty();
    assertThat(settings.expectedSchemaVersion()).isEmpty();
    assertThat(settings.timing()).isEqualTo(new Settings.Timing(Duration.ofSeconds(30), Duration.ofSeconds(5),
        Duration.ofMinutes(15), Duration.ofHours(2)));
    assertThat(settings.remediation()).isEqualTo(new Settings.Remediation(RemediationMode.Auto, true, false,
        false, AfterFailure.Approve, 4));
    assertThat(settings.suspend()).isFalse();
  }

  @Test
  void explicitValuesAreKept() {
    var spec = defaulted("test");
    spec.queue.name = "custom-queue";
    spec.aws.roleArn = "arn:aws:iam::123456789012:role/ops";
    spec.expectedSchemaVersion = "20240522164906244";

    var settings = Settings.from(spec);

    assertThat(settings.queueName()).isEqualTo("custom-queue");
    assertThat(settings.roleArn()).isEqualTo(Optional.of("arn:aws:iam::123456789012:role/ops"));
    assertThat(settings.expectedSchemaVersion()).contains("20240522164906244");
  }

  @Test
  void missingDefaultMeansTheInstalledCrdIsNotOursAndIsNotGuessedAround() {
    var spec = defaulted("test");
    spec.timing = null;

    assertThatThrownBy(() -> Settings.from(spec))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
          assertThat(e.field()).isEqualTo("spec.timing");
          assertThat(e.getMessage()).contains("crds/");
        });
  }

  @Test
  void unparseableDurationNamesTheField() {
    var spec = defaulted("test");
    spec.timing.staleAfter = "15 minutes";

    assertThatThrownBy(() -> Settings.from(spec))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("spec.timing.staleAfter"));
  }

  @Test
  void emptyTagsWouldMatchEveryInstanceAndAreRefused() {
    var spec = defaulted("test");
    spec.instance.tags = Map.of();

    assertThatThrownBy(() -> Settings.from(spec))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.getMessage()).contains("every instance"));
  }

  /** A spec as the API server returns it after defaulting a minimal one. */
  static MigratorDeploymentSpec defaulted(String environment) {
    var spec = new MigratorDeploymentSpec();
    spec.environment = environment;
    spec.aws = new AwsSpec();
    spec.aws.region = "us-east-1";
    spec.queue = new QueueSpec();
    spec.queue.name = "bfd-${environment}-migrator";
    spec.instance = new InstanceSpec();
    spec.instance.tags = Map.of("Name", "bfd-${environment}-migrator");
    spec.service = new ServiceSpec();
    spec.service.unit = "bfd-db-migrator.service";
    spec.service.logGroup = "/bfd/${environment}/bfd-db-migrator/migrator-log.json";
    spec.timing = new TimingSpec();
    spec.timing.pollInterval = "30s";
    spec.timing.activePollInterval = "5s";
    spec.timing.staleAfter = "15m";
    spec.timing.maxMigrationDuration = "2h";
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
}

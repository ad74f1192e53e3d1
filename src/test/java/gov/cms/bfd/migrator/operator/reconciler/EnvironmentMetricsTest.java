package gov.cms.bfd.migrator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ActionState;
import gov.cms.bfd.migrator.operator.api.Condition;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.FailureMode;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.PlannedAction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class EnvironmentMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final EnvironmentMetrics metrics = new EnvironmentMetrics(registry, Duration.ZERO);

  @Test
  void oneSeriesPerValueWithOneForTheCurrentOne() {
    metrics.environment("bfd", "prod", "prod", status("False", FailureMode.MigrationFailed, ActionState.AwaitingApproval));

    assertThat(gauge("migrator_deployable", "status", "False")).isEqualTo(1);
    assertThat(gauge("migrator_deployable", "status", "True")).isZero();
    assertThat(gauge("migrator_deployable", "status", "Unknown")).isZero();
    assertThat(gauge("migrator_failure_mode", "mode", "MigrationFailed")).isEqualTo(1);
    assertThat(registry.find("migrator_failure_mode").gauges()).hasSize(FailureMode.values().length);
    assertThat(gauge("migrator_planned_actions", "state", "AwaitingApproval")).isEqualTo(1);

    metrics.environment("bfd", "prod", "prod", status("True", FailureMode.None));

    assertThat(gauge("migrator_deployable", "status", "True")).isEqualTo(1);
    assertThat(gauge("migrator_deployable", "status", "False")).isZero();
    assertThat(gauge("migrator_failure_mode", "mode", "None")).isEqualTo(1);
    assertThat(gauge("migrator_planned_actions", "state", "AwaitingApproval")).isZero();
  }

  @Test
  void noDeployableConditionYetIsUnknown() {
    var status = new MigratorDeploymentStatus();
    metrics.environment("bfd", "new", "new", status);
    assertThat(gauge("migrator_deployable", "status", "Unknown")).isEqualTo(1);
    assertThat(registry.find("migrator_failure_mode").gauges()).allSatisfy(g -> assertThat(g.value()).isZero());
  }

  @Test
  void seriesOfADeletedResourceEnd() {
    metrics.environment("bfd", "prod", "prod", status("True", FailureMode.None));
    metrics.environment("bfd", "test", "test", status("True", FailureMode.None));

    metrics.retainOnly(() -> Stream.of("bfd/test"));

    assertThat(registry.find("migrator_deployable").tag("name", "prod").gauges()).isEmpty();
    assertThat(registry.find("migrator_failure_mode").tag("name", "prod").gauges()).isEmpty();
    assertThat(registry.find("migrator_deployable").tag("name", "test").gauges()).hasSize(3);
    assertThat(metrics.environmentsTracked()).isEqualTo(1);
  }

  @Test
  void aChangedEnvironmentNameMovesTheSeries() {
    metrics.environment("bfd", "md", "old", status("True", FailureMode.None));
    metrics.environment("bfd", "md", "new", status("True", FailureMode.None));
    assertThat(registry.find("migrator_deployable").tag("environment", "old").gauges()).isEmpty();
    assertThat(registry.find("migrator_deployable").tag("environment", "new").gauges()).hasSize(3);
  }

  private double gauge(String name, String key, String value) {
    return registry.get(name).tag(key, value).gauge().value();
  }

  private static MigratorDeploymentStatus status(String deployable, FailureMode mode, ActionState... planned) {
    var status = new MigratorDeploymentStatus();
    var c = new Condition();
    c.type = ConditionTypes.DEPLOYABLE;
    c.status = deployable;
    status.conditions = List.of(c);
    status.failureMode = mode;
    status.plannedActions = Stream.of(planned).map(s -> {
      var a = new PlannedAction();
      a.state = s;
      return a;
    }).toList();
    return status;
  }
}

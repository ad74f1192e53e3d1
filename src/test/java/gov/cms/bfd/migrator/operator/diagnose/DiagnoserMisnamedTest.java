package gov.cms.bfd.migrator.operator.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.model.ConditionStatus;
import gov.cms.bfd.migrator.operator.model.DesiredCondition;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.SettingsFixtures;
import gov.cms.bfd.migrator.operator.observe.AwsFailure;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.Observed;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.report.Kstatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A missing queue passes the gate, as the deploy pipeline's pre-check does; when nothing else of the environment
 * exists either (no instance, no log group) the gate still passes but says the name may be wrong. Whether the log
 * group exists is asked only then, and a group that could not be looked at changes nothing.
 */
class DiagnoserMisnamedTest {

  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final Settings SETTINGS = SettingsFixtures.defaults("prdo");

  private final Diagnoser diagnoser = new Diagnoser();

  @Test
  void nothingInAwsPassesTheGateWithAWarning() {
    var seen = nothing().withLogGroup(Observed.seen(false));

    var diagnosis = diagnoser.diagnose(seen, SETTINGS, NOW);

    DesiredCondition deployable = condition(diagnosis, ConditionTypes.DEPLOYABLE);
    assertThat(deployable.status()).isEqualTo(ConditionStatus.True);
    assertThat(deployable.reason()).isEqualTo(Reasons.ENVIRONMENT_NOT_FOUND);
    assertThat(deployable.message()).contains("'prdo'").contains("bfd-prdo-migrator").contains(SETTINGS.logGroup())
        .contains("misspelt");
    var kstatus = Kstatus.conditions(seen, diagnosis, Optional.empty(), List.of(), List.of());
    assertThat(condition(kstatus, ConditionTypes.READY).reason()).isEqualTo(Reasons.ENVIRONMENT_NOT_FOUND);
    assertThat(condition(kstatus, ConditionTypes.READY).status()).isEqualTo(ConditionStatus.True);
    assertThat(condition(kstatus, ConditionTypes.STALLED).status()).isEqualTo(ConditionStatus.False);
    assertThat(diagnosis.runbook().steps().get(0).text()).contains("kubectl get migratorenvironment prdo -o yaml");
  }

  @Test
  void theLogGroupIsAskedForOnlyWhenNeitherQueueNorInstanceExists() {
    assertThat(diagnoser.needs(nothing(), SETTINGS, NOW).logGroup()).isTrue();

    var withInstance = Observation.basic(NOW, Observed.seen(new QueueState.Missing(SETTINGS.queueName())),
        Observed.seen(List.of(new Instance("i-0abc", Instance.State.stopped, NOW.minus(Duration.ofDays(2)), Map.of()))));
    assertThat(diagnoser.needs(withInstance, SETTINGS, NOW).logGroup()).isFalse();

    var withQueue = Observation.basic(NOW, Observed.seen(new QueueState.Present("https://q", 0, 0, 0, List.of(), true)),
        Observed.seen(List.of()));
    assertThat(diagnoser.needs(withQueue, SETTINGS, NOW).logGroup()).isFalse();
  }

  @Test
  void anExistingLogGroupIsAnEnvironmentWithoutARunningDeployment() {
    var diagnosis = diagnoser.diagnose(nothing().withLogGroup(Observed.seen(true)), SETTINGS, NOW);

    assertThat(condition(diagnosis, ConditionTypes.DEPLOYABLE).reason()).isEqualTo(Reasons.READY_TO_DEPLOY);
    assertThat(condition(diagnosis, ConditionTypes.QUEUE_EMPTY).reason()).isEqualTo(Reasons.QUEUE_NOT_FOUND);
  }

  @Test
  void anUnansweredLogGroupQuestionIsNoWarningAndNoGuess() {
    var failure = new AwsFailure("logs", "DescribeLogStreams", AwsFailure.Kind.UNAVAILABLE, "Rate exceeded");
    var diagnosis = diagnoser.diagnose(nothing().withLogGroup(Observed.failed(failure)), SETTINGS, NOW);

    assertThat(condition(diagnosis, ConditionTypes.DEPLOYABLE).reason()).isNotEqualTo(Reasons.ENVIRONMENT_NOT_FOUND);
  }

  private static Observation nothing() {
    return Observation.basic(NOW, Observed.seen(new QueueState.Missing(SETTINGS.queueName())), Observed.seen(List.of()));
  }

  private static DesiredCondition condition(Diagnosis diagnosis, String type) {
    return condition(diagnosis.conditions(), type);
  }

  private static DesiredCondition condition(List<DesiredCondition> conditions, String type) {
    return conditions.stream().filter(c -> c.type().equals(type)).findFirst().orElseThrow();
  }
}

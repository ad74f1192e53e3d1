package gov.cms.bfd.migrator.operator.report;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.act.Executor;
import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.Condition;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.HistoryEntry;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.diagnose.Diagnoser;
import gov.cms.bfd.migrator.operator.model.Input;
import gov.cms.bfd.migrator.operator.model.InvalidSpecException;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.SettingsFixtures;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.Observed;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusComposerTest {

  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00.123Z");
  private final StatusComposer composer = new StatusComposer();

  @Test
  void composeTwiceChangesNothing() {
    var first = observed(1, T0, null);
    var second = observed(1, T0.plusSeconds(90), first);

    assertThat(second).usingRecursiveComparison().isEqualTo(first);
  }

  @Test
  void everyConditionCarriesTheGenerationAndTimesAreWholeSeconds() {
    var status = observed(7, T0, null);

    assertThat(status.observedGeneration).isEqualTo(7L);
    assertThat(status.conditions).extracting(c -> c.type).containsExactlyElementsOf(ConditionTypes.ALL);
    assertThat(status.conditions).allSatisfy(c -> {
      assertThat(c.observedGeneration).isEqualTo(7L);
      assertThat(c.lastTransitionTime).isEqualTo("2026-11-26T10:00:00Z");
    });
  }

  @Test
  void transitionTimeMovesOnlyForConditionsWhoseStatusFlips() {
    var before = observed(1, T0, null);
    var after = composer.compose(input(2, valid(true), T0.plusSeconds(60)), before, List.of());

    // Reconciling: False (Observed) -> False (Suspended): kept. Ready: True -> False: moved.
    assertThat(condition(after, ConditionTypes.RECONCILING).reason).isEqualTo(Reasons.SUSPENDED);
    assertThat(condition(after, ConditionTypes.RECONCILING).lastTransitionTime).isEqualTo("2026-11-26T10:00:00Z");
    assertThat(condition(after, ConditionTypes.READY).status).isEqualTo("False");
    assertThat(condition(after, ConditionTypes.READY).lastTransitionTime).isEqualTo("2026-11-26T10:01:00Z");
    assertThat(after.conditions).allSatisfy(c -> assertThat(c.observedGeneration).isEqualTo(2L));
  }

  @Test
  void invalidSpecStallsAndSaysWhatToFix() {
    var status = composer.compose(input(3, new Input.Resolved.Invalid(
        new InvalidSpecException("spec.timing", "is missing")), T0), null, List.of());

    assertThat(condition(status, ConditionTypes.STALLED).status).isEqualTo("True");
    assertThat(condition(status, ConditionTypes.STALLED).message).contains("spec.timing is missing");
    assertThat(condition(status, ConditionTypes.READY).status).isEqualTo("False");
    assertThat(condition(status, ConditionTypes.DEPLOYABLE).status).isEqualTo("Unknown");
  }

  @Test
  void suspendedSaysSoAndGuessesNothing() {
    var status = composer.compose(input(1, valid(true), T0), observed(1, T0, null), List.of());

    assertThat(condition(status, ConditionTypes.READY).reason).isEqualTo(Reasons.SUSPENDED);
    for (String type : ConditionTypes.DOMAIN) {
      assertThat(condition(status, type).status).as(type).isEqualTo("Unknown");
      assertThat(condition(status, type).reason).as(type).isEqualTo(Reasons.SUSPENDED);
    }
  }

  @Test
  void historyRoundTripsThroughStatus() {
    var entry = new HistoryEntry();
    entry.time = "2026-11-26T09:00:00Z";
    entry.action = ActionType.PurgeQueue;
    entry.target = "https://sqs/q";
    entry.outcome = ActionOutcome.Succeeded;
    entry.approvedBy = "alice";
    entry.planFingerprint = "0123456789abcdef";
    entry.detail = "queue seen empty";
    entry.answeredAt = "2026-11-26T09:00:01.250Z";
    entry.evidence = List.of("monitor pid 4242 code exited status 2");
    Settings settings = SettingsFixtures.defaults("test");
    Observation seen = Observation.basic(T0, Observed.seen(new QueueState.Missing(settings.queueName())),
        Observed.seen(List.of()));
    var input = new Input("ns", "test", 1, Map.of(), new Input.Resolved.Valid(settings),
        new Input.Prior(false, false, Histories.from(List.of(entry))), T0);

    var status = composer.compose(input, null, seen, new Diagnoser().diagnose(seen, settings, T0));

    assertThat(status.history).singleElement().usingRecursiveComparison().isEqualTo(entry);
  }

  @Test
  void aMangledAnswerTimeCountsAsNoAnswerAndKeepsTheEntry() {
    var entry = new HistoryEntry();
    entry.time = "2026-11-26T09:00:00Z";
    entry.action = ActionType.PurgeQueue;
    entry.outcome = ActionOutcome.Pending;
    entry.answeredAt = "yesterday";

    var records = Histories.from(List.of(entry));

    assertThat(records).singleElement().satisfies(r -> {
      assertThat(r.answeredAt()).isEmpty();
      assertThat(r.calledBy(Executor.UNANSWERED_REACH)).isEqualTo(Instant.parse(entry.time).plus(Executor.UNANSWERED_REACH));
    });
  }

  /** A clean environment: no queue, no instance. */
  private MigratorDeploymentStatus observed(long generation, Instant now, MigratorDeploymentStatus prior) {
    Settings settings = SettingsFixtures.defaults("test");
    Observation seen = Observation.basic(now, Observed.seen(new QueueState.Missing(settings.queueName())),
        Observed.seen(List.of()));
    return composer.compose(input(generation, new Input.Resolved.Valid(settings), now), prior, seen,
        new Diagnoser().diagnose(seen, settings, now));
  }

  private static Input input(long generation, Input.Resolved settings, Instant now) {
    return new Input("ns", "test", generation, Map.of(), settings, Input.Prior.NONE, now);
  }

  private static Input.Resolved valid(boolean suspend) {
    Settings settings = SettingsFixtures.defaults("test");
    return new Input.Resolved.Valid(new Settings(settings.environment(), settings.region(), settings.roleArn(),
        settings.queueName(), settings.instanceTags(), settings.serviceUnit(), settings.logGroup(),
        settings.expectedSchemaVersion(), settings.timing(), settings.remediation(), suspend));
  }

  private static Condition condition(MigratorDeploymentStatus status, String type) {
    return Conditions.find(status.conditions, type).orElseThrow();
  }
}

package gov.cms.bfd.migrator.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a look at a queue confirmed empty may read its counts only. */
class PriorTest {

  private static final Instant NOW = Instant.parse("2026-11-28T23:00:00Z");

  @Test
  void aQueueConfirmedEmptyIsReadFromItsCounts() {
    assertThat(new Input.Prior(true, false, List.of()).countsSuffice()).isTrue();
    assertThat(new Input.Prior(false, false, List.of()).countsSuffice()).isFalse();
  }

  @Test
  void whileAPurgeIsInItsWindowEveryLookReceives() {
    var pending = List.of(record(ActionType.PurgeQueue, ActionOutcome.Pending));
    assertThat(new Input.Prior(true, false, pending).countsSuffice())
        .as("a message arriving now may be deleted by the purge before the counts show it").isFalse();
  }

  @Test
  void oncePurgesAreJudgedAndOtherActionsPendCountsSufficeAgain() {
    assertThat(new Input.Prior(true, false, List.of(record(ActionType.PurgeQueue, ActionOutcome.Succeeded),
        record(ActionType.StopService, ActionOutcome.Pending))).countsSuffice()).isTrue();
  }

  private static ActionRecord record(ActionType action, ActionOutcome outcome) {
    return new ActionRecord(NOW, action, action == ActionType.PurgeQueue ? "https://sqs/q" : "i-1", outcome,
        Optional.empty(), "f", "detail", Optional.empty(), List.of(), Optional.empty());
  }
}

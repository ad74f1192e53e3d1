package gov.cms.bfd.migrator.operator.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.AppStage;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.Monitor;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.Native;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.Unrecognized;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MessageOrderTest {

  private static final Instant T0 = Instant.parse("2025-09-20T18:00:00Z");

  @Test
  void nativeMessagesOfOneRunFollowTheirCounterWhenSqsReorders() {
    var third = nativeMessage("a", 0, 5046, 3, AppStage.Migrating);
    var first = nativeMessage("b", 1, 5046, 1, AppStage.Started);
    var second = nativeMessage("c", 2, 5046, 2, AppStage.Connected);

    assertThat(MessageOrder.chronological(List.of(third, first, second))).containsExactly(first, second, third);
  }

  @Test
  void otherMessagesKeepTheirPlaceInTimeAmongARun() {
    var started = nativeMessage("a", 0, 5046, 1, AppStage.Started);
    var finished = nativeMessage("b", 10, 5046, 3, AppStage.Finished);
    var connected = nativeMessage("c", 20, 5046, 2, AppStage.Connected);
    var stray = new Unrecognized("d", T0.plusSeconds(15), "hello", false, "not JSON");
    var laterRun = nativeMessage("e", 5, 6000, 1, AppStage.Started);

    assertThat(MessageOrder.chronological(List.of(finished, stray, connected, laterRun, started)))
        .containsExactly(started, laterRun, connected, stray, finished);
  }

  @Test
  void monitorsFinalMessageFollowsAHeartbeatOfTheSameMillisecond() {
    var last = monitor("a", 60, Optional.of("Mon 2023-03-13 18:01:00 UTC"), "exited", "0");
    var heartbeat = monitor("b", 60, Optional.empty(), "(null)", "0/0");
    var earlier = monitor("c", 30, Optional.empty(), "(null)", "0/0");

    assertThat(MessageOrder.chronological(List.of(last, heartbeat, earlier)))
        .containsExactly(earlier, heartbeat, last);
  }

  @Test
  void tiesAreBrokenBySqsMessageId() {
    var b = new Unrecognized("b", T0, "b", false, "not JSON");
    var a = new Unrecognized("a", T0, "a", false, "not JSON");

    assertThat(MessageOrder.chronological(List.of(b, a))).containsExactly(a, b);
  }

  @Test
  void dedupeKeepsTheFirstOfEachSqsMessageId() {
    var once = nativeMessage("a", 0, 5046, 1, AppStage.Started);
    var other = nativeMessage("b", 1, 5046, 2, AppStage.Connected);

    assertThat(MessageOrder.dedupe(List.of(once, other, once))).containsExactly(once, other);
    assertThat(MessageOrder.chronological(List.of(other, once, other))).containsExactly(once, other);
  }

  private static Native nativeMessage(String sqsId, long second, long pid, long messageId, AppStage stage) {
    return new Native(sqsId, T0.plusSeconds(second), pid, messageId, stage, Optional.empty());
  }

  private static Monitor monitor(String sqsId, long second, Optional<String> stopTime, String code, String status) {
    return new Monitor(sqsId, T0.plusSeconds(second), "4242", Optional.of("Mon 2023-03-13 18:00:01 UTC"),
        stopTime, code, status, Optional.empty());
  }
}

package gov.cms.bfd.migrator.operator.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.SettingsFixtures;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.LogExcerpt;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.Observed;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.observe.RawMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * S4 where the operator's view is partial: silence in what it could read is not silence of the migrator. A
 * queue holding more than the sample (SQS answers in no particular order; moto oldest first), messages in flight
 * with another reader (the old Jenkins monitor), or a log with recent lines keep a run in progress; only what is
 * really silent is stalled or orphaned.
 */
class DiagnoserProgressTest {

  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private static final Settings SETTINGS = SettingsFixtures.defaults("test"); // staleAfter 15m
  private static final String URL = "https://sqs.us-east-1.amazonaws.com/123456789012/bfd-test-migrator";
  private static final Instance RUNNING = new Instance("i-0abc", Instance.State.running,
      NOW.minus(Duration.ofMinutes(40)), Map.of("Name", "bfd-test-migrator"));

  private final Diagnoser diagnoser = new Diagnoser();

  @Test
  void oldSampleOfALargerQueueIsNotAStall() {
    var seen = observation(progressMessages(20, NOW.minus(Duration.ofMinutes(30))), 38, 0);

    var verdict = diagnoser.diagnose(seen, SETTINGS, NOW).verdict();

    assertThat(verdict).isInstanceOf(Verdict.InProgress.class);
    assertThat(((Verdict.InProgress) verdict).detail()).contains("38 visible").contains("20 could be read");
  }

  @Test
  void oldCompleteSampleIsAStall() {
    var seen = observation(progressMessages(5, NOW.minus(Duration.ofMinutes(30))), 5, 0);

    assertThat(diagnoser.diagnose(seen, SETTINGS, NOW).verdict()).isInstanceOf(Verdict.Stalled.class);
  }

  @Test
  void recentLogLinesAreProgress() {
    var seen = observation(progressMessages(5, NOW.minus(Duration.ofMinutes(30))), 5, 0)
        .withLog(Observed.seen(log(NOW.minus(Duration.ofMinutes(2)))));

    var verdict = diagnoser.diagnose(seen, SETTINGS, NOW).verdict();

    assertThat(verdict).isInstanceOf(Verdict.InProgress.class);
    assertThat(((Verdict.InProgress) verdict).detail()).contains("log shows activity at 2026-11-26T11:58:00Z");
  }

  @Test
  void oldLogLinesAreNot() {
    var seen = observation(progressMessages(5, NOW.minus(Duration.ofMinutes(30))), 5, 0)
        .withLog(Observed.seen(log(NOW.minus(Duration.ofMinutes(20)))));

    assertThat(diagnoser.diagnose(seen, SETTINGS, NOW).verdict()).isInstanceOf(Verdict.Stalled.class);
  }

  @Test
  void maxMigrationDurationStillStopsARunWhoseNewestProgressIsUnseen() {
    var launched = new Instance("i-0abc", Instance.State.running, NOW.minus(Duration.ofHours(3)), Map.of());
    var messages = progressMessages(20, NOW.minus(Duration.ofHours(2).plusMinutes(50)));
    var seen = Observation.basic(NOW, Observed.seen(new QueueState.Present(URL, 38, 0, 0, messages, false)),
        Observed.seen(List.of(launched)));

    var verdict = diagnoser.diagnose(seen, SETTINGS, NOW).verdict();

    assertThat(verdict).isInstanceOf(Verdict.Stalled.class);
    assertThat(((Verdict.Stalled) verdict).why()).contains("maxMigrationDuration");
  }

  @Test
  void anInstanceWhoseMessagesAnotherReaderHoldsIsNotOrphaned() {
    var seen = observation(List.of(), 0, 3);

    var verdict = diagnoser.diagnose(seen, SETTINGS, NOW).verdict();

    assertThat(verdict).isInstanceOf(Verdict.InProgress.class);
    assertThat(((Verdict.InProgress) verdict).detail()).contains("3 in-flight");
  }

  @Test
  void aSilentInstanceWithRecentLogLinesIsNotOrphaned() {
    var seen = observation(List.of(), 0, 0).withLog(Observed.seen(log(NOW.minus(Duration.ofMinutes(1)))));

    assertThat(diagnoser.diagnose(seen, SETTINGS, NOW).verdict()).isInstanceOf(Verdict.InProgress.class);
  }

  @Test
  void aSilentInstanceWithAnOldLogIsOrphaned() {
    var seen = observation(List.of(), 0, 0).withLog(Observed.seen(log(NOW.minus(Duration.ofMinutes(30)))));

    assertThat(diagnoser.diagnose(seen, SETTINGS, NOW).verdict()).isInstanceOf(Verdict.Orphaned.class);
  }

  private static Observation observation(List<RawMessage> sample, long visible, long inFlight) {
    return Observation.basic(NOW, Observed.seen(new QueueState.Present(URL, visible, inFlight, 0, sample, false)),
        Observed.seen(List.of(RUNNING)));
  }

  /** A native run's Started, Connected and Migrating messages, one a second from {@code from}. */
  private static List<RawMessage> progressMessages(int count, Instant from) {
    var out = new ArrayList<RawMessage>();
    String[] stages = {"Started", "Connected"};
    for (int i = 0; i < count; i++) {
      String stage = i < stages.length ? stages[i] : "Migrating";
      out.add(new RawMessage("m-" + i, "{\"appStage\":\"" + stage + "\",\"messageId\":" + (i + 1) + ",\"pid\":5046}",
          from.plusSeconds(i)));
    }
    return out;
  }

  private static LogExcerpt log(Instant last) {
    return new LogExcerpt("/bfd/test/bfd-db-migrator/migrator-log.json", "i-0abc", List.of(
        new LogExcerpt.Line(last.minusSeconds(60), "{\"message\":\"Migrating schema\"}"),
        new LogExcerpt.Line(last, "{\"message\":\"Migrating schema to version 42\"}")));
  }
}

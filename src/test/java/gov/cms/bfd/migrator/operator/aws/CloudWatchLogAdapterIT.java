package gov.cms.bfd.migrator.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import gov.cms.bfd.migrator.operator.observe.LogExcerpt;
import gov.cms.bfd.migrator.operator.sim.MigratorSimulator;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.MotoServer;
import gov.cms.bfd.migrator.operator.testbed.Realism;
import gov.cms.bfd.migrator.operator.testbed.RealismLayer;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The migrator's log read as CloudWatch Logs answers in a real account: GetLogEvents "can return empty results while
 * there are more log events available through the token" (its API reference). The realism layer answers empty pages
 * with new tokens before the page with the events; the adapter follows the token until it repeats.
 */
@ExtendWith(MotoReset.class)
class CloudWatchLogAdapterIT {

  private static final AwsTarget TARGET = new AwsTarget("us-east-1", Optional.empty());

  private RealismLayer realism;
  private MigratorSimulator sim;
  private CloudWatchLogAdapter adapter;

  @BeforeEach
  void setUp() {
    realism = TestBed.get().moto().realism();
    sim = new MigratorSimulator(TestBed.get().moto().endpoint(), "us-east-1", "logs-adapter");
    adapter = new CloudWatchLogAdapter(new AwsClients(MotoServer.clientSettings(TestBed.get().moto().endpoint()),
        List.of()));
  }

  @AfterEach
  void tearDown() {
    sim.close();
  }

  @Test
  void emptyPagesWithATokenAreFollowedToTheEvents() {
    realism.set(Realism.LOG_PAGES_CAN_BE_EMPTY_WITH_A_TOKEN, true);
    realism.settings(Map.of("emptyLogPageChance", 1.0, "emptyLogPagesMax", 3)); // every first answer is empty
    sim.log("i-0123456789abcdef0", List.of("Successfully started", "Flyway Exception when running migration",
        "Migration failed, shutting down"));

    for (int read = 0; read < 5; read++) {
      LogExcerpt excerpt = adapter.tail(TARGET, sim.logGroup(), "i-0123456789abcdef0", 50).orElseThrow();
      assertThat(excerpt.lines()).as("read " + read).hasSize(3);
      assertThat(excerpt.lines().get(2).text()).contains("Migration failed, shutting down");
    }
  }

  @Test
  void theTailIsTheNewestLinesOldestFirst() {
    sim.log("i-0123456789abcdef1", IntStream.range(0, 30).mapToObj(i -> "line " + i).toList());

    LogExcerpt excerpt = adapter.tail(TARGET, sim.logGroup(), "i-0123456789abcdef1", 12).orElseThrow();

    assertThat(excerpt.lines()).extracting(LogExcerpt.Line::text)
        .allSatisfy(t -> assertThat(t).contains("line "))
        .hasSize(12);
    assertThat(excerpt.lines().get(0).text()).contains("\"line 18\"");
    assertThat(excerpt.lines().get(11).text()).contains("\"line 29\"");
  }

  @Test
  void aMissingStreamIsNoExcerpt() {
    sim.log("i-0123456789abcdef2", List.of("Successfully started"));

    assertThat(adapter.tail(TARGET, sim.logGroup(), "i-00000000000000000", 50)).isEmpty();
  }
}

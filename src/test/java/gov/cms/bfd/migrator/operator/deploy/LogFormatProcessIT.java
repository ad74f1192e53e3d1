package gov.cms.bfd.migrator.operator.deploy;

import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMessage;
import static gov.cms.bfd.migrator.operator.testbed.ConditionAssert.has;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.OperatorProcess;
import gov.cms.bfd.migrator.operator.testbed.Scenario;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The packaged operator's log in the two formats the chart offers (logging.format: LOG_JSON), while it repairs a
 * leftover success message: every line names the date, and the lines of a reconcile name the resource, as a field
 * of the JSON object or as namespace/name in the plain line.
 */
@ExtendWith(MotoReset.class)
class LogFormatProcessIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void jsonLinesCarryTheResourceAsAField(TestInfo test) throws Exception {
    var run = repairWithLog(test, "json", Map.of("LOG_JSON", "true"));
    List<JsonNode> lines = new ArrayList<>();
    for (String line : run.log().lines().filter(l -> !l.isBlank()).toList()) {
      assertThat(line).as("every line of the log is a JSON object").startsWith("{");
      lines.add(JSON.readTree(line));
    }
    String resource = run.resource();

    assertThat(lines).allSatisfy(l -> assertThat(l.path("timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*"));
    assertThat(lines).anySatisfy(l -> {
      assertThat(l.path("loggerName").asText()).startsWith("gov.cms.bfd");
      assertThat(l.path("mdc").path("resource").asText()).isEqualTo(resource);
      assertThat(l.path("mdc").path("resource.namespace").asText()).isEqualTo("logs");
    });
  }

  /** LOG_LEVEL (the chart's logging.level) is the level of the operator's own loggers, not of the libraries'. */
  @Test
  void logLevelSetsTheOperatorsOwnLevel(TestInfo test) throws Exception {
    var run = repairWithLog(test, "warn", Map.of("LOG_LEVEL", "WARN"));

    // the plain format abbreviates gov.cms.bfd... to go.cm.bf...
    assertThat(run.log().lines().filter(l -> l.matches(".* INFO +\\[go\\.cm\\.bf\\..*")).toList()).isEmpty();
    assertThat(run.log().lines()).anyMatch(l -> l.matches(".* INFO +\\[io\\.quarkus\\] .*"));
  }

  @Test
  void plainLinesCarryTheDateAndTheResource(TestInfo test) throws Exception {
    var run = repairWithLog(test, "text", Map.of());
    String log = run.log();
    String resource = run.resource();

    assertThat(log.lines().filter(l -> l.contains(" INFO ")).toList()).isNotEmpty()
        .allSatisfy(l -> assertThat(l).matches("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\S* INFO .*"))
        .anySatisfy(l -> assertThat(l).matches(".* INFO +\\[go\\.cm\\.bf\\.[^\\]]*\\] " + resource + " .*"));
    assertThat(log).doesNotContain("{\"timestamp\"");
  }

  /** The operator's log, and the namespace/name of the resource it repaired. */
  private record Run(String log, String resource) {}

  /** The operator's log while it purges one environment's leftover success message. */
  private static Run repairWithLog(TestInfo test, String name, Map<String, String> env) throws Exception {
    var bed = TestBed.get();
    try (var client = bed.client();
        var scenario = new Scenario(client, "logs", "l", test.getDisplayName());
        var operator = OperatorProcess.start(bed, bed.moto().endpoint(), "logs-" + name, env, "/q/health/ready")) {
      scenario.sim().createQueue();
      scenario.sim().send(nativeMessage(5046, 14, "Finished"));
      scenario.create(scenario.spec());
      scenario.awaitStatus(Duration.ofSeconds(60), m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
      return new Run(operator.log(), "logs/" + scenario.get().getMetadata().getName());
    }
  }
}

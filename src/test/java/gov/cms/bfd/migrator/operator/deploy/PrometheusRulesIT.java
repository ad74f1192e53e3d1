package gov.cms.bfd.migrator.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import gov.cms.bfd.migrator.operator.testbed.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart's alerts (helm/templates/prometheusrule.yaml), as `helm template` renders them for the default release,
 * are valid Prometheus rules and pass their unit tests under promtool (src/test/resources/prometheus/alerts-test.yaml:
 * each alert firing and not firing). promtool is built from the Go module proxy by {@code make test-deps}.
 */
class PrometheusRulesIT {

  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final YAMLMapper YAML = new YAMLMapper();

  @Test
  void alertsPassTheirPromtoolUnitTests() throws IOException {
    Path dir = renderedRules();
    try {
      var check = Cli.promtool(ROOT, "check", "rules", dir.resolve("rules.yaml").toString());
      assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
      assertThat(check.stdout()).contains("SUCCESS: 5 rules found");

      var test = Cli.promtool(ROOT, "test", "rules", dir.resolve("alerts-test.yaml").toString());

      System.out.print(test.stdout() + test.stderr());
      assertThat(test.exitCode()).as(test.stdout() + test.stderr()).isZero();
      assertThat(test.stdout()).contains("SUCCESS");
    } finally {
      deleteTree(dir);
    }
  }

  /** Every alert of the rules file is exercised by the unit tests. */
  @Test
  void everyAlertHasUnitTests() throws IOException {
    Path dir = renderedRules();
    try {
      var rules = YAML.readTree(dir.resolve("rules.yaml").toFile());
      var tests = Files.readString(dir.resolve("alerts-test.yaml"));
      List<String> alerts = Stream.of(rules.path("groups").get(0).path("rules"))
          .flatMap(r -> java.util.stream.StreamSupport.stream(r.spliterator(), false))
          .map(r -> r.path("alert").asText()).toList();
      assertThat(alerts).containsExactly("MigratorNotDeployable", "MigratorApprovalAwaited", "MigratorAwsAccessDenied",
          "MigratorEnvironmentNotFound", "MigratorOperatorDown");
      for (String alert : alerts) {
        assertThat(tests).as("alerts-test.yaml tests %s", alert).contains("alertname: " + alert + "\n");
      }
    } finally {
      deleteTree(dir);
    }
  }

  @Test
  void valuesSetTheWaitsAndTheAlertLabels() throws IOException {
    var rule = prometheusRule("--set", "metrics.prometheusRule.notDeployableFor=45m",
        "--set", "metrics.prometheusRule.alertLabels.team=bfd-platform");

    var first = rule.path("spec").path("groups").get(0).path("rules").get(0);
    assertThat(first.path("for").asText()).isEqualTo("45m");
    assertThat(first.path("labels").path("team").asText()).isEqualTo("bfd-platform");
    assertThat(first.path("annotations").path("description").asText()).contains("for 45m");
  }

  /** The chart's PrometheusRule spec as a rules file, beside a copy of the unit tests, in a new directory. */
  private static Path renderedRules() throws IOException {
    var rule = prometheusRule();
    Path dir = Files.createTempDirectory("prometheus-rules-");
    Files.writeString(dir.resolve("rules.yaml"), YAML.writeValueAsString(rule.path("spec")));
    Files.copy(ROOT.resolve("src/test/resources/prometheus/alerts-test.yaml"), dir.resolve("alerts-test.yaml"));
    return dir;
  }

  private static com.fasterxml.jackson.databind.JsonNode prometheusRule(String... values) throws IOException {
    var args = new java.util.ArrayList<>(List.of("template", "migrator-operator", "helm/", "--namespace",
        "migrator-operator", "--set", "metrics.prometheusRule.enabled=true", "--show-only",
        "templates/prometheusrule.yaml"));
    args.addAll(List.of(values));
    var rendered = Cli.helm(ROOT, args.toArray(String[]::new)).ok();
    var rule = YAML.readTree(rendered);
    assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
    return rule;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

}

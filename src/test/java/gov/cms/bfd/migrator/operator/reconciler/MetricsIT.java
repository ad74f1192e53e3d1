package gov.cms.bfd.migrator.operator.reconciler;

import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.monitorMessage;
import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMessage;
import static gov.cms.bfd.migrator.operator.testbed.ConditionAssert.has;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import gov.cms.bfd.migrator.operator.api.ActionState;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.Scenario;
import gov.cms.bfd.migrator.operator.testbed.TestBedResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/** What /q/metrics says about environments, actions, AWS calls and reconciles, scraped as Prometheus would. */
@QuarkusTest
@WithTestResource(TestBedResource.class)
@ExtendWith(MotoReset.class)
class MetricsIT {

  private static final Duration WAIT = Duration.ofSeconds(40);

  @Inject
  KubernetesClient client;

  @TestHTTPResource("/q/metrics")
  URI metrics;

  @Test
  void perEnvironmentStateActionsAwsCallsAndReconcileDurations(TestInfo test) throws Exception {
    try (var purged = new Scenario(client, "metrics", "p", test.getDisplayName() + "-purged");
        var failed = new Scenario(client, "metrics", "f", test.getDisplayName() + "-failed")) {
      purged.sim().createQueue();
      purged.sim().send(nativeMessage(5046, 14, "Finished"));
      failed.sim().createQueue();
      failed.sim().send(monitorMessage("4242", "exited", "2", "10020"));
      purged.create(purged.spec());
      failed.create(failed.spec());
      purged.awaitStatus(WAIT, m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
      failed.awaitStatus(WAIT, m -> m.getStatus() != null && m.getStatus().plannedActions != null
          && m.getStatus().plannedActions.stream().anyMatch(a -> a.state == ActionState.AwaitingApproval));

      var p = labels("metrics", purged.get().getMetadata().getName(), purged.env());
      var f = labels("metrics", failed.get().getMetadata().getName(), failed.env());
      await().atMost(WAIT).untilAsserted(() -> {
        String scrape = scrape();
        assertThat(value(scrape, series("migrator_deployable", p, "status", "True"))).contains(1.0);
        assertThat(value(scrape, series("migrator_deployable", p, "status", "False"))).contains(0.0);
        assertThat(value(scrape, series("migrator_deployable", f, "status", "False"))).contains(1.0);
        // one failure-mode series per environment: the mode, and why it is not ready (Ready's reason)
        assertThat(value(scrape, series("migrator_failure_mode", f, "mode", "MigrationFailed", "reason", "MigrationFailed")))
            .contains(1.0);
        assertThat(value(scrape, series("migrator_failure_mode", p, "mode", "None", "reason", "ReadyToDeploy")))
            .contains(1.0);
        assertThat(seriesOf(scrape, "migrator_failure_mode", failed.env())).hasSize(1);
        assertThat(seriesOf(scrape, "migrator_failure_mode", purged.env())).hasSize(1);
        // since when: Ready's lastTransitionTime, as a unix time
        assertThat(value(scrape, series("migrator_failure_mode_since_timestamp_seconds", f, "mode", "MigrationFailed",
            "reason", "MigrationFailed"))).contains((double) readySince(failed).getEpochSecond());
        assertThat(value(scrape, series("migrator_failure_mode_since_timestamp_seconds", p, "mode", "None",
            "reason", "ReadyToDeploy"))).contains((double) readySince(purged).getEpochSecond());
        assertThat(value(scrape, series("migrator_planned_actions", f, "state", "AwaitingApproval"))).contains(1.0);
        assertThat(value(scrape, "migrator_actions_total{action=\"PurgeQueue\",outcome=\"Succeeded\"}"))
            .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(1.0));
        assertThat(value(scrape, "migrator_actions_total{action=\"TerminateInstance\",outcome=\"Failed\"}")).isPresent();
        assertThat(value(scrape, "migrator_aws_calls_total{operation=\"PurgeQueue\",outcome=\"success\",service=\"sqs\"}"))
            .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(1.0));
        assertThat(value(scrape, "migrator_reconcile_duration_seconds_count")).hasValueSatisfying(v -> assertThat(v).isPositive());
        assertThat(value(scrape, "migrator_reconcile_own_duration_seconds_count")).hasValueSatisfying(v -> assertThat(v).isPositive());
        assertThat(scrape).contains("migrator_reconcile_duration_seconds_bucket{le=");
        assertThat(scrape).contains("migrator_aws_call_duration_seconds_count{operation=\"GetQueueAttributes\",service=\"sqs\"}");
        assertThat(value(scrape, "migrator_build_info{java_version=\"" + System.getProperty("java.version")
            + "\",version=\"" + ConfigProvider.getConfig().getValue("quarkus.application.version", String.class)
            + "\"}")).contains(1.0);
      });
      // every metric of the operator's own says what it is
      String all = scrape();
      Matcher types = Pattern.compile("(?m)^# TYPE (migrator_\\w+) ").matcher(all);
      int families = 0;
      while (types.find()) {
        families++;
        assertThat(all).as("HELP of %s", types.group(1))
            .containsPattern("(?m)^# HELP " + Pattern.quote(types.group(1)) + " \\S");
      }
      assertThat(families).isGreaterThanOrEqualTo(11);
      // the own share never exceeds the whole
      String scrape = scrape();
      assertThat(value(scrape, "migrator_reconcile_own_duration_seconds_sum").orElseThrow())
          .isLessThanOrEqualTo(value(scrape, "migrator_reconcile_duration_seconds_sum").orElseThrow());
    }
  }

  private static java.time.Instant readySince(Scenario scenario) {
    return java.time.Instant.parse(scenario.get().getStatus().conditions.stream()
        .filter(c -> c.type.equals(ConditionTypes.READY)).findFirst().orElseThrow().lastTransitionTime);
  }

  /** Every sample of the metric that names the environment. */
  private static java.util.List<String> seriesOf(String scrape, String metric, String environment) {
    return scrape.lines().filter(l -> l.startsWith(metric + "{") && l.contains("environment=\"" + environment + "\""))
        .toList();
  }

  private static Map<String, String> labels(String namespace, String name, String environment) {
    return Map.of("namespace", namespace, "name", name, "environment", environment);
  }

  /** A series as Prometheus's text format writes it: labels sorted by name. */
  private static String series(String metric, Map<String, String> labels, String... keysAndValues) {
    var all = new TreeMap<>(labels);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      all.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return metric + all.entrySet().stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
        .collect(Collectors.joining(",", "{", "}"));
  }

  private String scrape() throws IOException, InterruptedException {
    var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /** The sample's value, for a series written exactly as Prometheus's text format has it. */
  static Optional<Double> value(String scrape, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
    return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
  }
}

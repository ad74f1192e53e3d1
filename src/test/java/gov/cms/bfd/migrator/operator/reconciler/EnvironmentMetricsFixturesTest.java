package gov.cms.bfd.migrator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The failure-mode series of every status fixture of src/test/resources/health/ (each written by the real diagnoser,
 * planner and status composer): the reason label says who moves the environment on, a person (Stalled's reason), the
 * operator (Reconciling's: Remediating while it verifies a purge, MigrationInProgress, AwsUnavailable) or nobody
 * (Ready's), and there is a since for every status that has a time.
 */
class EnvironmentMetricsFixturesTest {

  /** fixture -> mode, reason. */
  private static final Map<String, List<String>> EXPECTED = new LinkedHashMap<>();

  static {
    EXPECTED.put("clean", List.of("None", "ReadyToDeploy"));
    EXPECTED.put("stale-observed-generation", List.of("None", "ReadyToDeploy"));
    EXPECTED.put("no-status-yet", List.of("Unknown", "Unknown"));
    EXPECTED.put("migration-in-progress", List.of("None", "MigrationInProgress"));
    EXPECTED.put("aws-unavailable", List.of("None", "AwsUnavailable"));
    // the operator purged and verifies it (Deployable False, PurgeInProgress): it moves on by itself
    EXPECTED.put("leftover-success-purging", List.of("UndeployableState", "Remediating"));
    EXPECTED.put("failed-approved-purging", List.of("MigrationFailed", "Remediating"));
    EXPECTED.put("suspended", List.of("Unknown", "Suspended"));
    // a person must act
    EXPECTED.put("failed-awaiting-approval", List.of("MigrationFailed", "MigrationFailed"));
    EXPECTED.put("exit1-invalid-config", List.of("InvalidAppConfiguration", "InvalidAppConfiguration"));
    EXPECTED.put("observe-mode-planned", List.of("UndeployableState", "UndeployableState"));
    EXPECTED.put("access-denied", List.of("Unknown", "AccessDenied"));
    EXPECTED.put("invalid-spec", List.of("Unknown", "InvalidSpec"));
  }

  @Test
  void everyFixturesModeReasonAndSince() throws IOException {
    var serialization = new KubernetesSerialization();
    var seen = new LinkedHashMap<String, List<String>>();
    for (String fixture : EXPECTED.keySet()) {
      var md = serialization.unmarshal(Files.readString(Path.of("src/test/resources/health", fixture + ".yaml")),
          MigratorDeployment.class);
      var counts = new StatusWrites();
      var metrics = new EnvironmentMetrics(new SimpleMeterRegistry(), counts, Duration.ZERO, "test");
      metrics.readFrom(() -> List.of(md).stream());
      counts.reconciled(md.getMetadata().getNamespace(), md.getMetadata().getName());
      var families = metrics.collector().collect();
      var modes = new ArrayList<Map<String, String>>();
      var since = new ArrayList<Map<String, String>>();
      families.forEach(f -> f.samples.forEach(s -> {
        var labels = new LinkedHashMap<String, String>();
        for (int i = 0; i < s.labelNames.size(); i++) {
          labels.put(s.labelNames.get(i), s.labelValues.get(i));
        }
        if (s.name.equals(EnvironmentMetrics.FAILURE_MODE)) {
          modes.add(labels);
        } else if (s.name.equals(EnvironmentMetrics.FAILURE_MODE_SINCE)) {
          since.add(labels);
        }
      }));
      assertThat(modes).as(fixture).hasSize(1);
      seen.put(fixture, List.of(modes.get(0).get("mode"), modes.get(0).get("reason")));
      if (md.getStatus() != null && md.getStatus().conditions != null && !md.getStatus().conditions.isEmpty()) {
        assertThat(since).as("%s: since, with the same labels", fixture).containsExactly(modes.get(0));
      } else {
        assertThat(since).as(fixture).isEmpty();
      }
    }
    assertThat(seen).isEqualTo(EXPECTED);
  }
}

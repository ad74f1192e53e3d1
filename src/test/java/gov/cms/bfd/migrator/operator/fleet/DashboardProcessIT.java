package gov.cms.bfd.migrator.operator.fleet;

import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.monitorMessage;
import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMessage;
import static gov.cms.bfd.migrator.operator.testbed.ConditionAssert.has;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gov.cms.bfd.migrator.operator.api.ActionState;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.OperatorProcess;
import gov.cms.bfd.migrator.operator.testbed.Scenario;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Grafana dashboard in deploy/grafana/ asks only for metrics, and labels, that the operator exports: every
 * query (panels and variables) is checked against a scrape of the packaged operator (what the sandbox runs)
 * after it purged one environment and holds another for approval, with the labels Prometheus adds at scrape time.
 * Process-wide metrics (the JVM's) are only asked for scoped to the operator's job: a Prometheus scrapes many JVMs.
 */
@ExtendWith(MotoReset.class)
class DashboardProcessIT {

  private static final Set<String> SCRAPE_LABELS = Set.of("job", "instance");

  @Test
  void everyQueryUsesMetricsAndLabelsTheOperatorExports(TestInfo test) throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(
        Files.readString(TestBed.get().projectRoot().resolve("deploy/grafana/migrator-dashboard.json")));
    List<String> queries = new ArrayList<>();
    dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> queries.add(t.path("expr").asText())));
    dashboard.path("templating").path("list").forEach(v -> {
      if (v.path("type").asText().equals("query")) {
        queries.add(v.path("query").path("query").asText());
      }
    });
    assertThat(queries).hasSizeGreaterThan(10).doesNotContain("");
    assertThat(queries.stream().filter(q -> q.contains("jvm_") || q.contains("process_")))
        .as("queries of process-wide metrics").isNotEmpty().allMatch(q -> q.contains("job=~\"$job\""));

    String scrape;
    KubernetesClient client = TestBed.get().client();
    try (var purged = new Scenario(client, "dashboard", "p", test.getDisplayName() + "p");
        var failed = new Scenario(client, "dashboard", "f", test.getDisplayName() + "f");
        var operator = OperatorProcess.start(TestBed.get(), TestBed.get().moto().endpoint(), "dashboard")) {
      purged.sim().createQueue();
      purged.sim().send(nativeMessage(5046, 14, "Finished"));
      failed.sim().createQueue();
      failed.sim().send(monitorMessage("4242", "exited", "2", "10020"));
      purged.create(purged.spec());
      failed.create(failed.spec());
      purged.awaitStatus(Duration.ofSeconds(60), m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
      failed.awaitStatus(Duration.ofSeconds(60), m -> m.getStatus() != null && m.getStatus().plannedActions != null
          && m.getStatus().plannedActions.stream().anyMatch(a -> a.state == ActionState.AwaitingApproval));
      scrape = operator.get("/q/metrics").body();
    } finally {
      client.close();
    }

    Map<String, Set<String>> exported = PromQl.seriesLabels(scrape);
    // Prometheus adds the target's labels to every series it scrapes: job (the chart's monitors set it to the
    // release's full name) and instance. The dashboard scopes process-wide panels (the JVM's) to the operator by job.
    exported.values().forEach(labels -> labels.addAll(SCRAPE_LABELS));
    List<String> problems = new ArrayList<>();
    for (String query : queries) {
      var used = PromQl.parse(query);
      for (var entry : used.metricLabels().entrySet()) {
        Set<String> labels = exported.get(entry.getKey());
        if (labels == null) {
          problems.add("metric " + entry.getKey() + " is not exported (query: " + query + ")");
        } else if (!labels.containsAll(entry.getValue())) {
          var missing = new HashSet<>(entry.getValue());
          missing.removeAll(labels);
          problems.add("metric " + entry.getKey() + " has no label " + missing + " (query: " + query + ")");
        }
      }
      Set<String> anyLabel = new HashSet<>();
      used.metricLabels().keySet().forEach(m -> anyLabel.addAll(exported.getOrDefault(m, Set.of())));
      for (String label : used.groupingLabels()) {
        if (!anyLabel.contains(label)) {
          problems.add("grouping label " + label + " is on none of the query's metrics (query: " + query + ")");
        }
      }
    }
    System.out.printf("dashboard: %d queries over %d metrics checked against a scrape of %d series names%n",
        queries.size(), queries.stream().flatMap(q -> PromQl.parse(q).metricLabels().keySet().stream()).distinct().count(),
        exported.size());
    assertThat(problems).isEmpty();
  }

  /** Just enough PromQL to find metric names, their label matchers, and by/without labels. */
  record PromQl(Map<String, Set<String>> metricLabels, Set<String> groupingLabels) {

    private static final Set<String> WORDS = Set.of("sum", "count", "avg", "min", "max", "by", "without", "rate",
        "increase", "irate", "histogram_quantile", "or", "and", "unless", "vector", "on", "ignoring", "group_left",
        "group_right", "label_values", "topk", "bottomk", "abs", "clamp_min", "clamp_max", "offset", "bool");

    static PromQl parse(String query) {
      Map<String, Set<String>> metrics = new HashMap<>();
      Set<String> grouping = new HashSet<>();
      int i = 0;
      while (i < query.length()) {
        char c = query.charAt(i);
        if (c == '"') {
          i = query.indexOf('"', i + 1) + 1;
        } else if (Character.isLetter(c) || c == '_') {
          int start = i;
          while (i < query.length() && (Character.isLetterOrDigit(query.charAt(i)) || query.charAt(i) == '_' || query.charAt(i) == ':')) {
            i++;
          }
          String word = query.substring(start, i);
          int next = skipSpaces(query, i);
          if (word.equals("by") || word.equals("without")) {
            int close = query.indexOf(')', next);
            for (String l : query.substring(next + 1, close).split(",")) {
              grouping.add(l.trim());
            }
            i = close + 1;
          } else if (!WORDS.contains(word) && (next >= query.length() || query.charAt(next) != '(')) {
            Set<String> labels = metrics.computeIfAbsent(word, k -> new HashSet<>());
            if (next < query.length() && query.charAt(next) == '{') {
              int close = query.indexOf('}', next);
              for (String matcher : query.substring(next + 1, close).split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")) {
                labels.add(matcher.split("[=!~]", 2)[0].trim());
              }
              i = close + 1;
            }
          }
        } else if (c == '[') {
          i = query.indexOf(']', i) + 1; // a range such as [5m]
        } else {
          i++;
        }
      }
      // label_values(metric, label): the label must exist on the metric
      var lv = java.util.regex.Pattern.compile("label_values\\((\\w+),\\s*(\\w+)\\)").matcher(query);
      while (lv.find()) {
        metrics.computeIfAbsent(lv.group(1), k -> new HashSet<>()).add(lv.group(2));
        metrics.remove(lv.group(2));
      }
      return new PromQl(metrics, grouping);
    }

    private static int skipSpaces(String s, int i) {
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
      return i;
    }

    /** Series name -> every label seen on it, from Prometheus's text format. */
    static Map<String, Set<String>> seriesLabels(String scrape) {
      Map<String, Set<String>> out = new HashMap<>();
      for (String line : scrape.split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
        Set<String> labels = out.computeIfAbsent(name, k -> new HashSet<>());
        if (brace >= 0 && brace < space) {
          var m = java.util.regex.Pattern.compile("(\\w+)=\"").matcher(line.substring(brace, line.lastIndexOf('}')));
          while (m.find()) {
            labels.add(m.group(1));
          }
        }
      }
      return out;
    }
  }
}

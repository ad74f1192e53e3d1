package gov.cms.bfd.migrator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ActionState;
import gov.cms.bfd.migrator.operator.api.Condition;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.FailureMode;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.PlannedAction;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.client.CollectorRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The per-environment series, computed from the resources the informer holds at the moment of the scrape. */
class EnvironmentMetricsTest {

  private final StatusWrites counts = new StatusWrites();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final EnvironmentMetrics metrics = new EnvironmentMetrics(registry, counts, Duration.ZERO, "1.2.3");
  private final List<MigratorDeployment> cache = new ArrayList<>();

  {
    metrics.readFrom(() -> List.copyOf(cache).stream());
  }

  /** The deploy gate keeps kube-state-metrics' shape: one series per status, 1 for the current one. */
  @Test
  void deployableHasOneSeriesPerStatusWithOneForTheCurrentOne() {
    var prod = reconciled(resource("prod", "prod", status("False", FailureMode.MigrationFailed, ActionState.AwaitingApproval)));

    assertThat(value("migrator_deployable", "prod", "status", "False")).isEqualTo(1);
    assertThat(value("migrator_deployable", "prod", "status", "True")).isZero();
    assertThat(value("migrator_deployable", "prod", "status", "Unknown")).isZero();
    assertThat(value("migrator_planned_actions", "prod", "state", "AwaitingApproval")).isEqualTo(1);

    prod.setStatus(status("True", FailureMode.None));

    assertThat(value("migrator_deployable", "prod", "status", "True")).isEqualTo(1);
    assertThat(value("migrator_deployable", "prod", "status", "False")).isZero();
    assertThat(value("migrator_planned_actions", "prod", "state", "AwaitingApproval")).isZero();
  }

  /** One failure-mode series per environment, 1, with the mode and the reason of Ready; it follows the status. */
  @Test
  void oneFailureModeSeriesPerEnvironmentWithItsReason() {
    var prod = reconciled(resource("prod", "prod", status("False", FailureMode.MigrationFailed, ActionState.AwaitingApproval)));

    assertThat(samples("migrator_failure_mode")).singleElement().satisfies(s -> {
      assertThat(labels(s)).containsEntry("mode", "MigrationFailed").containsEntry("reason", "MigrationFailed")
          .containsEntry("environment", "prod").containsEntry("namespace", "bfd");
      assertThat(s.value).isEqualTo(1);
    });
    assertThat(samples("migrator_failure_mode_since_timestamp_seconds")).singleElement().satisfies(s -> {
      assertThat(labels(s)).isEqualTo(labels(samples("migrator_failure_mode").get(0)));
      assertThat(s.value).isEqualTo(Instant.parse(READY_SINCE).getEpochSecond());
    });

    prod.setStatus(status("True", FailureMode.None));

    assertThat(samples("migrator_failure_mode")).singleElement().satisfies(s -> assertThat(labels(s))
        .containsEntry("mode", "None").containsEntry("reason", "ReadyToDeploy"));
  }

  /** Stalled=True (a person must act) gives the reason, and the since, over Ready: the alert on AccessDenied reads it. */
  @Test
  void aStalledEnvironmentsReasonIsStalleds() {
    var status = status("Unknown", FailureMode.None);
    status.conditions = status.conditions.stream().map(c -> c.type.equals(ConditionTypes.STALLED)
        ? condition(ConditionTypes.STALLED, "True", "AccessDenied", "2026-11-28T10:20:00Z") : c).toList();
    reconciled(resource("prod", "prod", status));

    assertThat(samples("migrator_failure_mode")).singleElement().satisfies(s -> assertThat(labels(s))
        .containsEntry("reason", "AccessDenied").containsEntry("mode", "None"));
    assertThat(value("migrator_failure_mode_since_timestamp_seconds", "prod", "reason", "AccessDenied"))
        .isEqualTo(Instant.parse("2026-11-28T10:20:00Z").getEpochSecond());
  }

  /**
   * Nothing of the environment exists in AWS: the gate passes (Deployable True) but Ready's reason says so, and the
   * series carries it: the dashboard's environments by reason and the MigratorEnvironmentNotFound alert read it.
   */
  @Test
  void aMisnamedEnvironmentIsDeployableWithItsOwnReason() {
    var status = status("True", FailureMode.None);
    status.conditions = status.conditions.stream().map(c -> c.type.equals(ConditionTypes.READY)
        ? condition(ConditionTypes.READY, "True", "EnvironmentNotFound", READY_SINCE) : c).toList();
    reconciled(resource("prdo", "prdo", status));

    assertThat(value("migrator_deployable", "prdo", "status", "True")).isEqualTo(1);
    assertThat(samples("migrator_failure_mode")).singleElement().satisfies(s -> assertThat(labels(s))
        .containsEntry("mode", "None").containsEntry("reason", "EnvironmentNotFound"));
  }

  /** Not observed yet, suspended, invalid, not bound or claimed: status has no failure mode, and says why in Ready. */
  @Test
  void noFailureModeYetIsUnknown() {
    var status = new MigratorDeploymentStatus();
    status.conditions = List.of(condition(ConditionTypes.READY, "False", "EnvironmentNotBound", "not a time"),
        condition(ConditionTypes.STALLED, "True", "EnvironmentNotBound", "not a time"));
    reconciled(resource("new", "new", status));
    assertThat(value("migrator_deployable", "new", "status", "Unknown")).isEqualTo(1);
    assertThat(samples("migrator_failure_mode")).singleElement().satisfies(s -> assertThat(labels(s))
        .containsEntry("mode", "Unknown").containsEntry("reason", "EnvironmentNotBound"));
    assertThat(samples("migrator_failure_mode_since_timestamp_seconds")).as("no time to tell").isEmpty();

    reconciled(resource("bare", "bare", new MigratorDeploymentStatus()));
    assertThat(value("migrator_failure_mode", "bare", "reason", "Unknown")).isEqualTo(1);
  }

  @Test
  void buildInfoNamesTheVersionAndTheJavaRuntime() {
    var info = registry.get("migrator_build_info").gauge();
    assertThat(info.value()).isEqualTo(1);
    assertThat(info.getId().getTag("version")).isEqualTo("1.2.3");
    assertThat(info.getId().getTag("java_version")).isEqualTo(System.getProperty("java.version"));
    assertThat(info.getId().getDescription()).isNotBlank();
    assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getDescription()).as(m.getId().getName())
        .isNotBlank());
  }

  @Test
  void seriesOfADeletedResourceEnd() {
    var prod = reconciled(resource("prod", "prod", status("True", FailureMode.None)));
    reconciled(resource("test", "test", status("True", FailureMode.None)));

    cache.remove(prod);
    metrics.retainOnly(() -> Stream.of("bfd/test"));

    assertThat(samples("migrator_deployable")).noneMatch(s -> labels(s).get("name").equals("prod"));
    assertThat(samples("migrator_failure_mode")).noneMatch(s -> labels(s).get("name").equals("prod"));
    assertThat(samples("migrator_reconciles_total")).noneMatch(s -> labels(s).get("name").equals("prod"));
    assertThat(samples("migrator_deployable")).filteredOn(s -> labels(s).get("name").equals("test")).hasSize(3);
    assertThat(counts.reconciles("bfd", "prod")).isZero();
  }

  @Test
  void aChangedEnvironmentNameMovesTheSeries() {
    var md = reconciled(resource("md", "old", status("True", FailureMode.None)));
    md.getSpec().environment = "new";
    assertThat(samples("migrator_deployable")).noneMatch(s -> labels(s).get("environment").equals("old"));
    assertThat(samples("migrator_deployable")).filteredOn(s -> labels(s).get("environment").equals("new")).hasSize(3);
  }

  /** A replica without the Lease, or a shard that does not own a resource, says nothing about it. */
  @Test
  void onlyResourcesThisProcessReconciledAreWrittenOut() {
    cache.add(resource("elsewhere", "elsewhere", status("False", FailureMode.MigrationFailed)));
    reconciled(resource("here", "here", status("True", FailureMode.None)));
    counts.record("bfd", "here");

    assertThat(samples("migrator_deployable")).allMatch(s -> labels(s).get("name").equals("here"));
    assertThat(value("migrator_reconciles_total", "here", null, null)).isEqualTo(1);
    assertThat(value("migrator_status_writes_total", "here", null, null)).isEqualTo(1);
  }

  @Test
  void everyFamilyHasHelpAndLabelsInNameOrder() {
    reconciled(resource("prod", "prod", status("False", FailureMode.MigrationFailed, ActionState.Ready)));
    assertThat(metrics.collector().collect()).allSatisfy(f -> {
      assertThat(f.help).as(f.name).isNotBlank();
      f.samples.forEach(s -> assertThat(s.labelNames).isSorted());
    });
  }

  /** The collector joins the registry /q/metrics writes out, and no meter may take its names. */
  @Test
  void registeredWithThePrometheusRegistry() {
    var registry = new CollectorRegistry(true);
    registry.register(metrics.collector());
    reconciled(resource("prod", "prod", status("True", FailureMode.None)));
    assertThat(registry.getSampleValue("migrator_deployable",
        new String[] {"environment", "name", "namespace", "status"}, new String[] {"prod", "prod", "bfd", "True"}))
        .isEqualTo(1.0);
  }

  private MigratorDeployment reconciled(MigratorDeployment md) {
    cache.add(md);
    counts.reconciled(md.getMetadata().getNamespace(), md.getMetadata().getName());
    return md;
  }

  private List<Sample> samples(String name) {
    return metrics.collector().collect().stream().flatMap(f -> f.samples.stream()).filter(s -> s.name.equals(name))
        .toList();
  }

  private double value(String name, String resource, String key, String value) {
    var found = samples(name).stream().filter(s -> labels(s).get("name").equals(resource)
        && (key == null || value.equals(labels(s).get(key)))).toList();
    assertThat(found).as("%s{name=%s,%s=%s}", name, resource, key, value).hasSize(1);
    return found.get(0).value;
  }

  private static Map<String, String> labels(Sample s) {
    var out = new java.util.HashMap<String, String>();
    for (int i = 0; i < s.labelNames.size(); i++) {
      out.put(s.labelNames.get(i), s.labelValues.get(i));
    }
    return out;
  }

  private static Condition condition(String type, String status, String reason, String since) {
    var c = new Condition();
    c.type = type;
    c.status = status;
    c.reason = reason;
    c.lastTransitionTime = since;
    return c;
  }

  private static MigratorDeployment resource(String name, String environment, MigratorDeploymentStatus status) {
    var md = new MigratorDeployment();
    md.setMetadata(new ObjectMetaBuilder().withNamespace("bfd").withName(name).build());
    var spec = new MigratorDeploymentSpec();
    spec.environment = environment;
    md.setSpec(spec);
    md.setStatus(status);
    return md;
  }

  private static final String READY_SINCE = "2026-11-28T09:00:00Z";

  /** Deployable as given; Ready as the diagnosis writes it (True: ReadyToDeploy, else the failure mode). */
  private static MigratorDeploymentStatus status(String deployable, FailureMode mode, ActionState... planned) {
    var status = new MigratorDeploymentStatus();
    boolean ready = deployable.equals("True");
    status.conditions = List.of(
        condition(ConditionTypes.READY, ready ? "True" : "False", ready ? "ReadyToDeploy" : mode.name(), READY_SINCE),
        condition(ConditionTypes.STALLED, "False", "AsExpected", READY_SINCE),
        condition(ConditionTypes.DEPLOYABLE, deployable, ready ? "ReadyToDeploy" : "QueueHasMessages", READY_SINCE));
    status.failureMode = mode;
    status.plannedActions = Stream.of(planned).map(s -> {
      var a = new PlannedAction();
      a.state = s;
      return a;
    }).toList();
    return status;
  }
}

package gov.cms.bfd.migrator.operator.reconciler;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What dashboards and alerts read. Per environment (whether it is deployable, its failure mode, its planned actions
 * by state, its reconciles and status writes) the series are computed at scrape time from the informer's cache of
 * MigratorDeployments by one collector ({@link EnvironmentCollector}), not kept as meters: 1000 environments cost
 * no memory beyond the resources the informer holds anyway. For the operator as a whole, meters: actions by type and
 * outcome, how long reconciles take with and without AWS's share, and which build runs ({@code migrator_build_info}).
 */
@ApplicationScoped
public class EnvironmentMetrics {

  public static final String DEPLOYABLE = "migrator_deployable";
  public static final String FAILURE_MODE = "migrator_failure_mode";
  /** A unix time, hence Prometheus's _timestamp_seconds (as prometheus_config_last_reload_success_timestamp_seconds). */
  public static final String FAILURE_MODE_SINCE = "migrator_failure_mode_since_timestamp_seconds";
  public static final String BUILD_INFO = "migrator_build_info";
  public static final String PLANNED_ACTIONS = "migrator_planned_actions";
  public static final String ACTIONS = "migrator_actions";
  public static final String RECONCILE_DURATION = "migrator_reconcile_duration";
  public static final String RECONCILE_OWN_DURATION = "migrator_reconcile_own_duration";

  private final MeterRegistry registry;
  private final StatusWrites counts;
  private final Timer reconcileDuration;
  private final Timer reconcileOwnDuration;
  private final EnvironmentCollector collector;
  private final Duration pruneEvery;
  private final AtomicLong lastPrune = new AtomicLong(System.nanoTime());

  @Inject
  public EnvironmentMetrics(MeterRegistry registry, StatusWrites counts, Instance<PrometheusMeterRegistry> prometheus,
      @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
    this(registry, counts, Duration.ofSeconds(30), version);
    // The registry /q/metrics writes out: the collector joins the meters there.
    if (prometheus.isResolvable()) {
      prometheus.get().getPrometheusRegistry().register(collector);
    }
  }

  EnvironmentMetrics(MeterRegistry registry, StatusWrites counts, Duration pruneEvery, String version) {
    this.registry = registry;
    this.counts = counts;
    this.pruneEvery = pruneEvery;
    this.collector = new EnvironmentCollector(counts);
    this.reconcileDuration = Timer.builder(RECONCILE_DURATION)
        .description("One reconcile of one MigratorDeployment, AWS calls included")
        .publishPercentileHistogram().register(registry);
    this.reconcileOwnDuration = Timer.builder(RECONCILE_OWN_DURATION)
        .description("One reconcile of one MigratorDeployment, less the time spent waiting on AWS")
        .publishPercentileHistogram().register(registry);
    Gauge.builder(BUILD_INFO, () -> 1)
        .description("1, labelled with the operator's version and the Java runtime it runs on")
        .tag("version", version).tag("java_version", System.getProperty("java.version", "unknown"))
        .register(registry);
    for (ActionType action : ActionType.values()) { // present from the start, so rate() sees the first action
      for (ActionOutcome outcome : List.of(ActionOutcome.Succeeded, ActionOutcome.Failed, ActionOutcome.Inconclusive)) {
        actions(action, outcome);
      }
    }
  }

  /** The MigratorDeployments the informer holds, read at every scrape (JOSDK's primary cache). */
  void readFrom(Supplier<Stream<MigratorDeployment>> resources) {
    collector.readFrom(resources);
  }

  EnvironmentCollector collector() {
    return collector;
  }

  /** An action reached its outcome (counted once, when it stops being pending). */
  void actionFinished(ActionType action, ActionOutcome outcome) {
    actions(action, outcome).increment();
  }

  private Counter actions(ActionType action, ActionOutcome outcome) {
    return Counter.builder(ACTIONS).description("Actions that reached an outcome, by action and outcome")
        .tag("action", action.name()).tag("outcome", outcome.name()).register(registry);
  }

  void reconciled(Duration total, Duration waitingOnAws) {
    reconcileDuration.record(total);
    reconcileOwnDuration.record(total.minus(waitingOnAws).isNegative() ? Duration.ZERO : total.minus(waitingOnAws));
  }

  /**
   * Forgets the counts of resources that are gone, so their series end; looks at most once per {@code pruneEvery}
   * (30 s), since it walks every resource. (The other per-environment series end with the resource itself.)
   */
  void retainOnly(Supplier<Stream<String>> namespacedNames) {
    long now = System.nanoTime();
    long last = lastPrune.get();
    if (now - last < pruneEvery.toNanos() || !lastPrune.compareAndSet(last, now)) {
      return;
    }
    Set<String> present = namespacedNames.get().collect(Collectors.toSet());
    counts.retainOnly(present);
  }
}

package gov.cms.bfd.migrator.operator.reconciler;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionState;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.FailureMode;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.PlannedAction;
import gov.cms.bfd.migrator.operator.report.Conditions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What dashboards and alerts read, per environment: whether it is deployable, its failure mode and its planned
 * actions by state (one series per possible value, 1 for the current one, as kube-state-metrics does), and for the
 * operator as a whole: actions by type and outcome, and how long reconciles take with and without AWS's share.
 */
@ApplicationScoped
public class EnvironmentMetrics {

  public static final String DEPLOYABLE = "migrator_deployable";
  public static final String FAILURE_MODE = "migrator_failure_mode";
  public static final String PLANNED_ACTIONS = "migrator_planned_actions";
  public static final String ACTIONS = "migrator_actions";
  public static final String RECONCILE_DURATION = "migrator_reconcile_duration";
  public static final String RECONCILE_OWN_DURATION = "migrator_reconcile_own_duration";
  private static final List<String> CONDITION_STATUSES = List.of("True", "False", "Unknown");

  private final MeterRegistry registry;
  private final Timer reconcileDuration;
  private final Timer reconcileOwnDuration;
  private final Map<String, Environment> environments = new ConcurrentHashMap<>();
  private final Duration pruneEvery;
  private final AtomicLong lastPrune = new AtomicLong(System.nanoTime());

  @jakarta.inject.Inject
  public EnvironmentMetrics(MeterRegistry registry) {
    this(registry, Duration.ofSeconds(30));
  }

  EnvironmentMetrics(MeterRegistry registry, Duration pruneEvery) {
    this.registry = registry;
    this.pruneEvery = pruneEvery;
    this.reconcileDuration = Timer.builder(RECONCILE_DURATION)
        .description("One reconcile of one MigratorDeployment, AWS calls included")
        .publishPercentileHistogram().register(registry);
    this.reconcileOwnDuration = Timer.builder(RECONCILE_OWN_DURATION)
        .description("One reconcile of one MigratorDeployment, less the time spent waiting on AWS")
        .publishPercentileHistogram().register(registry);
    for (ActionType action : ActionType.values()) { // present from the start, so rate() sees the first action
      for (ActionOutcome outcome : List.of(ActionOutcome.Succeeded, ActionOutcome.Failed, ActionOutcome.Inconclusive)) {
        registry.counter(ACTIONS, "action", action.name(), "outcome", outcome.name());
      }
    }
  }

  /** An action reached its outcome (counted once, when it stops being pending). */
  void actionFinished(ActionType action, ActionOutcome outcome) {
    registry.counter(ACTIONS, "action", action.name(), "outcome", outcome.name()).increment();
  }

  void reconciled(Duration total, Duration waitingOnAws) {
    reconcileDuration.record(total);
    reconcileOwnDuration.record(total.minus(waitingOnAws).isNegative() ? Duration.ZERO : total.minus(waitingOnAws));
  }

  /** The environment's current state, from the status just composed. */
  void environment(String namespace, String name, String environment, MigratorDeploymentStatus status) {
    String key = namespace + "/" + name;
    Environment env = environments.get(key);
    if (env == null || !env.environment.equals(environment)) {
      if (env != null) {
        env.remove(registry);
      }
      env = new Environment(environment, Tags.of("namespace", namespace, "name", name, "environment", environment));
      environments.put(key, env);
    }
    env.deployable = Conditions.find(status.conditions, ConditionTypes.DEPLOYABLE).map(c -> c.status).orElse("Unknown");
    env.failureMode = status.failureMode;
    var states = new java.util.EnumMap<ActionState, Integer>(ActionState.class);
    for (PlannedAction a : status.plannedActions == null ? List.<PlannedAction>of() : status.plannedActions) {
      if (a.state != null) {
        states.merge(a.state, 1, Integer::sum);
      }
    }
    env.planned = states;
  }

  /**
   * Forgets environments whose resource is gone, so their series end; looks at most once per
   * {@code pruneEvery} (30 s), since it walks every resource.
   */
  void retainOnly(Supplier<Stream<String>> namespacedNames) {
    long now = System.nanoTime();
    long last = lastPrune.get();
    if (now - last < pruneEvery.toNanos() || !lastPrune.compareAndSet(last, now)) {
      return;
    }
    Set<String> present = namespacedNames.get().collect(Collectors.toSet());
    environments.entrySet().removeIf(e -> {
      if (present.contains(e.getKey())) {
        return false;
      }
      e.getValue().remove(registry);
      return true;
    });
  }

  int environmentsTracked() {
    return environments.size();
  }

  /** The gauges of one environment and the values they read. */
  private final class Environment {
    final String environment;
    final List<Meter> meters = new ArrayList<>();
    volatile String deployable = "Unknown";
    volatile FailureMode failureMode;
    volatile Map<ActionState, Integer> planned = Map.of();

    Environment(String environment, Tags tags) {
      this.environment = environment;
      for (String s : CONDITION_STATUSES) {
        meters.add(Gauge.builder(DEPLOYABLE, this, e -> s.equals(e.deployable) ? 1 : 0)
            .description("1 for the environment's Deployable condition status (True, False or Unknown)")
            .tags(tags).tag("status", s).register(registry));
      }
      for (FailureMode mode : FailureMode.values()) {
        meters.add(Gauge.builder(FAILURE_MODE, this, e -> e.failureMode == mode ? 1 : 0)
            .description("1 for the environment's current runbook failure mode")
            .tags(tags).tag("mode", mode.name()).register(registry));
      }
      for (ActionState state : ActionState.values()) {
        meters.add(Gauge.builder(PLANNED_ACTIONS, this, e -> e.planned.getOrDefault(state, 0))
            .description("Planned actions of the environment by state (AwaitingApproval: a person is needed)")
            .tags(tags).tag("state", state.name()).register(registry));
      }
    }

    void remove(MeterRegistry registry) {
      meters.forEach(registry::remove);
    }
  }
}

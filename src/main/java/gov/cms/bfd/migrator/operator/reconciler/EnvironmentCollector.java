package gov.cms.bfd.migrator.operator.reconciler;

import gov.cms.bfd.migrator.operator.api.ActionState;
import gov.cms.bfd.migrator.operator.api.Condition;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.PlannedAction;
import gov.cms.bfd.migrator.operator.report.Conditions;
import io.prometheus.client.Collector;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The per-environment series, computed at scrape time from the MigratorDeployments the informer holds (their spec
 * and status) and the reconcile and status-write counts: nothing is stored per series. Only resources this process
 * has reconciled are written out, so a replica that does not hold the Lease, or a shard that does not own a
 * resource, says nothing about it; a deleted resource's series end with it. Labels are written in name order, as
 * Micrometer writes them.
 *
 * <p>The failure mode is one series per environment: {@code mode} (status.failureMode, {@code Unknown} while status
 * has none: not observed yet, suspended, an invalid spec, an environment not bound or claimed) and {@code reason},
 * what an on-call person filters on, and who moves the environment on: the reason of {@code Stalled} while it is True
 * (a person: the failure mode, {@code AccessDenied}, {@code InvalidSpec}, {@code EnvironmentNotBound}, ...), else the
 * reason of {@code Reconciling} while it is True (the operator: {@code MigrationInProgress}, {@code Remediating} while
 * it repairs or verifies a repair, {@code AwsUnavailable}, {@code QueueCountsSettling}), otherwise the reason of
 * {@code Ready} ({@code ReadyToDeploy}, {@code EnvironmentNotFound}, {@code Suspended}, ...). Beside it, with the same
 * labels, the unix time that condition last changed status: since when the environment has been stalled, under
 * repair, not ready, or ready.
 */
final class EnvironmentCollector extends Collector implements Collector.Describable {

  private static final List<String> CONDITION_STATUSES = List.of("True", "False", "Unknown");
  private static final List<String> RESOURCE = List.of("name", "namespace");
  private static final List<String> DEPLOYABLE = List.of("environment", "name", "namespace", "status");
  private static final List<String> FAILURE_MODE = List.of("environment", "mode", "name", "namespace", "reason");
  private static final List<String> PLANNED = List.of("environment", "name", "namespace", "state");

  private final StatusWrites counts;
  private volatile Supplier<Stream<MigratorDeployment>> resources = Stream::empty;

  EnvironmentCollector(StatusWrites counts) {
    this.counts = counts;
  }

  void readFrom(Supplier<Stream<MigratorDeployment>> resources) {
    this.resources = resources;
  }

  @Override
  public List<MetricFamilySamples> collect() {
    var deployable = new ArrayList<MetricFamilySamples.Sample>();
    var failureMode = new ArrayList<MetricFamilySamples.Sample>();
    var since = new ArrayList<MetricFamilySamples.Sample>();
    var planned = new ArrayList<MetricFamilySamples.Sample>();
    var reconciles = new ArrayList<MetricFamilySamples.Sample>();
    var writes = new ArrayList<MetricFamilySamples.Sample>();
    resources.get().forEach(md -> {
      String namespace = md.getMetadata().getNamespace();
      String name = md.getMetadata().getName();
      StatusWrites.Counts count = counts.of(namespace, name);
      if (count == null) {
        return; // not reconciled here: another replica or shard speaks for it, or none yet
      }
      String environment = md.getSpec() == null || md.getSpec().environment == null ? "" : md.getSpec().environment;
      MigratorDeploymentStatus status = md.getStatus() == null ? new MigratorDeploymentStatus() : md.getStatus();
      String current = Conditions.find(status.conditions, ConditionTypes.DEPLOYABLE).map(c -> c.status)
          .orElse("Unknown");
      for (String s : CONDITION_STATUSES) {
        deployable.add(new MetricFamilySamples.Sample(EnvironmentMetrics.DEPLOYABLE, DEPLOYABLE,
            List.of(environment, name, namespace, s), s.equals(current) ? 1 : 0));
      }
      String mode = status.failureMode == null ? "Unknown" : status.failureMode.name();
      Optional<Condition> why = Conditions.find(status.conditions, ConditionTypes.STALLED)
          .filter(c -> "True".equals(c.status))
          .or(() -> Conditions.find(status.conditions, ConditionTypes.RECONCILING).filter(c -> "True".equals(c.status)))
          .or(() -> Conditions.find(status.conditions, ConditionTypes.READY));
      var labels = List.of(environment, mode, name, namespace, why.map(c -> c.reason).orElse("Unknown"));
      failureMode.add(new MetricFamilySamples.Sample(EnvironmentMetrics.FAILURE_MODE, FAILURE_MODE, labels, 1));
      why.flatMap(c -> epochSeconds(c.lastTransitionTime)).ifPresent(t -> since.add(
          new MetricFamilySamples.Sample(EnvironmentMetrics.FAILURE_MODE_SINCE, FAILURE_MODE, labels, t)));
      var states = new EnumMap<ActionState, Integer>(ActionState.class);
      for (PlannedAction a : status.plannedActions == null ? List.<PlannedAction>of() : status.plannedActions) {
        if (a.state != null) {
          states.merge(a.state, 1, Integer::sum);
        }
      }
      for (ActionState state : ActionState.values()) {
        planned.add(new MetricFamilySamples.Sample(EnvironmentMetrics.PLANNED_ACTIONS, PLANNED,
            List.of(environment, name, namespace, state.name()), states.getOrDefault(state, 0)));
      }
      reconciles.add(new MetricFamilySamples.Sample(StatusWrites.RECONCILES + "_total", RESOURCE,
          List.of(name, namespace), count.reconciles.sum()));
      writes.add(new MetricFamilySamples.Sample(StatusWrites.METRIC + "_total", RESOURCE,
          List.of(name, namespace), count.writes.sum()));
    });
    return List.of(
        family(EnvironmentMetrics.DEPLOYABLE, Type.GAUGE, deployable),
        family(EnvironmentMetrics.FAILURE_MODE, Type.GAUGE, failureMode),
        family(EnvironmentMetrics.FAILURE_MODE_SINCE, Type.GAUGE, since),
        family(EnvironmentMetrics.PLANNED_ACTIONS, Type.GAUGE, planned),
        family(StatusWrites.RECONCILES, Type.COUNTER, reconciles),
        family(StatusWrites.METRIC, Type.COUNTER, writes));
  }

  /** The families, without samples: the registry refuses a meter or collector that would write the same names. */
  @Override
  public List<MetricFamilySamples> describe() {
    return List.of(
        family(EnvironmentMetrics.DEPLOYABLE, Type.GAUGE, List.of()),
        family(EnvironmentMetrics.FAILURE_MODE, Type.GAUGE, List.of()),
        family(EnvironmentMetrics.FAILURE_MODE_SINCE, Type.GAUGE, List.of()),
        family(EnvironmentMetrics.PLANNED_ACTIONS, Type.GAUGE, List.of()),
        family(StatusWrites.RECONCILES, Type.COUNTER, List.of()),
        family(StatusWrites.METRIC, Type.COUNTER, List.of()));
  }

  private static Optional<Double> epochSeconds(String rfc3339) {
    if (rfc3339 == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(rfc3339).getEpochSecond() + 0.0);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static MetricFamilySamples family(String name, Type type, List<MetricFamilySamples.Sample> samples) {
    return new MetricFamilySamples(name, type, help(name), samples);
  }

  private static String help(String name) {
    return switch (name) {
      case EnvironmentMetrics.DEPLOYABLE -> "1 for the environment's Deployable condition status (True, False or Unknown)";
      case EnvironmentMetrics.FAILURE_MODE -> "1, one series per environment: its runbook failure mode (mode) and why"
          + " it is stalled, under way or not ready (reason: Stalled's reason while True, else Reconciling's while"
          + " True, else Ready's)";
      case EnvironmentMetrics.FAILURE_MODE_SINCE -> "Unix time the condition the reason comes from (Stalled or"
          + " Reconciling while True, else Ready) last changed status: since when the environment has been stalled,"
          + " under repair, not ready, or ready";
      case EnvironmentMetrics.PLANNED_ACTIONS -> "Planned actions of the environment by state (AwaitingApproval: a person is needed)";
      case StatusWrites.RECONCILES -> "Reconciles of the MigratorDeployment by this operator process";
      case StatusWrites.METRIC -> "Status writes of the MigratorDeployment by this operator process (only on change)";
      default -> throw new IllegalArgumentException(name);
    };
  }
}

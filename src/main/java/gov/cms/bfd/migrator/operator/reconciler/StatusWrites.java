package gov.cms.bfd.migrator.operator.reconciler;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Counts reconciles and status writes per resource, so tests and dashboards can see that a reconcile of an
 * unchanged environment writes nothing.
 */
@ApplicationScoped
public class StatusWrites {

  public static final String METRIC = "migrator_status_writes";
  public static final String RECONCILES = "migrator_reconciles";
  private final MeterRegistry registry;

  public StatusWrites(MeterRegistry registry) {
    this.registry = registry;
  }

  void reconciled(String namespace, String name) {
    registry.counter(RECONCILES, "namespace", namespace, "name", name).increment();
  }

  /** How many reconciles this process ran for the resource. */
  public double reconciles(String namespace, String name) {
    var counter = registry.find(RECONCILES).tags("namespace", namespace, "name", name).counter();
    return counter == null ? 0 : counter.count();
  }

  void record(String namespace, String name) {
    registry.counter(METRIC, "namespace", namespace, "name", name).increment();
  }

  /** How many status writes this process made for the resource. */
  public double count(String namespace, String name) {
    var counter = registry.find(METRIC).tags("namespace", namespace, "name", name).counter();
    return counter == null ? 0 : counter.count();
  }
}

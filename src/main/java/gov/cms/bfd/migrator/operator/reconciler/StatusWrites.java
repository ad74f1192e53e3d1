package gov.cms.bfd.migrator.operator.reconciler;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts reconciles and status writes per resource, so tests and dashboards can see that a reconcile of an
 * unchanged environment writes nothing. Two numbers per resource, not two meters: {@link EnvironmentMetrics} writes
 * them out as {@code migrator_reconciles_total} and {@code migrator_status_writes_total} at scrape time.
 */
@ApplicationScoped
public class StatusWrites {

  public static final String METRIC = "migrator_status_writes";
  public static final String RECONCILES = "migrator_reconciles";
  /** By namespace/name: the resources this process reconciled, and how often it reconciled and wrote each. */
  private final Map<String, Counts> counts = new ConcurrentHashMap<>();

  /** Reconciles and status writes of one resource. */
  static final class Counts {
    final LongAdder reconciles = new LongAdder();
    final LongAdder writes = new LongAdder();
  }

  void reconciled(String namespace, String name) {
    counts.computeIfAbsent(key(namespace, name), k -> new Counts()).reconciles.increment();
  }

  /** How many reconciles this process ran for the resource. */
  public double reconciles(String namespace, String name) {
    Counts c = counts.get(key(namespace, name));
    return c == null ? 0 : c.reconciles.sum();
  }

  void record(String namespace, String name) {
    counts.computeIfAbsent(key(namespace, name), k -> new Counts()).writes.increment();
  }

  /** How many status writes this process made for the resource. */
  public double count(String namespace, String name) {
    Counts c = counts.get(key(namespace, name));
    return c == null ? 0 : c.writes.sum();
  }

  /** The counts of one resource, null when this process never reconciled it. */
  Counts of(String namespace, String name) {
    return counts.get(key(namespace, name));
  }

  /** Forgets resources that are gone (by namespace/name), so their series end. */
  void retainOnly(Set<String> namespacedNames) {
    counts.keySet().removeIf(k -> !namespacedNames.contains(k));
  }

  static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}

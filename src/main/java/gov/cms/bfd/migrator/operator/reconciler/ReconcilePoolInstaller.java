package gov.cms.bfd.migrator.operator.reconciler;

import io.javaoperatorsdk.operator.api.config.ExecutorServiceManager;
import io.quarkiverse.operatorsdk.runtime.QuarkusConfigurationService;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.jboss.logging.Logger;

/**
 * Puts the {@link ReconcilePool} where JOSDK's controllers take their reconcile executor from, before the operator
 * starts. Neither JOSDK 5.3 nor the Quarkus extension (7.7.3) offers a way: the extension's configuration customizer
 * reaches the Operator's configuration service but not the one the controllers read their executor from (a fixed
 * pool of {@code concurrent-reconciliation-threads}, made when the extension builds its configuration, its threads
 * started only on use). So the executor field of that service's {@link ExecutorServiceManager} is replaced, once,
 * here. When a later JOSDK renames the field the operator keeps the fixed pool, says so at WARN, and
 * {@code OperatorWiringIT} fails: the build catches the change, not production.
 */
@ApplicationScoped
public class ReconcilePoolInstaller {

  private static final Logger LOG = Logger.getLogger(ReconcilePoolInstaller.class);

  /** How long a reconcile thread waits for work before it ends. */
  static final Duration IDLE = Duration.ofSeconds(30);

  private final QuarkusConfigurationService configuration;
  private volatile ReconcilePool installed;

  public ReconcilePoolInstaller(QuarkusConfigurationService configuration) {
    this.configuration = configuration;
  }

  /** Before the extension's own start-up observer, which starts the operator (and with it the controllers). */
  void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent start) {
    installed = install(configuration.getExecutorServiceManager(), configuration.concurrentReconciliationThreads(),
        IDLE).orElse(null);
  }

  /** The pool reconciles run on, when it could be installed. */
  public Optional<ReconcilePool> pool() {
    return Optional.ofNullable(installed);
  }

  /** Replaces the manager's reconcile executor with a {@link ReconcilePool} of {@code max} threads. */
  static Optional<ReconcilePool> install(ExecutorServiceManager manager, int max, Duration idle) {
    try {
      Field field = ExecutorServiceManager.class.getDeclaredField("executor");
      field.setAccessible(true);
      ExecutorService fixed = (ExecutorService) field.get(manager);
      ReconcilePool pool = new ReconcilePool(max, idle, "reconcile-");
      field.set(manager, pool);
      if (fixed != null) {
        fixed.shutdown(); // no task ran on it: the operator has not started
      }
      LOG.infof("reconciles run on up to %d threads, each ended after %s without work", max, idle);
      return Optional.of(pool);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warnf("reconciles run on JOSDK's fixed pool of %d threads, kept for the process's life: %s", max, e);
      return Optional.empty();
    }
  }
}

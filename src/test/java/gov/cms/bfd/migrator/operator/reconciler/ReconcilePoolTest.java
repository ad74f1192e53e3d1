package gov.cms.bfd.migrator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javaoperatorsdk.operator.api.config.BaseConfigurationService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reconcile threads: started only when every one is busy, ended when idle, tasks never lost. */
class ReconcilePoolTest {

  private ReconcilePool pool;

  @AfterEach
  void stop() throws InterruptedException {
    if (pool != null) {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aThreadIsStartedOnlyWhenEveryThreadIsBusy() throws Exception {
    pool = new ReconcilePool(8, Duration.ofSeconds(30), "test-");
    for (int i = 0; i < 20; i++) {
      pool.submit(() -> { }).get(5, TimeUnit.SECONDS);
      untilIdle(1);
    }
    assertThat(pool.threadsStarted()).as("one task at a time needs one thread").isEqualTo(1);

    var release = new CountDownLatch(1);
    var busy = pool.submit(() -> await(release));
    pool.submit(() -> { }).get(5, TimeUnit.SECONDS);
    assertThat(pool.threadsStarted()).as("the only thread was busy").isEqualTo(2);
    release.countDown();
    busy.get(5, TimeUnit.SECONDS);
  }

  @Test
  void tasksThatFindEveryThreadBusyWaitAndRunInOrder() throws Exception {
    pool = new ReconcilePool(1, Duration.ofSeconds(30), "test-");
    var release = new CountDownLatch(1);
    List<String> ran = new CopyOnWriteArrayList<>();
    pool.execute(() -> await(release));
    for (String name : List.of("a", "b", "c")) {
      pool.execute(() -> ran.add(name));
    }
    assertThat(pool.threads()).isEqualTo(1);
    release.countDown();
    pool.submit(() -> { }).get(5, TimeUnit.SECONDS);
    assertThat(ran).containsExactly("a", "b", "c");
  }

  @Test
  void underATrickleOfWorkTheThreadsABurstStartedEnd() throws Exception {
    pool = new ReconcilePool(8, Duration.ofMillis(300), "test-");
    var release = new CountDownLatch(1);
    var started = new CountDownLatch(8);
    for (int i = 0; i < 8; i++) {
      pool.execute(() -> {
        started.countDown();
        await(release);
      });
    }
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.threads()).isEqualTo(8);
    release.countDown();
    // A short task every 20 ms for 1.5 s: a pool that handed work round its threads would keep all 8.
    long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
    while (System.nanoTime() < end) {
      pool.submit(() -> { }).get(5, TimeUnit.SECONDS);
      Thread.sleep(20);
    }
    assertThat(pool.threads()).isLessThanOrEqualTo(2);
    assertThat(pool.threadsStarted()).isEqualTo(8);
  }

  @Test
  void aFailingTaskCostsNoThread() throws Exception {
    pool = new ReconcilePool(2, Duration.ofSeconds(30), "test-");
    pool.execute(() -> {
      throw new IllegalStateException("boom");
    });
    untilIdle(1);
    pool.submit(() -> { }).get(5, TimeUnit.SECONDS);
    assertThat(pool.threadsStarted()).isEqualTo(1);
  }

  @Test
  void shutdownRunsWhatWaitsThenEndsEveryThreadAndRefusesMore() throws Exception {
    pool = new ReconcilePool(1, Duration.ofSeconds(30), "test-");
    var release = new CountDownLatch(1);
    List<String> ran = new CopyOnWriteArrayList<>();
    pool.execute(() -> await(release));
    pool.execute(() -> ran.add("waiting"));
    pool.shutdown();
    assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
    assertThat(pool.awaitTermination(100, TimeUnit.MILLISECONDS)).isFalse();
    release.countDown();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).containsExactly("waiting");
    assertThat(pool.isTerminated()).isTrue();
  }

  @Test
  void anIdlePoolEndsAtOnceOnShutdown() throws Exception {
    pool = new ReconcilePool(4, Duration.ofMinutes(5), "test-");
    pool.submit(() -> { }).get(5, TimeUnit.SECONDS);
    pool.shutdown();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void shutdownNowReturnsWhatNeverRanAndInterruptsTheBusy() throws Exception {
    pool = new ReconcilePool(1, Duration.ofSeconds(30), "test-");
    var interrupted = new CountDownLatch(1);
    var started = new CountDownLatch(1);
    pool.execute(() -> {
      started.countDown();
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
    });
    Runnable never = () -> { };
    pool.execute(never);
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.shutdownNow()).containsExactly(never);
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void theInstallerPutsThePoolWhereControllersTakeTheirExecutorFrom() {
    var manager = new BaseConfigurationService().getExecutorServiceManager();

    var installed = ReconcilePoolInstaller.install(manager, 3, Duration.ofSeconds(30));

    assertThat(installed).isPresent();
    assertThat(manager.reconcileExecutorService()).isSameAs(installed.get());
    pool = installed.get();
  }

  /** Until {@code threads} threads wait for work: a task's result is out a moment before its thread is free. */
  private void untilIdle(int threads) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (pool.idleThreads() < threads && System.nanoTime() < end) {
      Thread.sleep(1);
    }
    assertThat(pool.idleThreads()).isEqualTo(threads);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

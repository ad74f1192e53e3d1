package gov.cms.bfd.migrator.operator.testbed;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;

/**
 * A kube-apiserver and etcd of one test's own, with the project's CRD, for what would disturb the shared test
 * bed: its API server can be killed and started again on the same address, etcd keeping the data. Stop it with
 * {@link #close}.
 */
public final class DedicatedApiServer implements AutoCloseable {

  private final KubeApiServerProcess kube;
  private final Thread keeper;

  private DedicatedApiServer(KubeApiServerProcess kube, Thread keeper) {
    this.kube = kube;
    this.keeper = keeper;
  }

  /** Started from a thread that lives until {@link #close}, which the processes' parent-death signal follows. */
  public static DedicatedApiServer start(Path projectRoot) {
    var started = new CompletableFuture<KubeApiServerProcess>();
    var done = new CountDownLatch(1);
    Thread keeper = new Thread(() -> {
      try {
        started.complete(KubeApiServerProcess.start());
      } catch (Throwable e) {
        started.completeExceptionally(e);
        return;
      }
      try {
        done.await();
      } catch (InterruptedException e) {
        // closed: the processes are stopped by then
      }
    }, "dedicated-api-server");
    keeper.setDaemon(true);
    keeper.start();
    KubeApiServerProcess kube;
    try {
      kube = started.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
    var server = new DedicatedApiServer(kube, keeper);
    try (var client = server.client()) {
      TestBed.installCrd(client, projectRoot);
    }
    return server;
  }

  public Path kubeconfigFile() {
    return kube.kubeconfigFile();
  }

  /** A new admin client; close it after use. */
  public KubernetesClient client() {
    Config config = kube.clientConfig();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** SIGKILL to the kube-apiserver; etcd keeps running with its data. */
  public void stopApiServer() {
    kube.stopApiServerOnly();
  }

  /** The kube-apiserver again on the same address; returns when it serves requests (at most {@code atMost}). */
  public Duration startApiServer(Duration atMost) throws InterruptedException {
    long started = System.nanoTime();
    kube.startApiServerAgain();
    long deadline = started + atMost.toNanos();
    try (var client = client()) {
      while (true) {
        try {
          client.namespaces().withName("default").get();
          return Duration.ofNanos(System.nanoTime() - started);
        } catch (RuntimeException notYet) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the API server did not come back within " + atMost.toSeconds() + " s", notYet);
          }
          Thread.sleep(200);
        }
      }
    }
  }

  @Override
  public void close() {
    try {
      kube.stop();
    } finally {
      keeper.interrupt();
    }
  }
}

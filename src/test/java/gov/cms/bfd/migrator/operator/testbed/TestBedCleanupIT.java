package gov.cms.bfd.migrator.operator.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every process the test bed starts is gone when its JVM ends, whether by a failure or by SIGKILL. */
class TestBedCleanupIT {

  @Test
  void failingRunLeavesNoProcessBehind() throws Exception {
    var child = startChild("fail");
    try {
      List<ProcessHandle> started = startedBy(child);

      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM exits").isTrue();
      assertThat(child.exitValue()).isNotZero();
      assertAllGone(started);
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void killedJvmLeavesNoProcessBehind() throws Exception {
    var child = startChild("hang");
    try {
      List<ProcessHandle> started = startedBy(child);

      child.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertAllGone(started);
    } finally {
      child.destroyForcibly();
    }
  }

  private static Process startChild(String mode) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-Dkube-api-test.k8s-version=" + KubeApiServerProcess.VERSION,
        TestBedChild.class.getName(), mode)
        .redirectErrorStream(true)
        .start();
  }

  /** Waits for the child's test bed, then lists the processes it started (API server, etcd, moto). */
  private static List<ProcessHandle> startedBy(Process child) throws IOException {
    var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      seen.append(line).append('\n');
      if (line.contains("TEST-BED-READY")) {
        break;
      }
    }
    assertThat(seen.toString()).as("child output").contains("TEST-BED-READY");
    // Keep draining, so the child never blocks on a full pipe.
    Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "drain-child");
    drain.setDaemon(true);
    drain.start();
    List<ProcessHandle> started = child.toHandle().descendants().filter(ProcessHandle::isAlive).toList();
    assertThat(started.stream().map(p -> p.info().command().orElse("?")))
        .as("processes the child started")
        .anySatisfy(c -> assertThat(c).endsWith("kube-apiserver"))
        .anySatisfy(c -> assertThat(c).endsWith("etcd"))
        .anySatisfy(c -> assertThat(c).contains("python"));
    return started;
  }

  private static void assertAllGone(List<ProcessHandle> started) {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(started.stream().filter(ProcessHandle::isAlive).map(p -> p.pid() + " " + p.info().command()))
            .as("processes still running after their JVM ended")
            .isEmpty());
  }
}

package gov.cms.bfd.migrator.operator.testbed;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import org.testcontainers.DockerClientFactory;

/**
 * A Docker daemon for the tests that start containers: the one that answers on the default socket, else the project's
 * own ({@code hack/container-runtime.sh up}), which is then stopped again when the JVM ends, however the tests went.
 * Also the {@code docker} CLI against it, for what a person would type (build, save, tag, rmi).
 */
public final class DockerDaemon {

  private static final Logger LOG = Logger.getLogger(DockerDaemon.class);
  /** The oldest Docker API Testcontainers asks for first; it falls back to 1.32, which has no cgroup namespaces. */
  private static final double TESTCONTAINERS_API = 1.44;
  private static DockerDaemon instance;

  private final Path projectRoot;

  private DockerDaemon(Path projectRoot) {
    this.projectRoot = projectRoot;
  }

  /** The daemon, brought up on first call; to be called before Testcontainers is first used. */
  public static synchronized DockerDaemon get() {
    if (instance == null) {
      Path root = TestBed.get().projectRoot();
      var daemon = new DockerDaemon(root);
      boolean answered = daemon.run(List.of("docker", "version", "--format", "{{.Server.Version}}"), 30).exitCode() == 0;
      if (!answered) {
        daemon.script("up");
      }
      // Ryuk's work, without Ryuk (it would be pulled): what this JVM's Testcontainers started goes when the JVM
      // does, even after a test failed before its own clean-up; then the project's daemon stops, if it was started
      // here, whatever the removal said: Testcontainers' own shutdown hook (JVMHookResourceReaper, with Ryuk off)
      // removes the same containers at the same time, and a `docker rm` that lost that race exits 1 ("removal
      // already in progress", "no such container"). Before, that error ended this hook and left the daemon running.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          daemon.removeSessionContainers();
        } catch (RuntimeException | AssertionError e) {
          LOG.warnf("removing this run's containers: %s", e.getMessage());
        } finally {
          if (!answered) {
            daemon.script("down");
          }
        }
      }, "docker-daemon-down"));
      String api = daemon.docker("version", "--format", "{{.Server.APIVersion}}").strip();
      // Testcontainers (docker-java) speaks the daemon's own API version then: Debian's dockerd 20.10 has 1.41
      if (Double.parseDouble(api) < TESTCONTAINERS_API) {
        System.setProperty("api.version", api);
      }
      LOG.infof("Docker daemon: %s (API %s)", answered ? "the one that answered" : "the project's, started for the tests",
          api);
      instance = daemon;
    }
    return instance;
  }

  /** Removes the containers this JVM's Testcontainers session started, if any are left. */
  private void removeSessionContainers() {
    String filter = "label=" + DockerClientFactory.TESTCONTAINERS_SESSION_ID_LABEL + "=" + DockerClientFactory.SESSION_ID;
    String leftovers = docker("ps", "-aq", "--filter", filter).strip();
    if (leftovers.isEmpty()) {
      return;
    }
    List<String> remove = new ArrayList<>(List.of("docker", "rm", "--force", "--volumes"));
    remove.addAll(leftovers.lines().toList());
    var removal = run(remove, 120);
    // lost the race with Testcontainers' hook: fine once none of them is left
    if (removal.exitCode() != 0 && !docker("ps", "-aq", "--filter", filter).isBlank()) {
      removal.ok();
    }
  }

  /** docker with these arguments; its standard output, or an error with what it said. */
  public String docker(String... args) {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    return run(command, 600).ok();
  }

  /** Fails unless the image is here: nothing is pulled (no registry is reachable where the tests run). */
  public void requireImage(String image) {
    if (docker("images", "--quiet", image).isBlank()) {
      throw new IllegalStateException("no image " + image + " here: run `make test-deps` (hack/build-images.sh) to make"
          + " it; nothing is pulled");
    }
  }

  private void script(String command) {
    run(List.of("bash", projectRoot.resolve("hack/container-runtime.sh").toString(), command), 180).ok();
  }

  private Cli.Result run(List<String> command, long timeoutSeconds) {
    return Cli.run(projectRoot, Duration.ofSeconds(timeoutSeconds), command);
  }
}

package gov.cms.bfd.migrator.operator.testbed;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real kube-apiserver and etcd, started by kube-api-test in offline mode from the binaries that
 * {@code make test-deps} builds. Server-side apply, validation, CEL and RBAC are all on, as in production.
 *
 * <p>kube-api-test is pointed at a private directory whose "binaries" are two-line scripts that exec the
 * real ones under {@code setpriv --pdeathsig KILL}: if the JVM dies without running its shutdown hook
 * (SIGKILL, a CI time-out), the kernel kills the API server and etcd with it.
 */
final class KubeApiServerProcess {

  /** The release hack/build-kube-binaries.sh builds; Maven passes it in, the default keeps IDE runs working. */
  static final String VERSION = System.getProperty("kube-api-test.k8s-version", "1.34.4");
  private static final List<String> BINARIES = List.of("kube-apiserver", "etcd", "kubectl");

  private final KubeAPIServer server;
  private final String kubeconfigYaml;
  private final Path workDir;
  /** The kube-apiserver started again by {@link #startApiServerAgain}, which kube-api-test does not know of. */
  private Process restarted;
  private List<String> apiServerCommand;

  private KubeApiServerProcess(KubeAPIServer server, Path workDir) {
    this.server = server;
    this.workDir = workDir;
    this.kubeconfigYaml = server.getKubeConfigYaml();
  }

  /** Starts both; call from a thread that lives as long as the JVM (the parent-death signal follows it). */
  static KubeApiServerProcess start() {
    Path binaries = binariesDir();
    for (String binary : BINARIES) {
      requireTool(binary);
    }
    Path workDir = guardedBinaries(binaries);
    var server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withTestDir(workDir.toString())
        .withApiServerVersion(VERSION)
        .withOfflineMode(true)
        .withUpdateKubeConfig(false)
        .withStartupTimeout(120_000)
        .withApiServerFlags(auditFlags(workDir))
        .build());
    server.start();
    return new KubeApiServerProcess(server, workDir);
  }

  /** Where hack/build-kube-binaries.sh and hack/build-helm.sh put them: $KUBE_API_TEST_DIR, else $HOME/.kubeapitest. */
  static Path binariesDir() {
    String userHome = System.getenv().getOrDefault("HOME", System.getProperty("user.home"));
    Path home = Path.of(System.getenv().getOrDefault("KUBE_API_TEST_DIR",
        Path.of(userHome, ".kubeapitest").toString()));
    return home.resolve("k8s").resolve(VERSION + "-linux-amd64");
  }

  /** One of the binaries {@code make test-deps} builds (kube-apiserver, etcd, kubectl, helm). */
  static Path requireTool(String name) {
    Path tool = binariesDir().resolve(name);
    if (!Files.isExecutable(tool)) {
      throw new IllegalStateException("No " + name + " in " + binariesDir()
          + ": run `make test-deps` to build it (Kubernetes v" + VERSION + ", helm) from the Go module proxy.");
    }
    return tool;
  }

  /**
   * Every request made by a ServiceAccount, at level Metadata (who, verb, resource, namespace, response code and the
   * authorizer's decision), as JSON lines; nothing of anyone else's. The tests run nothing else as a ServiceAccount,
   * so the log stays small; what RBAC a ServiceAccount really used is read from it (ChartRbacProcessIT).
   */
  private static List<String> auditFlags(Path workDir) {
    Path policy = workDir.resolve("audit-policy.yaml");
    try {
      Files.writeString(policy, """
          apiVersion: audit.k8s.io/v1
          kind: Policy
          omitStages: ["RequestReceived"]
          rules:
            - level: Metadata
              userGroups: ["system:serviceaccounts"]
            - level: None
          """);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + policy + ": " + e.getMessage(), e);
    }
    return List.of("--audit-policy-file", policy.toString(), "--audit-log-path", auditLog(workDir).toString(),
        "--audit-log-format", "json", "--audit-log-mode", "blocking");
  }

  private static Path auditLog(Path workDir) {
    return workDir.resolve("audit.log");
  }

  /** The API server's audit log: JSON lines, one per request stage of a ServiceAccount. */
  Path auditLog() {
    return auditLog(workDir);
  }

  String kubeconfigYaml() {
    return kubeconfigYaml;
  }

  /** The kubeconfig as a file, for clients that read one (the operator under test, kubectl). */
  Path kubeconfigFile() {
    Path file = workDir.resolve("kubeconfig");
    try {
      if (!Files.exists(file)) {
        Files.writeString(file, kubeconfigYaml);
      }
      return file;
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** kubectl of the same version, wrapped so that it dies with the process that started it. */
  Path kubectl() {
    return workDir.resolve("k8s").resolve(VERSION + "-linux-amd64").resolve("kubectl");
  }

  Config clientConfig() {
    return Config.fromKubeconfig(kubeconfigYaml);
  }

  /**
   * Kills the kube-apiserver alone (SIGKILL), as a crash or a node loss would; etcd and its data stay. kube-api-test
   * has no such operation, so its process object is reached by reflection and marked stopped first (else it would
   * take the exit for a failure and stop etcd too).
   */
  synchronized void stopApiServerOnly() {
    try {
      if (restarted != null) {
        restarted.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        restarted = null;
        return;
      }
      Object apiServer = field(server, "kubeApiServerProcess");
      Process process = (Process) field(apiServer, "apiServerProcess");
      List<String> command = new ArrayList<>();
      // The wrapper script (parent-death signal), with the very arguments it was started with: port, etcd, certs.
      command.add(workDir.resolve("k8s").resolve(VERSION + "-linux-amd64").resolve("kube-apiserver").toString());
      command.addAll(List.of(process.info().arguments().orElseThrow(() ->
          new IllegalStateException("cannot read the kube-apiserver's arguments"))));
      apiServerCommand = command;
      apiServer.getClass().getMethod("stopApiServer").invoke(apiServer);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot reach kube-api-test's API server process: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The kube-apiserver again, on the same port with the same etcd and certificates; returns once started. */
  synchronized void startApiServerAgain() {
    if (apiServerCommand == null || restarted != null) {
      throw new IllegalStateException("the API server is not stopped");
    }
    try {
      restarted = new ProcessBuilder(apiServerCommand).redirectErrorStream(true)
          .redirectOutput(workDir.resolve("kube-apiserver-restarted.log").toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the kube-apiserver again: " + e.getMessage(), e);
    }
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    Field field = owner.getClass().getDeclaredField(name);
    field.setAccessible(true);
    return field.get(owner);
  }

  void stop() {
    try {
      synchronized (this) {
        if (restarted != null) {
          restarted.destroyForcibly();
        }
      }
      server.stop();
    } finally {
      deleteQuietly(workDir);
    }
  }

  private static Path guardedBinaries(Path realBinaries) {
    try {
      Path workDir = Files.createTempDirectory("kube-api-test-");
      Path binDir = Files.createDirectories(workDir.resolve("k8s").resolve(VERSION + "-linux-amd64"));
      boolean setpriv = Files.isExecutable(Path.of("/usr/bin/setpriv"));
      for (String binary : BINARIES) {
        String exec = (setpriv ? "exec /usr/bin/setpriv --pdeathsig KILL -- " : "exec ")
            + "'" + realBinaries.resolve(binary) + "' \"$@\"\n";
        Path script = binDir.resolve(binary);
        Files.writeString(script, "#!/bin/sh\n" + exec);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
      }
      return workDir;
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare the kube-api-test directory: " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
  }
}

package gov.cms.bfd.migrator.operator.testbed;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;
import org.testcontainers.containers.Container;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A single-node Kubernetes in a container that runs real pods, started by Testcontainers' {@link K3sContainer}: the
 * project's node image (tools/node-image, made by {@code make test-deps}) by default, or a rancher/k3s image where
 * one is present ({@code -Dcluster.image=rancher/k3s:<tag>}). Images reach it by import, never by pull. Closing it
 * removes the container, and with it everything the node ran and wrote.
 */
public final class KubeNode implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(KubeNode.class);
  /** The cluster image: the project's node at the test bed's Kubernetes version unless the build names another. */
  public static final String IMAGE = System.getProperty("cluster.image", "migrator-node:v" + KubeApiServerProcess.VERSION);

  private final K3sContainer container;
  private final DockerDaemon docker;
  private final Duration startup;
  private final Path kubeconfig;

  private KubeNode(K3sContainer container, DockerDaemon docker, Duration startup, Path kubeconfig) {
    this.container = container;
    this.docker = docker;
    this.startup = startup;
    this.kubeconfig = kubeconfig;
  }

  /** Starts the node and returns once it is Ready (the log line K3sContainer waits for). */
  public static KubeNode start() throws IOException {
    DockerDaemon docker = DockerDaemon.get();
    docker.requireImage(IMAGE);
    var container = new K3sContainer(DockerImageName.parse(IMAGE).asCompatibleSubstituteFor("rancher/k3s"));
    // The kubelet's cgroups go under the container's own, in a cgroup namespace of its own, and are removed with it.
    // K3sContainer would share the host's cgroup namespace and mount the host's /sys/fs/cgroup, where the pods'
    // cgroups would outlive the test.
    container.setBinds(List.of());
    container.withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withCgroupnsMode("private"));
    container.withStartupTimeout(Duration.ofMinutes(3));
    long started = System.nanoTime();
    container.start();
    var startup = Duration.ofNanos(System.nanoTime() - started);
    Path kubeconfig = Files.createTempFile("kube-node-", ".kubeconfig");
    Files.writeString(kubeconfig, container.getKubeConfigYaml());
    LOG.infof("node %s (%s) Ready %d ms after its container was asked for", container.getContainerId().substring(0, 12),
        IMAGE, startup.toMillis());
    return new KubeNode(container, docker, startup, kubeconfig);
  }

  /**
   * The machine's kernel settings that a kubelet sets at start where it may (a privileged container may): read from
   * this machine's /proc/sys, to show that the node left them as they were.
   */
  public static Map<String, String> machineKernelSettings() throws IOException {
    Map<String, String> settings = new TreeMap<>();
    for (String key : List.of("vm/overcommit_memory", "vm/panic_on_oom", "kernel/panic", "kernel/panic_on_oops",
        "kernel/keys/root_maxkeys", "kernel/keys/root_maxbytes")) {
      settings.put(key, Files.readString(Path.of("/proc/sys", key)).strip());
    }
    return settings;
  }

  /** From asking for the container to the node's Ready condition. */
  public Duration startup() {
    return startup;
  }

  /** The cluster admin's kubeconfig, for kubectl and helm on this machine. */
  public Path kubeconfigFile() {
    return kubeconfig;
  }

  /** A new client as the cluster admin; close it after use. */
  public KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(container.getKubeConfigYaml())).build();
  }

  /** A client that acts as {@code user} (impersonated by the admin), an ordinary authenticated person. */
  public KubernetesClient as(String user) {
    var config = Config.fromKubeconfig(container.getKubeConfigYaml());
    config.setImpersonateUsername(user);
    config.setImpersonateGroups("system:authenticated");
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * The address of this machine as the node's pods see it: the gateway of the container's network, where a server
   * of the test listens for them.
   */
  public InetAddress hostAddress() throws IOException {
    var networks = container.getContainerInfo().getNetworkSettings().getNetworks();
    return InetAddress.getByName(networks.values().iterator().next().getGateway());
  }

  /** Local Docker images, imported into the node's containerd (for pods with imagePullPolicy Never). */
  public void importImages(String... images) throws IOException {
    Path archive = Files.createTempFile("images-", ".tar");
    try {
      List<String> save = new ArrayList<>(List.of("save", "--output", archive.toString()));
      save.addAll(List.of(images));
      docker.docker(save.toArray(String[]::new));
      docker.docker("cp", archive.toString(), container.getContainerId() + ":/tmp/images.tar");
      exec("ctr", "--namespace", "k8s.io", "images", "import", "/tmp/images.tar");
      exec("rm", "/tmp/images.tar");
    } finally {
      Files.deleteIfExists(archive);
    }
  }

  /** A command in the node container; its output, or an error with what it said. */
  public String exec(String... command) throws IOException {
    try {
      Container.ExecResult result = container.execInContainer(command);
      if (result.getExitCode() != 0) {
        throw new AssertionError(String.join(" ", command) + " exited " + result.getExitCode() + " in the node:\n"
            + result.getStderr() + result.getStdout());
      }
      return result.getStdout();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The container's own output (the node's start), for a failure's report. */
  public String logs() {
    return container.getLogs();
  }

  @Override
  public void close() throws IOException {
    try {
      container.stop();
    } finally {
      Files.deleteIfExists(kubeconfig);
    }
  }
}

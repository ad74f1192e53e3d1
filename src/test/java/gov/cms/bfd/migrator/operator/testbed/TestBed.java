package gov.cms.bfd.migrator.operator.testbed;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The real parts every integration test shares in one JVM: a kube-apiserver with etcd, and moto. Started
 * once on first use with the project's CRD installed, stopped by a shutdown hook however the run ends
 * (moto also ends itself if the JVM is killed outright).
 */
public final class TestBed {

  private static final Logger LOG = Logger.getLogger(TestBed.class);
  private static TestBed instance;

  private final KubeApiServerProcess kube;
  private final MotoServer moto;
  private final Path projectRoot;

  private TestBed(KubeApiServerProcess kube, MotoServer moto, Path projectRoot) {
    this.kube = kube;
    this.moto = moto;
    this.projectRoot = projectRoot;
  }

  /** The shared test bed, started on first call. */
  public static synchronized TestBed get() {
    if (instance == null) {
      instance = startOnKeeperThread();
    }
    return instance;
  }

  /**
   * Starts the processes from a daemon thread that never ends: a parent-death signal fires when the thread
   * that spawned the process ends, and test frameworks start resources from short-lived threads.
   */
  private static TestBed startOnKeeperThread() {
    var started = new CompletableFuture<TestBed>();
    var keeper = new Thread(() -> {
      try {
        started.complete(start());
      } catch (Throwable e) {
        started.completeExceptionally(e);
        return;
      }
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "test-bed-keeper");
    keeper.setDaemon(true);
    keeper.start();
    try {
      return started.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  private static TestBed start() {
    Path root = findProjectRoot();
    long started = System.nanoTime();
    KubeApiServerProcess kube = KubeApiServerProcess.start();
    MotoServer moto;
    try {
      moto = MotoServer.start(root);
    } catch (RuntimeException e) {
      kube.stop();
      throw e;
    }
    var bed = new TestBed(kube, moto, root);
    Runtime.getRuntime().addShutdownHook(new Thread(bed::stop, "test-bed-stop"));
    bed.installCrd();
    bed.installApprovalPolicy();
    LOG.infof("test bed up in %d ms: kube-apiserver v%s, moto at %s behind the realism layer (%s; %s)",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), KubeApiServerProcess.VERSION, moto.endpoint(),
        Realism.behaviourSpec(), Realism.settingsSpec());
    return bed;
  }

  public Config kubeConfig() {
    return kube.clientConfig();
  }

  public String kubeconfigYaml() {
    return kube.kubeconfigYaml();
  }

  public Path kubeconfigFile() {
    return kube.kubeconfigFile();
  }

  /** kubectl v1.34.4 for this API server's kubeconfig ({@link #kubeconfigFile()}), as a person would run it. */
  public Path kubectl() {
    return kube.kubectl();
  }

  /** A new client as the cluster admin (system:masters); close it after use. */
  public KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(kubeConfig()).build();
  }

  /** A client that acts as {@code user} (impersonated by the admin), as an ordinary authenticated person. */
  public KubernetesClient as(String user) {
    var config = kubeConfig();
    config.setImpersonateUsername(user);
    config.setImpersonateGroups("system:authenticated");
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Applies a project file (server-side, as admin); what it applied. */
  public List<HasMetadata> apply(String file) {
    try (var client = client(); var in = new FileInputStream(projectRoot.resolve(file).toFile())) {
      List<HasMetadata> items = client.load(in).items();
      items.forEach(item -> client.resource(item).forceConflicts().serverSideApply());
      return items;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Binds a ClusterRole to a user in one namespace. */
  public void bind(String namespace, String clusterRole, String user) {
    try (var client = client()) {
      client.resource(new RoleBindingBuilder()
              .withNewMetadata().withName(clusterRole + "-" + user).withNamespace(namespace).endMetadata()
              .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
              .withName(clusterRole).endRoleRef()
              .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(user).endSubject()
              .build())
          .serverSideApply();
    }
  }

  /** The API server's audit log of every request a ServiceAccount made (JSON lines, level Metadata). */
  public Path auditLog() {
    return kube.auditLog();
  }

  /** A CLI that {@code make test-deps} builds beside the API server: kubectl, helm. */
  public static Path tool(String name) {
    return KubeApiServerProcess.requireTool(name);
  }

  public MotoServer moto() {
    return moto;
  }

  public Path projectRoot() {
    return projectRoot;
  }

  /** crds/ as a user would apply it, waiting until the API server serves the type. */
  private void installCrd() {
    try (var client = client()) {
      installCrd(client, projectRoot);
    }
  }

  /** The files of deploy/ that guard approvals, installed for the whole run as a real install has them. */
  public static final List<String> APPROVAL_FILES = List.of("deploy/approval-policy.yaml", "deploy/approver-rbac.yaml");

  /**
   * The approval policy, its binding and the approver role, as on a real cluster: the operator acts on no approval
   * without them. A test that removes or replaces them puts them back ({@link #installApprovalPolicy}).
   */
  public void installApprovalPolicy() {
    APPROVAL_FILES.forEach(this::apply);
  }

  /** The CRDs of crds/, as `make crds` writes them. */
  public static final List<String> CRD_FILES = List.of("migratordeployments.migrator.bfd.cms.gov-v1.yml",
      "migratorenvironments.migrator.bfd.cms.gov-v1.yml");

  /** crds/ applied through {@code client}, waiting until the API server serves the types. */
  static void installCrd(KubernetesClient client, Path projectRoot) {
    for (String file : CRD_FILES) {
      try (var in = new FileInputStream(projectRoot.resolve("crds").resolve(file).toFile())) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
        client.resource(crd).serverSideApply();
        client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
            .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
                && c.getStatus().getConditions().stream()
                .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
                60, TimeUnit.SECONDS);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read crds/" + file + ": " + e.getMessage(), e);
      }
    }
  }

  private void stop() {
    try {
      moto.stop();
    } finally {
      kube.stop();
    }
  }

  private static Path findProjectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("pom.xml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("tests must run inside the project");
    }
    return dir;
  }
}

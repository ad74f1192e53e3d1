package gov.cms.bfd.migrator.operator.deploy;

import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.monitorMessage;
import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMessage;
import static gov.cms.bfd.migrator.operator.testbed.ConditionAssert.has;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionState;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.plan.Approval;
import gov.cms.bfd.migrator.operator.testbed.Cli;
import gov.cms.bfd.migrator.operator.testbed.DockerDaemon;
import gov.cms.bfd.migrator.operator.testbed.HoldingProxy;
import gov.cms.bfd.migrator.operator.testbed.KubeNode;
import gov.cms.bfd.migrator.operator.testbed.Scenario;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.opentest4j.TestAbortedException;

/**
 * The operator as a platform team meets it: its image built here from Dockerfile.jvm, installed by the chart with
 * {@code helm install} on a real node (kubelet, containerd, runc, CNI; {@link KubeNode}), with only the image, its
 * pull policy and the AWS endpoint overridden, moto on this machine reached from the pod. In order, each step on
 * what the one before left: the pod is Ready through its own probes, as uid 185 on a read-only root; the runbook's
 * cases are repaired (a leftover success purged by itself, a failed run purged once an impersonated approver signs);
 * two replicas hand over when the leader pod is deleted in the middle of a purge, which reaches AWS once; an upgrade
 * to a new image tag rolls the pods and repeats nothing; an uninstall leaves only the CRD. It prints the figures
 * the README quotes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterE2EIT {

  private static final String RELEASE = "migrator-operator";
  private static final String NAMESPACE = "migrator-operator";
  private static final String ENVIRONMENTS = "e2e";
  private static final String LEASE = "migrator-operator";
  private static final String REPOSITORY = "migrator-operator";
  private static final String BASE_IMAGE = System.getProperty("operator.base-image",
      "migrator-jre-base:openjdk-17-jre-headless");
  private static final String APPROVER = "alice";
  private static final Duration WAIT = Duration.ofSeconds(180);

  private final Path root = TestBed.get().projectRoot();
  private final String tag = "e2e-" + Long.toString(System.currentTimeMillis(), 36);
  private final String upgradeTag = tag + "-b";
  private final Map<String, String> figures = new LinkedHashMap<>();
  private final List<Scenario> scenarios = new ArrayList<>();
  private DockerDaemon docker;
  private KubeNode node;
  private KubernetesClient admin;
  private HoldingProxy aws;
  private boolean failed;
  private Map<String, String> kernelSettings;

  @BeforeAll
  void startNodeAndInstall() {
    step(this::install);
  }

  private void install() throws Exception {
    TestBed.get().moto().reset();
    docker = DockerDaemon.get();
    kernelSettings = KubeNode.machineKernelSettings();
    node = KubeNode.start();
    figures.put("node Ready", node.startup().toMillis() + " ms after the container was asked for");
    admin = node.client();

    docker.requireImage(BASE_IMAGE);
    long started = System.nanoTime();
    docker.docker("build", "--quiet", "--build-arg", "BASE_IMAGE=" + BASE_IMAGE, "-f", "src/main/docker/Dockerfile.jvm",
        "-t", image(tag), ".");
    docker.docker("tag", image(tag), image(upgradeTag));
    figures.put("image build", millisSince(started) + " ms (docker build on " + BASE_IMAGE + ")");
    started = System.nanoTime();
    node.importImages(image(tag), image(upgradeTag));
    figures.put("image import", millisSince(started) + " ms (docker save, ctr import)");

    aws = awsForPods();
    started = System.nanoTime();
    helm("install", RELEASE, "helm/", "--namespace", NAMESPACE, "--create-namespace",
        "--set", "image.registry=", "--set", "image.repository=" + REPOSITORY, "--set", "image.tag=" + tag,
        "--set", "image.pullPolicy=Never",
        "--set", "aws.endpointUrl=" + aws.endpoint());
    awaitPods(1, ready(), "one Ready operator pod");
    figures.put("install to Ready pod", millisSince(started) + " ms (helm install to the pod's Ready condition)");
  }

  /**
   * AWS as the operator's pods reach it, said in this one place: the test bed's moto (the realism layer in front of it,
   * once there is one) behind a proxy that listens where the node's pods reach this machine, and counts, or holds,
   * the PurgeQueue calls.
   */
  private HoldingProxy awsForPods() throws IOException {
    return new HoldingProxy(TestBed.get().moto().endpoint(), "AmazonSQS.PurgeQueue", node.hostAddress());
  }

  @BeforeEach
  void skipAfterAFailedStep() {
    if (failed) {
      throw new TestAbortedException("an earlier step failed; this one builds on it");
    }
  }

  @AfterAll
  void removeEverything() throws Exception {
    System.out.println("ClusterE2EIT figures:");
    figures.forEach((what, figure) -> System.out.printf("  %s: %s%n", what, figure));
    try {
      // while the admin client is open: diagnose() lists the pods with it
      if (failed && node != null && admin != null) {
        diagnose();
      }
    } finally {
      try {
        scenarios.forEach(Scenario::close);
        if (aws != null) {
          aws.close();
        }
        if (admin != null) {
          admin.close();
        }
      } finally {
        cleanUpNodeAndImages();
      }
    }
  }

  private void cleanUpNodeAndImages() throws Exception {
    try {
      if (node != null) {
        node.close();
      }
    } finally {
      if (docker != null) {
        for (String image : List.of(image(tag), image(upgradeTag))) {
          if (!docker.docker("images", "--quiet", image).isBlank()) {
            docker.docker("rmi", image);
          }
        }
      }
    }
  }

  @Test
  @Order(1)
  void thePodIsReadyThroughItsProbesAsItsNonRootUserOnAReadOnlyRoot() {
    step(() -> {
      Pod pod = pods().get(0);
      var container = pod.getSpec().getContainers().get(0);
      assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
      assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
      assertThat(pod.getStatus().getContainerStatuses().get(0).getRestartCount()).as("restarts").isZero();

      String name = pod.getMetadata().getName();
      assertThat(kubectl("exec", name, "--", "id", "-u").ok().strip()).as("the uid the JVM runs as").isEqualTo("185");
      var write = kubectl("exec", name, "--", "touch", "/deployments/probe");
      assertThat(write.exitCode()).as("a write to the root filesystem").isNotZero();
      assertThat(write.stderr() + write.stdout()).contains("Read-only file system");
      assertThat(kubectl("exec", name, "--", "touch", "/tmp/probe").exitCode()).as("a write to /tmp").isZero();
      assertThat(kubectl("logs", name).ok()).as("kubectl logs " + name)
          .contains("leader election on: Lease " + NAMESPACE + "/" + LEASE + " as " + name)
          .contains("Starting 'migratordeployment' controller");
      assertThat(KubeNode.machineKernelSettings()).as("this machine's kernel settings, with a node and a pod running")
          .isEqualTo(kernelSettings);
    });
  }

  @Test
  @Order(2)
  void aLeftoverSuccessIsPurgedUntilTheEnvironmentIsDeployable() {
    step(() -> {
      var leftover = scenario("lo");
      leftover.sim().createQueue();
      leftover.sim().send(nativeMessage(5046, 14, "Finished"));
      int purges = aws.forwarded();
      leftover.create(leftover.spec());

      var md = leftover.awaitStatus(WAIT, m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
      assertThat(history(md)).containsExactly("PurgeQueue:Succeeded");
      assertThat(aws.forwarded() - purges).as("PurgeQueue calls that reached AWS").isEqualTo(1);
    });
  }

  @Test
  @Order(3)
  void aFailedRunWaitsForAnApproverAndIsPurgedOnce() {
    step(() -> {
      var failedRun = scenario("fr");
      failedRun.sim().createQueue();
      failedRun.sim().send(monitorMessage("4242", "exited", "2", "10020"));
      int purges = aws.forwarded();
      failedRun.create(failedRun.spec());
      var awaiting = failedRun.awaitStatus(WAIT, m -> m.getStatus() != null && m.getStatus().planFingerprint != null
          && m.getStatus().plannedActions != null
          && m.getStatus().plannedActions.stream().anyMatch(a -> a.state == ActionState.AwaitingApproval));
      assertThat(aws.forwarded() - purges).as("purges before the approval").isZero();

      admin.resource(new RoleBindingBuilder().withNewMetadata().withName("approver-" + APPROVER)
              .withNamespace(ENVIRONMENTS).endMetadata()
              .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
              .withName("migrator-approver").endRoleRef()
              .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(APPROVER).endSubject()
              .build())
          .serverSideApply();
      try (var approver = node.as(APPROVER)) {
        approver.resources(MigratorDeployment.class).inNamespace(ENVIRONMENTS).withName(failedRun.env())
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"" + Approval.APPROVE
                + "\":\"" + awaiting.getStatus().planFingerprint + "\",\"" + Approval.APPROVED_BY + "\":\"" + APPROVER
                + "\"}}}");
      }

      var md = failedRun.awaitStatus(WAIT, m -> m.getStatus().history != null && !m.getStatus().history.isEmpty()
          && m.getStatus().history.get(0).outcome == ActionOutcome.Succeeded);
      assertThat(history(md)).containsExactly("PurgeQueue:Succeeded");
      assertThat(md.getStatus().history.get(0).approvedBy).isEqualTo(APPROVER);
      assertThat(aws.forwarded() - purges).as("PurgeQueue calls that reached AWS").isEqualTo(1);
      figures.put("operator RSS with " + scenarios.size() + " environments", rss(pods().get(0)));
    });
  }

  @Test
  @Order(4)
  void twoReplicasHandOverWhenTheLeaderPodIsDeletedMidPurgeAndThePurgeReachesAwsOnce() {
    step(() -> {
      helm("upgrade", RELEASE, "helm/", "--namespace", NAMESPACE, "--reuse-values", "--set", "replicas=2");
      awaitPods(2, started(), "two operator pods running");
      String leader = await().atMost(WAIT).until(this::holder, Optional::isPresent).orElseThrow();
      String standby = pods().stream().map(p -> p.getMetadata().getName()).filter(n -> !n.equals(leader)).findFirst()
          .orElseThrow();
      await("the standby asks for the Lease").atMost(WAIT)
          .until(() -> kubectl("logs", standby).stdout().contains("leader election on"));

      var leftover = scenario("ho");
      leftover.sim().createQueue();
      leftover.sim().send(nativeMessage(5046, 14, "Finished"));
      int purges = aws.forwarded();
      aws.hold(HoldingProxy.Hold.AFTER_FORWARDING);
      leftover.create(leftover.spec());
      assertThat(aws.awaitHolding(WAIT.toSeconds())).as("the leader calls PurgeQueue").isTrue();
      assertThat(leftover.get().getStatus().history.get(0).outcome).isEqualTo(ActionOutcome.Pending);

      long deleted = System.nanoTime();
      admin.pods().inNamespace(NAMESPACE).withName(leader).delete(); // AWS purged; the leader never hears back
      // The deleted leader does not release the Lease (JOSDK never does): it expires, and the standby, trying every
      // 2 s, or the Deployment's replacement pod, if its first try comes first, takes it.
      String next = await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
          .until(this::holder, h -> h.isPresent() && !h.get().equals(leader)).orElseThrow();
      long leaseTaken = millisSince(deleted);
      var md = leftover.awaitStatus(WAIT, m -> m.getStatus().history.get(0).outcome != ActionOutcome.Pending);
      long verified = millisSince(deleted);
      aws.release();
      figures.put("hand-over", "Lease taken by the " + (next.equals(standby) ? "standby" : "replacement pod") + " "
          + leaseTaken + " ms and the pending purge verified " + verified + " ms after the leader pod was deleted");

      assertThat(history(md)).containsExactly("PurgeQueue:Succeeded");
      leftover.awaitStatus(WAIT, m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
      assertThat(aws.forwarded() - purges).as("PurgeQueue calls that reached AWS").isEqualTo(1);
    });
  }

  @Test
  @Order(5)
  void anUpgradeToANewImageTagRollsThePodsAndRepeatsNoAction() {
    step(() -> {
      awaitPods(2, started(), "two operator pods running");
      List<String> before = pods().stream().map(p -> p.getMetadata().getName()).toList();
      Map<String, List<String>> histories = histories();
      int purges = aws.forwarded();

      long started = System.nanoTime();
      helm("upgrade", RELEASE, "helm/", "--namespace", NAMESPACE, "--reuse-values", "--set", "image.tag=" + upgradeTag);
      awaitPods(2, started().and(p -> !before.contains(p.getMetadata().getName())
          && p.getSpec().getContainers().get(0).getImage().equals(image(upgradeTag))), "two pods of the new image");
      String leader = await().atMost(WAIT).until(this::holder, h -> h.isPresent() && !before.contains(h.get()))
          .orElseThrow();
      awaitPods(2, p -> true, "the old pods gone");
      figures.put("rolling upgrade", millisSince(started) + " ms from helm upgrade to a new leader (" + leader + ")");

      // the new leader has reconciled every environment (its own count, on the port the chart's scrape annotations
      // name), and then some polls more
      String metrics = "/api/v1/namespaces/" + NAMESPACE + "/pods/" + leader + ":8080/proxy/q/metrics";
      for (Scenario s : scenarios) {
        await("the new leader reconciles " + s.env()).atMost(WAIT).until(() -> kubectl("get", "--raw", metrics).ok()
            .lines().anyMatch(l -> l.startsWith("migrator_reconciles_total{") && l.contains("name=\"" + s.env() + "\"")));
      }
      Thread.sleep(Duration.ofSeconds(10).toMillis()); // five idle polls of the 2 s scenarios
      assertThat(histories()).as("every environment's history after the upgrade").isEqualTo(histories);
      assertThat(aws.forwarded() - purges).as("PurgeQueue calls during the upgrade").isZero();
    });
  }

  @Test
  @Order(6)
  void anUninstallRemovesEverythingButTheCrd() {
    step(() -> {
      List<HasMetadata> installed = admin.load(new ByteArrayInputStream(
          helm("get", "manifest", RELEASE, "--namespace", NAMESPACE).getBytes(StandardCharsets.UTF_8))).items();
      assertThat(installed).as("what the release installed").hasSizeGreaterThanOrEqualTo(9);

      helm("uninstall", RELEASE, "--namespace", NAMESPACE, "--wait", "--timeout", "120s");
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(installed).filteredOn(o -> admin.resource(o).get() != null).as("left by the uninstall").isEmpty();
        assertThat(pods()).as("operator pods").isEmpty();
      });
      assertThat(admin.apiextensions().v1().customResourceDefinitions()
          .withName("migratordeployments.migrator.bfd.cms.gov").get()).as("the CRD, kept by helm").isNotNull();
      assertThat(admin.resources(MigratorDeployment.class).inNamespace(ENVIRONMENTS).list().getItems())
          .as("the MigratorDeployments, kept with their CRD").hasSize(scenarios.size());
    });
  }

  /** What a person would look at after a failure: the node's start, the pods, the Lease, the operators' logs. */
  private void diagnose() {
    System.out.println("the node's start:\n" + node.logs());
    System.out.println(kubectl("get", "pods,deployments,replicasets,leases", "-o", "wide").stdout());
    System.out.println(kubectl("get", "events", "--sort-by", ".lastTimestamp").stdout());
    for (Pod pod : admin.pods().inNamespace(NAMESPACE).list().getItems()) {
      String name = pod.getMetadata().getName();
      System.out.printf("kubectl logs %s:%n%s%n", name, kubectl("logs", name, "--tail", "60").stdout());
    }
  }

  /** One step; a failure skips the ones after it (each builds on the cluster the one before left). */
  private void step(ThrowingRunnable body) {
    try {
      body.run();
    } catch (Throwable e) {
      failed = true;
      if (e instanceof Error error) {
        throw error;
      }
      throw new AssertionError(e);
    }
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** An environment of this run: a MigratorDeployment in the namespace the chart's operator watches. */
  private Scenario scenario(String prefix) {
    var scenario = new Scenario(admin, ENVIRONMENTS, prefix, tag);
    scenarios.add(scenario);
    return scenario;
  }

  private static String image(String tag) {
    return REPOSITORY + ":" + tag;
  }

  private String helm(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--kubeconfig", node.kubeconfigFile().toString()));
    return Cli.helm(root, all.toArray(String[]::new)).ok();
  }

  private Cli.Result kubectl(String... args) {
    List<String> all = new ArrayList<>(List.of("--kubeconfig", node.kubeconfigFile().toString(), "-n", NAMESPACE));
    all.addAll(List.of(args));
    return Cli.kubectl(root, all.toArray(String[]::new));
  }

  private List<Pod> pods() {
    return admin.pods().inNamespace(NAMESPACE).withLabel("app.kubernetes.io/instance", RELEASE).list().getItems()
        .stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  private void awaitPods(int count, Predicate<Pod> each, String what) {
    await(what).atMost(WAIT).pollInterval(Duration.ofMillis(250))
        .until(() -> admin.pods().inNamespace(NAMESPACE).withLabel("app.kubernetes.io/instance", RELEASE).list()
            .getItems(), pods -> pods.size() == count && pods.stream().allMatch(each));
  }

  private static Predicate<Pod> ready() {
    return p -> p.getStatus().getConditions().stream()
        .anyMatch((PodCondition c) -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static Predicate<Pod> started() {
    return p -> p.getMetadata().getDeletionTimestamp() == null && p.getStatus().getContainerStatuses() != null
        && p.getStatus().getContainerStatuses().stream().allMatch(s -> Boolean.TRUE.equals(s.getStarted()));
  }

  private Optional<String> holder() {
    var lease = admin.leases().inNamespace(NAMESPACE).withName(LEASE).get();
    return Optional.ofNullable(lease).map(l -> l.getSpec().getHolderIdentity()).filter(h -> !h.isEmpty());
  }

  private Map<String, List<String>> histories() {
    Map<String, List<String>> all = new LinkedHashMap<>();
    scenarios.forEach(s -> all.put(s.env(), history(s.get())));
    return all;
  }

  private static List<String> history(MigratorDeployment md) {
    return md.getStatus().history == null ? List.of()
        : md.getStatus().history.stream().map(h -> h.action + ":" + h.outcome).toList();
  }

  /** The operator's resident memory (the JVM is the container's first process) against its limit. */
  private String rss(Pod pod) {
    String status = kubectl("exec", pod.getMetadata().getName(), "--", "cat", "/proc/1/status").ok();
    long kib = status.lines().filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
        .findFirst().orElseThrow();
    var limit = pod.getSpec().getContainers().get(0).getResources().getLimits().get("memory");
    return String.format("%.1f MiB (limit %s%s)", kib / 1024.0, limit.getAmount(), limit.getFormat());
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}

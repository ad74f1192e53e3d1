package gov.cms.bfd.migrator.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.testbed.Cli;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Helm chart in helm/: it lints, its renderings (default values, and a namespaced shard without leader election)
 * are accepted object by object by the real API server (server-side apply, dry run), the Deployment is locked down
 * and wired from values, bad values are refused naming the value, and deploy/ holds what its default rendering holds.
 */
class HelmChartIT {

  private static final String RELEASE = "migrator-operator";
  private static final String RELEASE_NAMESPACE = "migrator-operator";
  /** A second release: one shard of a fleet, watching two namespaces, labels shard=a, one replica, no Lease. */
  private static final String[] NAMESPACED = {"--set", "watchNamespaces={chart-a,chart-b}", "--set",
      "labelSelector=shard=a", "--set", "leaderElection.enabled=false", "--set", "approval.enabled=false",
      "--set", "aws.region=us-west-2", "--set", "aws.endpointUrl=http://127.0.0.1:4566"};
  private static final String SHARD = "shard-a";
  private static final String SHARD_NAMESPACE = "chart-ops";

  private static Path root;
  private static KubernetesClient admin;

  @BeforeAll
  static void namespaces() {
    root = TestBed.get().projectRoot();
    admin = TestBed.get().client();
    for (String namespace : List.of(RELEASE_NAMESPACE, SHARD_NAMESPACE, "chart-a", "chart-b")) {
      admin.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .serverSideApply();
    }
  }

  @AfterAll
  static void close() {
    admin.close();
  }

  @Test
  void chartLintsCleanWithDefaultAndNamespacedValues() {
    assertThat(Cli.helm(root, "lint", "--strict", "helm/").ok()).contains("1 chart(s) linted, 0 chart(s) failed");
    assertThat(Cli.helm(root, concat(new String[] {"lint", "--strict", "helm/"}, NAMESPACED)).ok())
        .contains("1 chart(s) linted, 0 chart(s) failed");
  }

  @Test
  void chartCarriesTheProjectsCrdUnchanged() throws IOException {
    String file = "migratordeployments.migrator.bfd.cms.gov-v1.yml";
    assertThat(Files.readString(root.resolve("helm/crds").resolve(file)))
        .as("helm/crds/%s is a copy of crds/%s (make crds refreshes both)", file, file)
        .isEqualTo(Files.readString(root.resolve("crds").resolve(file)));
  }

  /** The image `make image` builds (migrator-operator:<pom version>) is the one the chart runs by default. */
  @Test
  void chartAppVersionIsTheOperatorsVersion() throws IOException {
    String pomVersion = Files.readAllLines(root.resolve("pom.xml")).stream()
        .filter(l -> l.matches("^  <version>.*</version>$")).findFirst().orElseThrow()
        .replaceAll("^  <version>(.*)</version>$", "$1");

    assertThat(appVersion()).as("appVersion in helm/Chart.yaml, the version in pom.xml").isEqualTo(pomVersion);
  }

  @Test
  void defaultRenderingIsAcceptedByTheApiServer() {
    var objects = load(render(RELEASE, RELEASE_NAMESPACE, "--include-crds"));

    assertThat(objects).extracting(o -> o.getKind() + " " + o.getMetadata().getName()).containsExactlyInAnyOrder(
        "CustomResourceDefinition migratordeployments.migrator.bfd.cms.gov",
        "ServiceAccount migrator-operator",
        "ClusterRole migrator-operator", "ClusterRoleBinding migrator-operator",
        "Role migrator-operator-leader-election", "RoleBinding migrator-operator-leader-election",
        "Deployment migrator-operator",
        "ValidatingAdmissionPolicy migratordeployments-approved-by.migrator.bfd.cms.gov",
        "ValidatingAdmissionPolicyBinding migratordeployments-approved-by.migrator.bfd.cms.gov",
        "ClusterRole migrator-approver");
    assertThat(dryRunApply(objects)).as("objects the API server refused").isEmpty();
  }

  @Test
  void namespacedRenderingIsAcceptedByTheApiServer() {
    var objects = load(render(SHARD, SHARD_NAMESPACE, NAMESPACED));

    assertThat(objects).extracting(o -> o.getKind() + " " + namespaceOf(o) + o.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "ServiceAccount chart-ops/shard-a-migrator-operator",
            "ClusterRole shard-a-migrator-operator-crd", "ClusterRoleBinding shard-a-migrator-operator-crd",
            "Role chart-a/shard-a-migrator-operator", "RoleBinding chart-a/shard-a-migrator-operator",
            "Role chart-b/shard-a-migrator-operator", "RoleBinding chart-b/shard-a-migrator-operator",
            "Deployment chart-ops/shard-a-migrator-operator");
    // cluster-wide, only the start-up check of the CRD
    var crdRole = (ClusterRole) only(objects, "ClusterRole", "shard-a-migrator-operator-crd");
    assertThat(crdRole.getRules()).flatExtracting(PolicyRule::getApiGroups).containsOnly("apiextensions.k8s.io");
    assertThat(crdRole.getRules()).flatExtracting(PolicyRule::getResources).containsOnly("customresourcedefinitions");
    // in each watched namespace, what the cluster-wide default grants everywhere
    var defaultRules = ((ClusterRole) only(load(render(RELEASE, RELEASE_NAMESPACE)), "ClusterRole", RELEASE)).getRules();
    for (var role : objects.stream().filter(Role.class::isInstance).map(Role.class::cast).toList()) {
      assertThat(Stream.concat(role.getRules().stream(), crdRole.getRules().stream()).toList())
          .as("Role %s/%s with the CRD rule", role.getMetadata().getNamespace(), role.getMetadata().getName())
          .containsExactlyInAnyOrderElementsOf(defaultRules);
    }
    assertThat(dryRunApply(objects)).as("objects the API server refused").isEmpty();
  }

  @Test
  void deploymentRunsLockedDownWithHealthProbes() {
    var deployment = (Deployment) only(load(render(RELEASE, RELEASE_NAMESPACE)), "Deployment", RELEASE);
    var pod = deployment.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);

    assertThat(pod.getContainers()).hasSize(1);
    assertThat(container.getImage()).isEqualTo("migrator-operator:" + appVersion());
    assertThat(pod.getServiceAccountName()).isEqualTo(RELEASE);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(185L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var security = container.getSecurityContext();
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getVolumeMounts()).singleElement().satisfies(m -> {
      assertThat(m.getMountPath()).isEqualTo("/tmp");
      assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals(m.getName()))
          .singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    });
    assertThat(container.getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("http");
      assertThat(p.getContainerPort()).isEqualTo(8080);
    });
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKey("memory");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", "8080")
        .containsEntry("prometheus.io/path", "/q/metrics");
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
  }

  @Test
  void defaultEnvironmentWatchesEverythingWithLeaderElection() {
    var deployment = (Deployment) only(load(render(RELEASE, RELEASE_NAMESPACE)), "Deployment", RELEASE);

    assertThat(env(deployment)).containsExactly(
        Map.entry("LEADER_ELECTION_ENABLED", "true"),
        Map.entry("LEADER_ELECTION_LEASE_NAME", "migrator-operator"),
        Map.entry("LEADER_ELECTION_NAMESPACE", "fieldRef:metadata.namespace"),
        Map.entry("POD_NAME", "fieldRef:metadata.name"),
        Map.entry("AWS_REGION", "us-east-1"));
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
  }

  @Test
  void namespacedValuesAreWiredIntoTheEnvironment() {
    var deployment = (Deployment) only(load(render(SHARD, SHARD_NAMESPACE, NAMESPACED)), "Deployment",
        "shard-a-migrator-operator");

    assertThat(env(deployment)).containsExactly(
        Map.entry("WATCH_NAMESPACES", "chart-a,chart-b"),
        Map.entry("WATCH_SELECTOR", "shard=a"),
        Map.entry("LEADER_ELECTION_ENABLED", "false"),
        Map.entry("AWS_REGION", "us-west-2"),
        Map.entry("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
        Map.entry("AWS_ACCESS_KEY_ID", "testing"),
        Map.entry("AWS_SECRET_ACCESS_KEY", "testing"));
    // without leader election, never two operators at once, not even during a rollout
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
  }

  @Test
  void leaseNameAndReplicasAndExtraEnvComeFromValues() {
    var deployment = (Deployment) only(load(render(RELEASE, RELEASE_NAMESPACE, "--set", "replicas=3", "--set",
        "leaderElection.leaseName=fleet-a", "--set", "extraEnv[0].name=JAVA_MAX_MEM_RATIO",
        "--set", "extraEnv[0].value=75")), "Deployment", RELEASE);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(env(deployment)).containsEntry("LEADER_ELECTION_LEASE_NAME", "fleet-a")
        .containsEntry("JAVA_MAX_MEM_RATIO", "75");
  }

  @Test
  void serviceAccountCarriesTheIrsaRoleAnnotation() {
    String role = "arn:aws:iam::123456789012:role/bfd-migrator-operator";
    var account = (ServiceAccount) only(load(render(RELEASE, RELEASE_NAMESPACE,
        "--set", "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=" + role)), "ServiceAccount", RELEASE);

    assertThat(account.getMetadata().getAnnotations()).containsExactly(Map.entry("eks.amazonaws.com/role-arn", role));
  }

  @Test
  void approvalOffLeavesOutThePolicyAndTheApproverRole() {
    var kinds = load(render(RELEASE, RELEASE_NAMESPACE, "--set", "approval.enabled=false")).stream()
        .map(o -> o.getKind() + " " + o.getMetadata().getName()).toList();

    assertThat(kinds).noneMatch(k -> k.startsWith("ValidatingAdmissionPolicy")).doesNotContain("ClusterRole migrator-approver");
  }

  @ParameterizedTest(name = "{0} is refused: {1}")
  @CsvSource(delimiter = '|', value = {
      "replicas=two                                  | at '/replicas': got string, want integer",
      "replicas=0                                    | at '/replicas': minimum: got 0, want 1",
      "leaderElection.enabled=yes                    | at '/leaderElection/enabled': got string, want boolean",
      "watchNamespaces=ops                           | at '/watchNamespaces': got string, want array",
      "watchNamespaces={Ops_1}                       | at '/watchNamespaces/0': 'Ops_1' does not match pattern",
      "aws.endpointUrl=localhost:4566                | at '/aws/endpointUrl': 'localhost:4566' does not match pattern",
      "aws.region=Virginia                           | at '/aws/region': 'Virginia' does not match pattern",
      "imag.tag=latest                               | additional properties 'imag' not allowed",
      "image.pullPolicy=Sometimes                    | at '/image/pullPolicy': value must be one of",
  })
  void badValuesAreRefusedNamingTheValue(String value, String message) {
    var result = Cli.helm(root, "template", RELEASE, "helm/", "--namespace", RELEASE_NAMESPACE, "--set", value);

    assertThat(result.exitCode()).as("helm template --set %s", value).isNotZero();
    assertThat(result.stderr()).contains("values don't meet the specifications of the schema").contains(message);
  }

  @Test
  void severalReplicasWithoutLeaderElectionAreRefused() {
    var result = Cli.helm(root, "template", RELEASE, "helm/", "--set", "replicas=2", "--set",
        "leaderElection.enabled=false");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("replicas is 2 but leaderElection.enabled is false: without leader election"
        + " every replica would act on the same environments");
  }

  /**
   * deploy/ (kustomize, as {@code kubectl apply -k} builds it) holds the same objects as the chart's default rendering
   * for release migrator-operator in namespace migrator-operator, field by field, but for the labels Helm and the
   * release add, and the Namespace, which Helm leaves to {@code --create-namespace}.
   */
  @Test
  void deployManifestsEqualTheChartsDefaultRendering() {
    Map<String, Map<String, Object>> deploy = new LinkedHashMap<>();
    Manifests.parse(Cli.kubectl(root, "kustomize", "deploy/").ok()).forEach((key, object) -> {
      if (!key.equals("Namespace " + RELEASE_NAMESPACE)) {
        deploy.put(key, Manifests.withoutReleaseLabels(object));
      }
    });
    Map<String, Map<String, Object>> chart = new LinkedHashMap<>();
    Manifests.parse(render(RELEASE, RELEASE_NAMESPACE))
        .forEach((key, object) -> chart.put(key, Manifests.withoutReleaseLabels(object)));

    assertThat(Manifests.differences("deploy/", deploy, "the chart's default rendering", chart))
        .as("differences between deploy/ and helm template %s helm/ -n %s", RELEASE, RELEASE_NAMESPACE)
        .isEmpty();
    assertThat(deploy).as("what deploy/ holds").hasSizeGreaterThanOrEqualTo(9);
  }

  private static String render(String release, String namespace, String... args) {
    return Cli.helm(root, concat(new String[] {"template", release, "helm/", "--namespace", namespace}, args)).ok();
  }

  private static List<HasMetadata> load(String yaml) {
    return admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
  }

  /** Each object through server-side apply with dry run, as admin; what the API server said to those it refused. */
  private static List<String> dryRunApply(List<HasMetadata> objects) {
    List<String> refused = new ArrayList<>();
    for (HasMetadata object : objects) {
      try {
        admin.resource(object).dryRun().fieldManager("helm-chart-it").forceConflicts().serverSideApply();
      } catch (KubernetesClientException e) {
        refused.add(object.getKind() + " " + namespaceOf(object) + object.getMetadata().getName() + ": "
            + e.getMessage());
      }
    }
    return refused;
  }

  private static HasMetadata only(List<HasMetadata> objects, String kind, String name) {
    return objects.stream().filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name))
        .reduce((a, b) -> {
          throw new AssertionError("two " + kind + " named " + name);
        })
        .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " rendered"));
  }

  /** The operator container's environment, a value or "fieldRef:<path>" for the downward API, in order. */
  private static Map<String, String> env(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e.getValueFrom() == null ? e.getValue()
            : "fieldRef:" + e.getValueFrom().getFieldRef().getFieldPath(), (a, b) -> {
              throw new AssertionError("environment variable twice: " + a + ", " + b);
            }, LinkedHashMap::new));
  }

  private static String appVersion() {
    try {
      return Files.readAllLines(root.resolve("helm/Chart.yaml")).stream()
          .filter(l -> l.startsWith("appVersion:")).findFirst().orElseThrow()
          .substring("appVersion:".length()).trim().replace("\"", "");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String namespaceOf(HasMetadata object) {
    return object.getMetadata().getNamespace() == null ? "" : object.getMetadata().getNamespace() + "/";
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }
}

package gov.cms.bfd.migrator.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.testbed.Cli;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import gov.cms.bfd.migrator.operator.testbed.ThirdPartyCrds;
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
      "--set", "viewRole.enabled=false",
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
        "CustomResourceDefinition migratorenvironments.migrator.bfd.cms.gov",
        "ServiceAccount migrator-operator",
        "ClusterRole migrator-operator", "ClusterRoleBinding migrator-operator",
        "Role migrator-operator-leader-election", "RoleBinding migrator-operator-leader-election",
        "Deployment migrator-operator",
        "ValidatingAdmissionPolicy migratordeployments-approved-by.migrator.bfd.cms.gov",
        "ValidatingAdmissionPolicyBinding migratordeployments-approved-by.migrator.bfd.cms.gov",
        "ClusterRole migrator-approver",
        "ClusterRole migrator-view");
    assertThat(dryRunApply(objects)).as("objects the API server refused").isEmpty();
  }

  @Test
  void namespacedRenderingIsAcceptedByTheApiServer() {
    var objects = load(render(SHARD, SHARD_NAMESPACE, NAMESPACED));

    assertThat(objects).extracting(o -> o.getKind() + " " + namespaceOf(o) + o.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "ServiceAccount chart-ops/shard-a-migrator-operator",
            "ClusterRole shard-a-migrator-operator-cluster", "ClusterRoleBinding shard-a-migrator-operator-cluster",
            "Role chart-a/shard-a-migrator-operator", "RoleBinding chart-a/shard-a-migrator-operator",
            "Role chart-b/shard-a-migrator-operator", "RoleBinding chart-b/shard-a-migrator-operator",
            "Deployment chart-ops/shard-a-migrator-operator");
    // cluster-wide, only what is cluster-scoped: the start-up check of the CRD, the environments, the approval policy
    var crdRole = (ClusterRole) only(objects, "ClusterRole", "shard-a-migrator-operator-cluster");
    assertThat(crdRole.getRules()).flatExtracting(PolicyRule::getResources).containsOnly("customresourcedefinitions",
        "migratorenvironments", "migratorenvironments/status", "validatingadmissionpolicies",
        "validatingadmissionpolicybindings");
    // namespace roles get nothing on environments
    assertThat(objects.stream().filter(Role.class::isInstance).map(Role.class::cast)
        .flatMap(r -> r.getRules().stream()).flatMap(r -> r.getResources().stream()))
        .noneMatch(resource -> resource.startsWith("migratorenvironments"));
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
  void environmentsFromValuesAreCreatedWithTheirSpecAndAcceptedByTheApiServer() throws IOException {
    Path values = Files.createTempFile("environments-", ".yaml");
    Files.writeString(values, """
        environments:
          - name: prod
            namespaces: [bfd]
            allowedRemediation: {modes: [Approve, Observe]}
          - name: test
            namespaces: [bfd, bfd-test]
            aws: {region: us-west-2, roleArn: "arn:aws:iam::123456789012:role/bfd-migrator-operator"}
            instance: {tags: {Name: "bfd-${environment}-migrator", role: migrator}}
        """);
    var objects = load(render(RELEASE, RELEASE_NAMESPACE, "-f", values.toString()));

    var environments = objects.stream().filter(o -> o.getKind().equals("MigratorEnvironment")).toList();
    assertThat(environments).extracting(o -> o.getMetadata().getName()).containsExactly("prod", "test");
    assertThat(dryRunApply(environments)).as("objects the API server refused").isEmpty();
    // The operator's roles get no write on an environment's spec: only the platform declares it.
    var operatorRole = (ClusterRole) only(objects, "ClusterRole", RELEASE);
    assertThat(operatorRole.getRules()).filteredOn(r -> r.getResources().contains("migratorenvironments"))
        .flatExtracting(PolicyRule::getVerbs).containsOnly("list", "watch");
    assertThat(operatorRole.getRules()).filteredOn(r -> r.getResources().contains("migratorenvironments/status"))
        .flatExtracting(PolicyRule::getVerbs).containsOnly("patch");
    var approver = (ClusterRole) only(objects, "ClusterRole", "migrator-approver");
    assertThat(approver.getRules()).flatExtracting(PolicyRule::getResources).containsOnly("migratordeployments");
    assertThat(approver.getRules()).flatExtracting(PolicyRule::getVerbs).contains("approve");
  }

  @Test
  void deploymentRunsLockedDownWithHealthProbes() {
    var deployment = (Deployment) only(load(render(RELEASE, RELEASE_NAMESPACE)), "Deployment", RELEASE);
    var pod = deployment.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);

    assertThat(pod.getContainers()).hasSize(1);
    assertThat(container.getImage()).isEqualTo("ghcr.io/cmsgov/bfd-migrator-operator:" + appVersion());
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
    assertThat(deployment.getSpec().getRevisionHistoryLimit()).isEqualTo(10);
    // an AWS call in flight ends within 15 s; the operator waits up to 45 s for its reconciles when it stops
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(60L);
  }

  @Test
  void defaultEnvironmentWatchesEverythingWithLeaderElection() {
    var deployment = (Deployment) only(load(render(RELEASE, RELEASE_NAMESPACE)), "Deployment", RELEASE);

    assertThat(env(deployment)).containsExactly(
        Map.entry("LEADER_ELECTION_ENABLED", "true"),
        Map.entry("LEADER_ELECTION_LEASE_NAME", "migrator-operator"),
        Map.entry("LEADER_ELECTION_NAMESPACE", "fieldRef:metadata.namespace"),
        Map.entry("POD_NAME", "fieldRef:metadata.name"),
        Map.entry("AWS_REGION", "us-east-1"),
        Map.entry("LOG_LEVEL", "INFO"),
        Map.entry("LOG_JSON", "false"));
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
        Map.entry("AWS_SECRET_ACCESS_KEY", "testing"),
        Map.entry("LOG_LEVEL", "INFO"),
        Map.entry("LOG_JSON", "false"));
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
      "image.digest=latest                           | at '/image/digest': 'latest' does not match pattern",
      "logging.format=xml                            | at '/logging/format': value must be one of",
      "logging.level=TRACE                           | at '/logging/level': value must be one of",
      "metrics.serviceMonitor.interval=often         | at '/metrics/serviceMonitor/interval': 'often' does not match pattern",
      "podDisruptionBudget.minAvailable=half         | at '/podDisruptionBudget/minAvailable': 'half' does not match pattern",
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

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "--set image.tag=1.2.3                                   | ghcr.io/cmsgov/bfd-migrator-operator:1.2.3",
      "--set image.registry=123456789012.dkr.ecr.us-east-1.amazonaws.com --set image.repository=bfd/migrator-operator"
          + "                                                  | 123456789012.dkr.ecr.us-east-1.amazonaws.com/bfd/migrator-operator:0.1.0-SNAPSHOT",
      "--set image.registry= --set image.repository=migrator-operator | migrator-operator:0.1.0-SNAPSHOT",
      "--set image.digest=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
          + "                                                  | ghcr.io/cmsgov/bfd-migrator-operator@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "--set image.tag=1.2.3 --set image.digest=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
          + "                                                  | ghcr.io/cmsgov/bfd-migrator-operator:1.2.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  })
  void imageIsRegistryRepositoryAndTagOrDigest(String values, String image) {
    var deployment = (Deployment) only(load(render(RELEASE, RELEASE_NAMESPACE, values.trim().split(" +"))),
        "Deployment", RELEASE);

    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo(image.replace("0.1.0-SNAPSHOT", appVersion()));
  }

  /** Artifact Hub (and whoever mirrors images by the chart's annotation) names the image the default values run. */
  @Test
  void chartAnnotationNamesTheDefaultImage() throws IOException {
    var deployment = (Deployment) only(load(render(RELEASE, RELEASE_NAMESPACE)), "Deployment", RELEASE);
    var chart = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(root.resolve("helm/Chart.yaml").toFile());
    var images = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
        .readTree(chart.path("annotations").path("artifacthub.io/images").asText());

    assertThat(images.get(0).path("image").asText())
        .isEqualTo(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    assertThat(chart.path("home").asText()).startsWith("https://");
    assertThat(chart.path("sources")).isNotEmpty();
  }

  @Test
  void chartCarriesTheDashboardUnchanged() throws IOException {
    assertThat(Files.readString(root.resolve("helm/dashboards/migrator-dashboard.json")))
        .as("helm/dashboards/migrator-dashboard.json is a copy of deploy/grafana/migrator-dashboard.json")
        .isEqualTo(Files.readString(root.resolve("deploy/grafana/migrator-dashboard.json")));
  }

  /**
   * With every option on (ServiceMonitor, PrometheusRule, dashboard, PodDisruptionBudget, topology spread), the
   * Prometheus Operator's own CRDs (from its Go module) accept the monitoring objects, and the API server all of them.
   */
  @Test
  void everyOptionalObjectIsAcceptedByTheApiServer() {
    ThirdPartyCrds.install(admin, root, "prometheus-operator/prometheus-operator");
    var objects = load(render(RELEASE, RELEASE_NAMESPACE, ALL_OPTIONS));

    assertThat(objects).extracting(o -> o.getKind() + " " + o.getMetadata().getName()).contains(
        "Service migrator-operator-metrics", "ServiceMonitor migrator-operator", "PrometheusRule migrator-operator",
        "ConfigMap migrator-operator-dashboard", "PodDisruptionBudget migrator-operator");
    assertThat(dryRunApply(objects)).as("objects the API server refused").isEmpty();

    var podMonitor = load(render(RELEASE, RELEASE_NAMESPACE, "--set", "metrics.podMonitor.enabled=true"));
    assertThat(podMonitor).extracting(o -> o.getKind() + " " + o.getMetadata().getName())
        .contains("PodMonitor migrator-operator").doesNotContain("Service migrator-operator-metrics");
    assertThat(dryRunApply(podMonitor)).as("objects the API server refused").isEmpty();
  }

  /** Without honorLabels Prometheus renames the operator's namespace label exported_namespace: dashboard and alerts break. */
  @Test
  void monitorsKeepTheOperatorsLabelsAndSetTheJobTheAlertsSelect() {
    for (String kind : List.of("serviceMonitor", "podMonitor")) {
      var rendered = Manifests.parse(render(RELEASE, RELEASE_NAMESPACE, "--set", "metrics." + kind + ".enabled=true",
          "--set", "metrics." + kind + ".labels.release=kube-prometheus-stack"));
      var monitor = rendered.values().stream().filter(o -> o.get("kind").toString().endsWith("Monitor")).findFirst()
          .orElseThrow();
      var spec = Manifests.map(monitor.get("spec"));
      @SuppressWarnings("unchecked")
      var endpoint = (Map<String, Object>) ((List<Object>) spec.getOrDefault("endpoints",
          spec.get("podMetricsEndpoints"))).get(0);

      assertThat(endpoint).as(kind).containsEntry("honorLabels", true).containsEntry("path", "/q/metrics")
          .containsEntry("port", "http");
      assertThat(endpoint.get("relabelings")).as(kind).isEqualTo(List.of(
          Map.of("action", "replace", "targetLabel", "job", "replacement", RELEASE)));
      assertThat(Manifests.map(Manifests.map(monitor.get("metadata")).get("labels")))
          .containsEntry("release", "kube-prometheus-stack");
    }
    var both = Cli.helm(root, "template", RELEASE, "helm/", "--set", "metrics.serviceMonitor.enabled=true",
        "--set", "metrics.podMonitor.enabled=true");
    assertThat(both.exitCode()).isNotZero();
    assertThat(both.stderr()).contains("Prometheus would scrape the operator twice");
  }

  @Test
  void dashboardConfigMapIsForGrafanasSidecar() throws IOException {
    var configMap = (io.fabric8.kubernetes.api.model.ConfigMap) only(load(render(RELEASE, RELEASE_NAMESPACE,
        "--set", "metrics.grafanaDashboard.enabled=true", "--set", "metrics.grafanaDashboard.namespace=monitoring",
        "--set", "metrics.grafanaDashboard.annotations.grafana_folder=BFD")), "ConfigMap", "migrator-operator-dashboard");

    assertThat(configMap.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(configMap.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(configMap.getMetadata().getAnnotations()).containsEntry("grafana_folder", "BFD");
    assertThat(configMap.getData().get("migrator-dashboard.json"))
        .isEqualTo(Files.readString(root.resolve("deploy/grafana/migrator-dashboard.json")).stripTrailing());
  }

  /** Read access reaches whoever may view a namespace; write access reaches no one by aggregation. */
  @Test
  void viewRoleIsReadOnlyAndAggregatedToViewOnly() {
    var role = (ClusterRole) only(load(render(RELEASE, RELEASE_NAMESPACE)), "ClusterRole", "migrator-view");

    assertThat(role.getMetadata().getLabels()).containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true")
        .doesNotContainKeys("rbac.authorization.k8s.io/aggregate-to-edit", "rbac.authorization.k8s.io/aggregate-to-admin");
    assertThat(role.getRules()).flatExtracting(PolicyRule::getVerbs).containsOnly("get", "list", "watch");
    assertThat(role.getRules()).flatExtracting(PolicyRule::getResources)
        .containsOnly("migratordeployments", "migratordeployments/status");
    assertThat(load(render(RELEASE, RELEASE_NAMESPACE, "--set", "viewRole.enabled=false")))
        .noneMatch(o -> o.getMetadata().getName().equals("migrator-view"));
  }

  @Test
  void disruptionBudgetAndTopologySpreadComeFromValues() {
    var objects = load(render(RELEASE, RELEASE_NAMESPACE, ALL_OPTIONS));
    var budget = (io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget) only(objects, "PodDisruptionBudget",
        RELEASE);
    var deployment = (Deployment) only(objects, "Deployment", RELEASE);

    assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(budget.getSpec().getMaxUnavailable()).isNull();
    assertThat(budget.getSpec().getSelector().getMatchLabels())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    var spread = deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints();
    assertThat(spread).singleElement().satisfies(c -> {
      assertThat(c.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
      assertThat(c.getLabelSelector().getMatchLabels()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    });
    var byDefault = (io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget) only(load(render(RELEASE,
        RELEASE_NAMESPACE, "--set", "podDisruptionBudget.enabled=true")), "PodDisruptionBudget", RELEASE);
    assertThat(byDefault.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(byDefault.getSpec().getMinAvailable()).isNull();
  }

  /** A platform that assigns its own uids (OpenShift) drops runAsUser; the rest of the lock-down stays. */
  @Test
  void securityContextsAreOverridable() {
    var deployment = (Deployment) only(load(render(RELEASE, RELEASE_NAMESPACE, "--set", "podSecurityContext.runAsUser=null",
        "--set", "podSecurityContext.runAsGroup=null", "--set", "podSecurityContext.fsGroup=1000",
        "--set", "terminationGracePeriodSeconds=90", "--set", "revisionHistoryLimit=3")), "Deployment", RELEASE);
    var pod = deployment.getSpec().getTemplate().getSpec();

    assertThat(pod.getSecurityContext().getRunAsUser()).isNull();
    assertThat(pod.getSecurityContext().getRunAsGroup()).isNull();
    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(1000L);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(90L);
    assertThat(deployment.getSpec().getRevisionHistoryLimit()).isEqualTo(3);
  }

  @Test
  void loggingValuesReachTheOperator() {
    var deployment = (Deployment) only(load(render(RELEASE, RELEASE_NAMESPACE, "--set", "logging.level=DEBUG",
        "--set", "logging.format=json")), "Deployment", RELEASE);

    assertThat(env(deployment)).containsEntry("LOG_LEVEL", "DEBUG").containsEntry("LOG_JSON", "true");
  }

  /** What `make chart` does: a package `helm push` takes to an OCI registry, rendering as the chart directory does. */
  @Test
  void chartPackagesForAnOciRegistry() throws IOException {
    Path out = Files.createTempDirectory("chart-");
    try {
      var packaged = Cli.helm(root, "package", "helm/", "-d", out.toString()).ok();
      Path tgz = out.resolve("migrator-operator-" + chartVersion() + ".tgz");
      assertThat(packaged).contains(tgz.toString());
      assertThat(Cli.helm(root, "show", "chart", tgz.toString()).ok()).contains("name: migrator-operator")
          .contains("version: " + chartVersion());
      assertThat(Cli.helm(root, "template", RELEASE, tgz.toString(), "--namespace", RELEASE_NAMESPACE).ok())
          .isEqualTo(render(RELEASE, RELEASE_NAMESPACE));
      assertThat(listTgz(tgz)).contains("migrator-operator/Chart.yaml", "migrator-operator/values.schema.json",
          "migrator-operator/README.md", "migrator-operator/crds/migratordeployments.migrator.bfd.cms.gov-v1.yml",
          "migrator-operator/dashboards/migrator-dashboard.json")
          .noneMatch(f -> f.endsWith(".gotmpl"));
    } finally {
      try (var paths = Files.walk(out)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
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

  /** Every optional object on: monitors, alerts, dashboard, a disruption budget, a zone spread. */
  private static final String[] ALL_OPTIONS = {"--set", "metrics.serviceMonitor.enabled=true",
      "--set", "metrics.prometheusRule.enabled=true", "--set", "metrics.grafanaDashboard.enabled=true",
      "--set", "replicas=2", "--set", "podDisruptionBudget.enabled=true", "--set", "podDisruptionBudget.minAvailable=1",
      "--set", "topologySpreadConstraints[0].maxSkew=1",
      "--set", "topologySpreadConstraints[0].topologyKey=topology.kubernetes.io/zone",
      "--set", "topologySpreadConstraints[0].whenUnsatisfiable=ScheduleAnyway"};

  private static List<String> listTgz(Path tgz) throws IOException {
    List<String> names = new ArrayList<>();
    try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(tgz))) {
      byte[] header = new byte[512];
      while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
        String name = new String(header, 0, 100, StandardCharsets.US_ASCII).replace("\0", "").trim();
        String prefix = new String(header, 345, 155, StandardCharsets.US_ASCII).replace("\0", "").trim();
        long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "").trim(), 8);
        names.add(prefix.isEmpty() ? name : prefix + "/" + name);
        in.skipNBytes((size + 511) / 512 * 512);
      }
    }
    return names;
  }

  private static String chartVersion() {
    try {
      return Files.readAllLines(root.resolve("helm/Chart.yaml")).stream()
          .filter(l -> l.startsWith("version:")).findFirst().orElseThrow()
          .substring("version:".length()).trim();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
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

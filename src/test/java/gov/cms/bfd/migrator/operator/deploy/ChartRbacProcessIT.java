package gov.cms.bfd.migrator.operator.deploy;

import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMessage;
import static gov.cms.bfd.migrator.operator.testbed.ConditionAssert.has;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.testbed.AuditLog;
import gov.cms.bfd.migrator.operator.testbed.Cli;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.OperatorProcess;
import gov.cms.bfd.migrator.operator.testbed.Scenario;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the chart grants the operator is what the operator uses, and nothing more. The chart's objects (all but the
 * Deployment) are applied to the test bed; the packaged operator runs as the chart's ServiceAccount (a TokenRequest
 * token), with the environment the chart's Deployment gives it and leader election on, and repairs a leftover success
 * message in every namespace it watches (watch, status patches, Events, the Lease, a purge). Then the API server's
 * audit log says: every request the ServiceAccount made was allowed, and every (namespace, API group, resource,
 * verb) the chart's bindings grant it was used at least once.
 */
@ExtendWith(MotoReset.class)
class ChartRbacProcessIT {

  private static final Duration WAIT = Duration.ofSeconds(120);

  private KubernetesClient admin;
  private final List<HasMetadata> applied = new ArrayList<>();
  private final List<Scenario> scenarios = new ArrayList<>();
  private OperatorProcess operator;
  private String testName;

  @BeforeEach
  void setUp(TestInfo test) {
    admin = TestBed.get().client();
    testName = test.getDisplayName();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    try {
      if (operator != null) {
        operator.close();
      }
      scenarios.forEach(Scenario::close);
      // the chart's objects, but not the namespaces (this API server has no controller to finish deleting them)
      admin.resourceList(applied).delete();
      // The chart's approval policy and role are the test bed's too (same names): put them back for the others.
      TestBed.get().installApprovalPolicy();
    } finally {
      admin.close();
    }
  }

  @Test
  void clusterWideRbacIsExactlyWhatTheOperatorUses() throws Exception {
    checkRbac(install("rbac-cluster", "rbac-cluster-op", List.of("rbac-cluster-env")));
  }

  @Test
  void namespacedRbacIsExactlyWhatTheOperatorUses() throws Exception {
    checkRbac(install("rbac-ns", "rbac-ns-op", List.of("rbac-ns-a", "rbac-ns-b"),
        "--set", "watchNamespaces={rbac-ns-a,rbac-ns-b}", "--set", "approval.enabled=false"));
  }

  /**
   * The one grant the operator never sends a request for is still needed: without update on its Lease the operator
   * refuses to start (JOSDK's start-up check), although the client renews the Lease with patch.
   */
  @Test
  void leaseUpdateIsAskedForByTheStartUpCheckThoughNeverSent() throws Exception {
    var release = install("rbac-lease", "rbac-lease-op", List.of(), "--set", "approval.enabled=false");
    var leaseRole = release.objects().stream().filter(Role.class::isInstance).map(Role.class::cast)
        .filter(r -> r.getMetadata().getName().endsWith("-leader-election")).findFirst().orElseThrow();
    leaseRole.getRules().forEach(rule -> rule.setVerbs(rule.getVerbs().stream().filter(v -> !v.equals("update")).toList()));
    admin.resource(leaseRole).fieldManager("helm").forceConflicts().serverSideApply();

    assertThatThrownBy(() -> start(release))
        .hasMessageContaining("the operator exited at start")
        .hasMessageContaining("No permission to lease resource");
  }

  /** The chart rendered and everything but its Deployment applied, as {@code helm install} would on a cluster. */
  private Release install(String name, String namespace, List<String> environments, String... values)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("template", name, "helm/", "--namespace", namespace));
    args.addAll(List.of(values));
    List<HasMetadata> objects = admin.load(new ByteArrayInputStream(
        Cli.helm(TestBed.get().projectRoot(), args.toArray(String[]::new)).ok().getBytes(StandardCharsets.UTF_8)))
        .items();
    var deployment = (Deployment) objects.stream().filter(Deployment.class::isInstance).findFirst().orElseThrow();
    Stream.concat(Stream.of(namespace), environments.stream()).forEach(ns -> admin.resource(
        new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply());
    for (HasMetadata object : objects) {
      if (!(object instanceof Deployment)) {
        admin.resource(object).fieldManager("helm").forceConflicts().serverSideApply();
        applied.add(object);
      }
    }
    String account = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
    return new Release(name, namespace, environments, objects, deployment, account);
  }

  /** One rendering of the chart, installed. */
  private record Release(String name, String namespace, List<String> environments, List<HasMetadata> objects,
      Deployment deployment, String account) {
    String user() {
      return "system:serviceaccount:" + namespace + ":" + account;
    }

    String podName() {
      return name + "-0";
    }
  }

  /** The packaged operator as the pod would run: the ServiceAccount's token, the Deployment's environment. */
  private OperatorProcess start(Release release) throws Exception {
    var environment = operatorEnvironment(release.deployment(), release.namespace(), release.podName(),
        kubeconfigFor(release.namespace(), release.account()));
    assertThat(environment).containsEntry("LEADER_ELECTION_ENABLED", "true");
    return OperatorProcess.start(TestBed.get(), TestBed.get().moto().endpoint(), release.name(), environment,
        "/q/health/live");
  }

  private void checkRbac(Release release) throws Exception {
    String user = release.user();
    Set<Grant> granted = grants(release.objects(), release.namespace(), release.account());
    assertThat(granted).as("what the chart grants %s", user).isNotEmpty();

    var audit = AuditLog.fromNow(TestBed.get());
    operator = start(release);
    for (String namespace : release.environments()) {
      var scenario = new Scenario(admin, namespace, "rb", testName + namespace);
      scenarios.add(scenario);
      scenario.sim().createQueue();
      scenario.sim().send(nativeMessage(5046, 14, "Finished"));
      scenario.create(scenario.spec());
    }
    for (Scenario scenario : scenarios) {
      var md = scenario.awaitStatus(WAIT, m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
      assertThat(md.getStatus().history).as("the leftover message was purged").isNotEmpty();
      assertThat(md.getStatus().history.get(0).outcome).isEqualTo(ActionOutcome.Succeeded);
    }
    assertThat(admin.leases().inNamespace(release.namespace())
        .withName(env(release.deployment(), "LEADER_ELECTION_LEASE_NAME")).get().getSpec().getHolderIdentity())
        .as("the Lease holder").isEqualTo(release.podName());

    // the Lease is renewed every 2 s: give every grant up to 20 s more to show up, then judge what was seen
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!unused(granted, audit.requestsBy(user)).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(1000);
    }
    operator.close();
    operator = null;
    List<AuditLog.Request> requests = audit.requestsBy(user);

    assertThat(requests).as("requests by %s in the audit log", user).isNotEmpty();
    var softly = new SoftAssertions();
    softly.assertThat(requests).as("requests by %s that were denied", user)
        .filteredOn(r -> r.code() == 401 || r.code() == 403 || "forbid".equals(r.decision()))
        .isEmpty();
    softly.assertThat(unused(granted, requests)).as("grants the operator never used (in %d requests)", requests.size())
        .isEmpty();
    softly.assertAll();
    System.out.printf("%s: %d requests by %s, every one allowed; every grant used (update on the Lease asked for at"
        + " start): %s%n", testName, requests.size(), user, granted);
  }

  /**
   * (namespace, or * for cluster-wide; API group; resource[/subresource]; verb; object name, or * for any), as RBAC
   * authorizes a request.
   */
  record Grant(String scope, String apiGroup, String resource, String verb, String name) implements Comparable<Grant> {
    boolean allows(AuditLog.Request r) {
      return r.resource() != null && apiGroup.equals(r.apiGroup()) && resource.equals(r.resource())
          && verb.equals(r.verb()) && (scope.equals("*") || scope.equals(r.namespace()))
          && (name.equals("*") || name.equals(r.name()));
    }

    @Override
    public int compareTo(Grant o) {
      return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
      return verb + " " + (apiGroup.isEmpty() ? "core" : apiGroup) + "/" + resource
          + (name.equals("*") ? "" : " " + name) + " in " + scope;
    }
  }

  /** Every rule of every role the chart binds to the ServiceAccount, by where the binding holds. */
  private static Set<Grant> grants(List<HasMetadata> objects, String releaseNamespace, String account) {
    Map<String, List<PolicyRule>> clusterRoles = new LinkedHashMap<>();
    Map<String, List<PolicyRule>> roles = new LinkedHashMap<>();
    objects.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
        .forEach(r -> clusterRoles.put(r.getMetadata().getName(), r.getRules()));
    objects.stream().filter(Role.class::isInstance).map(Role.class::cast)
        .forEach(r -> roles.put(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), r.getRules()));
    Set<Grant> grants = new TreeSet<>();
    for (HasMetadata object : objects) {
      if (object instanceof ClusterRoleBinding b && bindsAccount(b.getSubjects(), releaseNamespace, account)) {
        addGrants(grants, "*", rulesOf(b.getRoleRef(), clusterRoles, roles, null));
      } else if (object instanceof RoleBinding b && bindsAccount(b.getSubjects(), releaseNamespace, account)) {
        String namespace = b.getMetadata().getNamespace();
        addGrants(grants, namespace, rulesOf(b.getRoleRef(), clusterRoles, roles, namespace));
      }
    }
    return grants;
  }

  private static boolean bindsAccount(List<Subject> subjects, String namespace, String account) {
    return subjects.stream().anyMatch(s -> "ServiceAccount".equals(s.getKind()) && account.equals(s.getName())
        && namespace.equals(s.getNamespace()));
  }

  private static List<PolicyRule> rulesOf(RoleRef ref, Map<String, List<PolicyRule>> clusterRoles,
      Map<String, List<PolicyRule>> roles, String namespace) {
    var rules = "ClusterRole".equals(ref.getKind()) ? clusterRoles.get(ref.getName())
        : roles.get(namespace + "/" + ref.getName());
    if (rules == null) {
      throw new AssertionError("the chart binds " + ref.getKind() + " " + ref.getName() + ", which it does not render");
    }
    return rules;
  }

  private static void addGrants(Set<Grant> grants, String scope, List<PolicyRule> rules) {
    for (PolicyRule rule : rules) {
      List<String> names = rule.getResourceNames() == null || rule.getResourceNames().isEmpty() ? List.of("*")
          : rule.getResourceNames();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            for (String name : names) {
              assertThat(List.of(group, resource, verb)).as("a wildcard in a rule").doesNotContain("*");
              grants.add(new Grant(scope, group, resource, verb, name));
            }
          }
        }
      }
    }
  }

  private static Set<Grant> unused(Set<Grant> granted, List<AuditLog.Request> requests) {
    Set<Grant> unused = new TreeSet<>(granted);
    unused.removeIf(g -> askedForButNeverSent(g) || requests.stream().anyMatch(r -> r.code() < 400 && g.allows(r)));
    return unused;
  }

  /**
   * Update on the Lease: JOSDK checks at start (LeaderElectionManager.checkLeaseAccess) that get, create and update
   * are granted, while the fabric8 client renews with patch (leaseUpdateIsAskedForByTheStartUpCheckThoughNeverSent).
   */
  private static boolean askedForButNeverSent(Grant grant) {
    return grant.apiGroup().equals("coordination.k8s.io") && grant.resource().equals("leases")
        && grant.verb().equals("update") && !grant.name().equals("*");
  }

  /** The environment the chart's Deployment gives the operator, the downward API answered as for the pod. */
  private static Map<String, String> operatorEnvironment(Deployment deployment, String namespace, String podName,
      Path kubeconfig) {
    Map<String, String> env = new LinkedHashMap<>();
    for (var variable : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
      if (variable.getValueFrom() == null) {
        env.put(variable.getName(), variable.getValue());
      } else {
        String path = variable.getValueFrom().getFieldRef().getFieldPath();
        env.put(variable.getName(), switch (path) {
          case "metadata.namespace" -> namespace;
          case "metadata.name" -> podName;
          default -> throw new AssertionError("the test does not know the downward API field " + path);
        });
      }
    }
    env.put("KUBECONFIG", kubeconfig.toString());
    return env;
  }

  private static String env(Deployment deployment, String name) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals(name)).findFirst().orElseThrow().getValue();
  }

  /** A kubeconfig that authenticates as the ServiceAccount with a bound token, as a pod's mounted token would. */
  private Path kubeconfigFor(String namespace, String account) throws IOException {
    var token = admin.serviceAccounts().inNamespace(namespace).withName(account).tokenRequest(new TokenRequestBuilder()
        .withNewSpec().withExpirationSeconds(3600L).endSpec().build()).getStatus().getToken();
    var config = TestBed.get().kubeConfig();
    String authority = config.getCaCertFile() != null ? "certificate-authority: " + config.getCaCertFile()
        : "certificate-authority-data: " + config.getCaCertData();
    Path file = Files.createTempFile("kubeconfig-" + account + "-", ".yaml");
    file.toFile().deleteOnExit();
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
          - name: test-bed
            cluster:
              server: %s
              %s
        users:
          - name: %s
            user:
              token: %s
        contexts:
          - name: operator
            context: {cluster: test-bed, user: %s, namespace: %s}
        current-context: operator
        """.formatted(config.getMasterUrl(), authority, account, token, account, namespace));
    return file;
  }
}

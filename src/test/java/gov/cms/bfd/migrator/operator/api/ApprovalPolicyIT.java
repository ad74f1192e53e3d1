package gov.cms.bfd.migrator.operator.api;

import static gov.cms.bfd.migrator.operator.api.MigratorDeployment.APPROVED_BY_ANNOTATION;
import static gov.cms.bfd.migrator.operator.api.MigratorDeployment.APPROVE_ANNOTATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import gov.cms.bfd.migrator.operator.testbed.TestBed;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/approval-policy.yaml and deploy/approver-rbac.yaml on a real API server (the test bed installs them, as a
 * real install has them): an approval names the user the API server authenticated; approving and loosening
 * remediation need the verb approve, which only the approver role grants, so an editor who is not an approver can do
 * neither; and neither other edits nor the operator's status writes are blocked by an approval left on the resource.
 */
class ApprovalPolicyIT {

  private static final Logger LOG = Logger.getLogger(ApprovalPolicyIT.class);
  private static final String NAMESPACE = "approval-policy";
  private static final String POLICY = "migratordeployments-approved-by.migrator.bfd.cms.gov";
  private static final String APPROVER_ROLE = "migrator-approver";
  private static final String FINGERPRINT = "sha256:5f1c0ffee";
  private static final ResourceDefinitionContext ENVIRONMENTS = new ResourceDefinitionContext.Builder()
      .withGroup(MigratorDeployment.GROUP)
      .withVersion(MigratorDeployment.VERSION)
      .withKind("MigratorEnvironment")
      .withPlural("migratorenvironments")
      .withNamespaced(false)
      .build();
  private static final ResourceDefinitionContext MIGRATOR_DEPLOYMENTS = new ResourceDefinitionContext.Builder()
      .withGroup(MigratorDeployment.GROUP)
      .withVersion(MigratorDeployment.VERSION)
      .withKind("MigratorDeployment")
      .withPlural("migratordeployments")
      .withNamespaced(true)
      .build();

  private static final String EDITOR_ROLE = "migratordeployment-editor";

  private static KubernetesClient admin;
  private static KubernetesClient alice;
  private static KubernetesClient bob;
  private static KubernetesClient carol;
  private static KubernetesClient dave;

  @BeforeAll
  static void approversAndEditors() {
    admin = TestBed.get().client();
    long started = System.nanoTime();
    admin.resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .serverSideApply();
    // An editor of MigratorDeployments as a team would grant one: every verb on the resource but approve.
    admin.resource(new ClusterRoleBuilder().withNewMetadata().withName(EDITOR_ROLE).endMetadata()
        .addNewRule().withApiGroups(MigratorDeployment.GROUP).withResources("migratordeployments")
        .withVerbs("get", "list", "watch", "create", "update", "patch", "delete").endRule()
        .build()).serverSideApply();
    bindApprover("alice");
    bindApprover("carol");
    TestBed.get().bind(NAMESPACE, EDITOR_ROLE, "dave");
    alice = as("alice");
    bob = as("bob");
    carol = as("carol");
    dave = as("dave");

    await("the approval policy denies a forged approval").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> forgedApprovalIsDenied(true));
    LOG.infof("approval policy in effect %d ms after this class began", (System.nanoTime() - started) / 1_000_000);

    created(admin, "rbac-probe");
    await("the RoleBindings are in effect").atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> deployment(alice, "rbac-probe").get() != null && deployment(carol, "rbac-probe").get() != null
            && deployment(dave, "rbac-probe").get() != null);
  }

  @AfterAll
  static void disconnect() {
    try {
      admin.namespaces().withName(NAMESPACE).delete();
      admin.rbac().clusterRoles().withName(EDITOR_ROLE).delete();
    } finally {
      for (var client : new KubernetesClient[] {alice, bob, carol, dave, admin}) {
        if (client != null) {
          client.close();
        }
      }
    }
  }

  @Test
  void anEditorWhoIsNotAnApproverCannotApprove() {
    created(admin, "editor-approves");

    assertThatThrownBy(() ->
        annotate(dave, "editor-approves", Map.of(APPROVE_ANNOTATION, FINGERPRINT, APPROVED_BY_ANNOTATION, "dave")))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(403);
          assertThat(e.getStatus().getMessage()).contains("needs the verb approve on migratordeployments "
              + NAMESPACE + "/editor-approves").contains("dave does not have");
        });
    assertThat(annotationsOf("editor-approves")).doesNotContainKeys(APPROVE_ANNOTATION, APPROVED_BY_ANNOTATION);
  }

  @Test
  void anEditorWhoIsNotAnApproverCannotLoosenRemediation() {
    var observed = admin.resource(resource("editor-loosens", Map.of("mode", "Observe"))).create();
    assertThat(observed).isNotNull();

    for (var loosening : List.<Map<String, Object>>of(Map.of("mode", "Auto"), Map.of("mode", "Approve"),
        Map.of("stopService", true), Map.of("terminateInstance", true), Map.of("afterFailure", "Auto"),
        Map.of("maxActionsPerHour", 60))) {
      assertThatThrownBy(() -> remediation(dave, "editor-loosens", loosening))
          .as("%s", loosening)
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(403);
            assertThat(e.getStatus().getMessage()).contains("loosening remediation (").contains("dave does not have");
          });
    }
    assertThat(spec(deployment(admin, "editor-loosens").get())).extracting(s -> ((Map<?, ?>) s.get("remediation")).get("mode"))
        .isEqualTo("Observe");
  }

  @Test
  void anEditorMayTightenRemediationAndEditWhatDoesNotLoosenIt() {
    admin.resource(resource("editor-tightens", Map.of("stopService", true))).create();

    remediation(dave, "editor-tightens", Map.of("mode", "Observe", "stopService", false, "maxActionsPerHour", 1));
    deployment(dave, "editor-tightens").patch(PatchContext.of(PatchType.JSON_MERGE),
        admin.getKubernetesSerialization().asJson(Map.of("spec", Map.of("suspend", true,
            "expectedSchemaVersion", "20240522164906244"))));

    assertThat(spec(deployment(admin, "editor-tightens").get())).containsEntry("suspend", true);
  }

  @Test
  void anEditorCreatesWithTheDefaultsButNotWithMoreThanThem() {
    assertThat(dave.genericKubernetesResources(MIGRATOR_DEPLOYMENTS).inNamespace(NAMESPACE)
        .resource(resource("editor-creates", Map.of())).create()).isNotNull();

    assertThatThrownBy(() -> dave.genericKubernetesResources(MIGRATOR_DEPLOYMENTS).inNamespace(NAMESPACE)
        .resource(resource("editor-creates-loose", Map.of("afterFailure", "Auto", "terminateInstance", true))).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(403);
          assertThat(e.getStatus().getMessage()).contains("afterFailure to Auto").contains("terminateInstance on");
        });
  }

  @Test
  void anApproverMayLoosenRemediation() {
    admin.resource(resource("approver-loosens", Map.of("mode", "Observe"))).create();

    remediation(alice, "approver-loosens", Map.of("mode", "Auto", "stopService", true, "afterFailure", "Auto"));

    assertThat(spec(deployment(admin, "approver-loosens").get()).get("remediation")).asInstanceOf(
        InstanceOfAssertFactories.MAP).containsEntry("mode", "Auto").containsEntry("stopService", true);
  }

  @Test
  void neitherAnEditorNorAnApproverMayDeclareAnEnvironment() {
    var environment = new GenericKubernetesResourceBuilder()
        .withApiVersion(MigratorDeployment.GROUP + "/" + MigratorDeployment.VERSION)
        .withKind("MigratorEnvironment")
        .withNewMetadata().withName("attacker").endMetadata()
        .withAdditionalProperties(new LinkedHashMap<>(Map.of("spec", Map.of("namespaces", List.of(NAMESPACE),
            "queue", Map.of("name", "bfd-victim-migrator")))))
        .build();
    for (var user : List.of(dave, alice)) {
      assertThatThrownBy(() -> user.genericKubernetesResources(ENVIRONMENTS).resource(environment).create())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
  }

  @Test
  void approverWhoSignsWithTheirOwnNameIsAccepted() {
    created(admin, "own-name");

    annotate(alice, "own-name", Map.of(APPROVE_ANNOTATION, FINGERPRINT, APPROVED_BY_ANNOTATION, "alice"));

    assertThat(annotationsOf("own-name"))
        .containsEntry(APPROVE_ANNOTATION, FINGERPRINT)
        .containsEntry(APPROVED_BY_ANNOTATION, "alice");
  }

  @Test
  void approvalSignedWithSomeoneElsesNameIsRefusedNamingTheRealUser() {
    created(admin, "forged");

    assertThatThrownBy(() ->
        annotate(alice, "forged", Map.of(APPROVE_ANNOTATION, FINGERPRINT, APPROVED_BY_ANNOTATION, "bob")))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getStatus().getMessage())
              .contains("migrator.bfd.cms.gov/approved-by must be the requesting user (alice), not bob");
        });
    assertThat(annotationsOf("forged")).doesNotContainKeys(APPROVE_ANNOTATION, APPROVED_BY_ANNOTATION);
  }

  @Test
  void userWithoutTheApproverRoleIsForbiddenToApproveByRbac() {
    created(admin, "not-an-approver");

    assertThatThrownBy(() ->
        annotate(bob, "not-an-approver", Map.of(APPROVE_ANNOTATION, FINGERPRINT, APPROVED_BY_ANNOTATION, "bob")))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(403);
          assertThat(e.getStatus().getMessage()).contains("User \"bob\" cannot patch resource \"migratordeployments\"");
        });
    assertThat(annotationsOf("not-an-approver")).doesNotContainKeys(APPROVE_ANNOTATION, APPROVED_BY_ANNOTATION);
  }

  @Test
  void approveWithoutApprovedByIsRefused() {
    created(admin, "unsigned");

    assertThatThrownBy(() -> annotate(alice, "unsigned", Map.of(APPROVE_ANNOTATION, FINGERPRINT)))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getStatus().getMessage()).contains("migrator.bfd.cms.gov/approve can only be set or changed"
              + " together with migrator.bfd.cms.gov/approved-by: alice (the requesting user), and approved-by is"
              + " missing");
        });
    assertThat(annotationsOf("unsigned")).doesNotContainKey(APPROVE_ANNOTATION);
  }

  @Test
  void anotherUserCannotMoveALeftoverApprovalToANewFingerprint() {
    created(admin, "reused");
    annotate(alice, "reused", Map.of(APPROVE_ANNOTATION, FINGERPRINT, APPROVED_BY_ANNOTATION, "alice"));

    assertThatThrownBy(() -> annotate(carol, "reused", Map.of(APPROVE_ANNOTATION, "sha256:another-plan")))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getStatus().getMessage()).contains("migrator.bfd.cms.gov/approve can only be set or changed"
              + " together with migrator.bfd.cms.gov/approved-by: carol (the requesting user), not alice");
        });
    assertThat(annotationsOf("reused")).containsEntry(APPROVE_ANNOTATION, FINGERPRINT);
  }

  @Test
  void evenTheClusterAdminCannotCreateAnApprovalInSomeoneElsesName() {
    var resource = resource("created-approved");
    resource.getMetadata().setAnnotations(Map.of(APPROVE_ANNOTATION, FINGERPRINT, APPROVED_BY_ANNOTATION, "alice"));

    assertThatThrownBy(() -> admin.resource(resource).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getStatus().getMessage())
              .contains("migrator.bfd.cms.gov/approved-by must be the requesting user (")
              .contains("), not alice");
        });
  }

  @Test
  void leftoverApprovalDoesNotBlockAnotherUsersEditOfOtherFields() {
    created(admin, "carol-edits");
    annotate(alice, "carol-edits", Map.of(APPROVE_ANNOTATION, FINGERPRINT, APPROVED_BY_ANNOTATION, "alice"));

    deployment(carol, "carol-edits").patch(PatchContext.of(PatchType.JSON_MERGE),
        admin.getKubernetesSerialization().asJson(Map.of(
            "metadata", Map.of("annotations", Map.of("example.org/ticket", "OPS-1234")),
            "spec", Map.of("suspend", true))));

    var after = deployment(admin, "carol-edits").get();
    assertThat(after.getMetadata().getAnnotations())
        .containsEntry("example.org/ticket", "OPS-1234")
        .containsEntry(APPROVE_ANNOTATION, FINGERPRINT)
        .containsEntry(APPROVED_BY_ANNOTATION, "alice");
    assertThat(spec(after)).containsEntry("suspend", true);
  }

  @Test
  void leftoverApprovalDoesNotBlockAnAdminsUpdateOfTheWholeObject() {
    created(admin, "admin-updates");
    annotate(alice, "admin-updates", Map.of(APPROVE_ANNOTATION, FINGERPRINT, APPROVED_BY_ANNOTATION, "alice"));
    var current = deployment(admin, "admin-updates").get();
    spec(current).put("expectedSchemaVersion", "20240522164906244");

    var updated = admin.resource(current).update();

    assertThat(spec(updated)).containsEntry("expectedSchemaVersion", "20240522164906244");
    assertThat(updated.getMetadata().getAnnotations()).containsEntry(APPROVED_BY_ANNOTATION, "alice");
  }

  @Test
  void withdrawingAnApprovalIsAccepted() {
    created(admin, "withdrawn");
    annotate(alice, "withdrawn", Map.of(APPROVE_ANNOTATION, FINGERPRINT, APPROVED_BY_ANNOTATION, "alice"));
    var removeBoth = new HashMap<String, String>();
    removeBoth.put(APPROVE_ANNOTATION, null);
    removeBoth.put(APPROVED_BY_ANNOTATION, null);

    annotate(carol, "withdrawn", removeBoth);

    assertThat(annotationsOf("withdrawn")).doesNotContainKeys(APPROVE_ANNOTATION, APPROVED_BY_ANNOTATION);
  }

  @Test
  void operatorsStatusWriteIsAcceptedWithAnApprovalOnTheResource() {
    created(admin, "status-write");
    annotate(alice, "status-write", Map.of(APPROVE_ANNOTATION, FINGERPRINT, APPROVED_BY_ANNOTATION, "alice"));
    var current = deployment(admin, "status-write").get();
    current.setAdditionalProperty("status", Map.of("planFingerprint", "sha256:next-plan"));

    var written = admin.resource(current).updateStatus();

    assertThat(written.getAdditionalProperties().get("status"))
        .asInstanceOf(InstanceOfAssertFactories.MAP).containsEntry("planFingerprint", "sha256:next-plan");
    assertThat(written.getMetadata().getAnnotations()).containsEntry(APPROVED_BY_ANNOTATION, "alice");
  }

  /** A JSON merge patch of spec.remediation, as {@code kubectl patch --type merge} sends. */
  private static void remediation(KubernetesClient client, String name, Map<String, Object> remediation) {
    client.genericKubernetesResources(MIGRATOR_DEPLOYMENTS).inNamespace(NAMESPACE).resource(resource(name))
        .patch(PatchContext.of(PatchType.JSON_MERGE),
            client.getKubernetesSerialization().asJson(Map.of("spec", Map.of("remediation", remediation))));
  }

  private static void bindApprover(String user) {
    TestBed.get().bind(NAMESPACE, APPROVER_ROLE, user);
  }

  /** The admin's certificate is in system:masters, which may impersonate anyone. */
  private static KubernetesClient as(String user) {
    return TestBed.get().as(user);
  }

  /**
   * Whether the admin's dry-run create of a resource approved in another's name is refused by the policy; dry run
   * passes admission like a real request and leaves nothing behind.
   */
  private static boolean forgedApprovalIsDenied(boolean inNamespace) {
    var probe = resource("policy-probe");
    probe.getMetadata().setNamespace(inNamespace ? NAMESPACE : "default");
    probe.getMetadata().setAnnotations(Map.of(APPROVE_ANNOTATION, FINGERPRINT, APPROVED_BY_ANNOTATION, "nobody"));
    try {
      admin.resource(probe).dryRun().create();
      return false;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 422 && e.getStatus().getMessage().contains(APPROVED_BY_ANNOTATION)) {
        return true;
      }
      throw e;
    }
  }

  private static GenericKubernetesResource created(KubernetesClient client, String name) {
    return client.resource(resource(name)).create();
  }

  /**
   * A JSON merge patch, as {@code kubectl annotate} sends; a null value removes the annotation. Sent without reading
   * the resource first, so that a user who may patch but not get would still get through.
   */
  private static void annotate(KubernetesClient client, String name, Map<String, String> annotations) {
    client.genericKubernetesResources(MIGRATOR_DEPLOYMENTS).inNamespace(NAMESPACE).resource(resource(name))
        .patch(PatchContext.of(PatchType.JSON_MERGE),
            client.getKubernetesSerialization().asJson(Map.of("metadata", Map.of("annotations", annotations))));
  }

  private static Map<String, String> annotationsOf(String name) {
    var annotations = deployment(admin, name).get().getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }

  private static Resource<GenericKubernetesResource> deployment(KubernetesClient client, String name) {
    return client.genericKubernetesResources(MIGRATOR_DEPLOYMENTS).inNamespace(NAMESPACE).withName(name);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource resource) {
    return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
  }

  private static GenericKubernetesResource resource(String name) {
    return resource(name, Map.of());
  }

  private static GenericKubernetesResource resource(String name, Map<String, Object> remediation) {
    Map<String, Object> spec = new LinkedHashMap<>(Map.of("environment", "approval-test"));
    if (!remediation.isEmpty()) {
      spec.put("remediation", remediation);
    }
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(MigratorDeployment.GROUP + "/" + MigratorDeployment.VERSION)
        .withKind("MigratorDeployment")
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
        .withAdditionalProperties(new LinkedHashMap<>(Map.of("spec", spec)))
        .build();
  }
}

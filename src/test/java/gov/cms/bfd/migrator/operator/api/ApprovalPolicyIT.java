package gov.cms.bfd.migrator.operator.api;

import static gov.cms.bfd.migrator.operator.api.MigratorDeployment.APPROVED_BY_ANNOTATION;
import static gov.cms.bfd.migrator.operator.api.MigratorDeployment.APPROVE_ANNOTATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import gov.cms.bfd.migrator.operator.testbed.TestBed;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.ArrayList;
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
 * deploy/approval-policy.yaml and deploy/approver-rbac.yaml on a real API server: an approval names the user the API
 * server authenticated, only approvers may give one, and neither other edits nor the operator's status writes are
 * blocked by an approval left on the resource.
 */
class ApprovalPolicyIT {

  private static final Logger LOG = Logger.getLogger(ApprovalPolicyIT.class);
  private static final String NAMESPACE = "approval-policy";
  private static final String POLICY = "migratordeployments-approved-by.migrator.bfd.cms.gov";
  private static final String APPROVER_ROLE = "migrator-approver";
  private static final String FINGERPRINT = "sha256:5f1c0ffee";
  private static final ResourceDefinitionContext MIGRATOR_DEPLOYMENTS = new ResourceDefinitionContext.Builder()
      .withGroup(MigratorDeployment.GROUP)
      .withVersion(MigratorDeployment.VERSION)
      .withKind("MigratorDeployment")
      .withPlural("migratordeployments")
      .withNamespaced(true)
      .build();

  private static KubernetesClient admin;
  private static KubernetesClient alice;
  private static KubernetesClient bob;
  private static KubernetesClient carol;
  private static List<HasMetadata> installed;

  @BeforeAll
  static void installPolicyAndApprovers() {
    admin = TestBed.get().client();
    installed = new ArrayList<>();
    long applied = System.nanoTime();
    installed.addAll(apply("deploy/approval-policy.yaml"));
    installed.addAll(apply("deploy/approver-rbac.yaml"));
    admin.resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .serverSideApply();
    bindApprover("alice");
    bindApprover("carol");
    alice = as("alice");
    bob = as("bob");
    carol = as("carol");

    await("the approval policy denies a forged approval").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> forgedApprovalIsDenied(true));
    LOG.infof("approval policy in effect %d ms after it was applied", (System.nanoTime() - applied) / 1_000_000);

    created(admin, "rbac-probe");
    await("the approvers' RoleBindings are in effect").atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> deployment(alice, "rbac-probe").get() != null && deployment(carol, "rbac-probe").get() != null);
  }

  @AfterAll
  static void removePolicyAndApprovers() {
    try {
      long deleted = System.nanoTime();
      admin.resourceList(installed.stream().filter(r -> !(r instanceof ClusterRole)).toList()).delete();
      // other test classes share this API server and must not meet the policy while its removal propagates
      await("the approval policy no longer judges requests").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> !forgedApprovalIsDenied(false));
      LOG.infof("approval policy out of effect %d ms after it was deleted", (System.nanoTime() - deleted) / 1_000_000);
      admin.resourceList(installed.stream().filter(r -> r instanceof ClusterRole).toList()).delete();
      admin.namespaces().withName(NAMESPACE).delete();
    } finally {
      for (var client : new KubernetesClient[] {alice, bob, carol, admin}) {
        if (client != null) {
          client.close();
        }
      }
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

  /** Server-side apply as a user would ({@code kubectl apply --server-side}). */
  private static List<HasMetadata> apply(String file) {
    return TestBed.get().apply(file);
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
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(MigratorDeployment.GROUP + "/" + MigratorDeployment.VERSION)
        .withKind("MigratorDeployment")
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
        .withAdditionalProperties(new LinkedHashMap<>(Map.of("spec", Map.of("environment", "approval-test"))))
        .build();
  }
}

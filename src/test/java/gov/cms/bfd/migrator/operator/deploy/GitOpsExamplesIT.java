package gov.cms.bfd.migrator.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.testbed.Cli;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import gov.cms.bfd.migrator.operator.testbed.ThirdPartyCrds;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The GitOps examples of deploy/examples/ are objects Argo CD's and Flux's own CRDs accept, and they order the
 * re-deploy behind the deploy gate: Argo CD's sync waves put the MigratorDeployment first and retry, Flux's release
 * Kustomization depends on a gate Kustomization that health-checks the MigratorDeployment. The CRDs come out of the
 * projects' Go modules (tools/crds/crds.txt; {@code make test-deps} downloads them into the module cache),
 * installed into the test bed's API server; every example object goes through server-side apply with dry run.
 */
class GitOpsExamplesIT {

  private static Path root;
  private static KubernetesClient admin;

  @BeforeAll
  static void installArgoAndFluxCrds() {
    root = TestBed.get().projectRoot();
    admin = TestBed.get().client();
    for (String namespace : List.of("argocd", "flux-system", "bfd")) {
      admin.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .serverSideApply();
    }
    ThirdPartyCrds.install(admin, root, "argoproj/argo-cd");
    ThirdPartyCrds.install(admin, root, "fluxcd/kustomize-controller");
  }

  @AfterAll
  static void close() {
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void everyExampleIsAcceptedByTheApiServerWithArgoAndFluxCrds() {
    var objects = examples();

    assertThat(objects).extracting(o -> o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "MigratorDeployment bfd/prod",
            "Job bfd/bfd-db-migrator-deploy",
            "Application argocd/bfd-prod",
            "Kustomization flux-system/bfd-prod-migrator-gate",
            "Kustomization flux-system/bfd-prod-migrator-release");
    assertThat(dryRunApply(objects)).as("objects the API server refused").isEmpty();
  }

  @Test
  void argoSyncWavesPutTheGateBeforeTheDeploymentAndTheSyncRetries() {
    Map<String, Map<String, Object>> environment = Manifests.parse(
        Cli.kubectl(root, "kustomize", "deploy/examples/environment").ok());
    int gate = wave(environment.get("MigratorDeployment bfd/prod"));
    int release = wave(environment.get("Job bfd/bfd-db-migrator-deploy"));
    assertThat(gate).as("the MigratorDeployment's sync wave").isLessThan(release);

    var application = Manifests.parse(read("deploy/examples/argocd/application.yaml")).get("Application argocd/bfd-prod");
    var spec = Manifests.map(application.get("spec"));
    assertThat(Manifests.map(spec.get("source")).get("path")).isEqualTo("deploy/examples/environment");
    var retry = Manifests.map(Manifests.map(spec.get("syncPolicy")).get("retry"));
    assertThat((Integer) retry.get("limit")).as("syncPolicy.retry.limit").isGreaterThan(1);
    assertThat(Manifests.map(retry.get("backoff"))).containsKeys("duration", "factor", "maxDuration");
  }

  @Test
  void fluxReleaseDependsOnAGateThatHealthChecksTheMigratorDeployment() {
    var kustomizations = Manifests.parse(read("deploy/examples/flux/kustomizations.yaml"));
    var gate = Manifests.map(kustomizations.get("Kustomization flux-system/bfd-prod-migrator-gate").get("spec"));
    var release = Manifests.map(kustomizations.get("Kustomization flux-system/bfd-prod-migrator-release").get("spec"));

    assertThat(release.get("dependsOn")).isEqualTo(List.of(Map.of("name", "bfd-prod-migrator-gate")));
    assertThat(gate.get("path")).isEqualTo("./deploy/examples/environment/gate");
    assertThat(release.get("path")).isEqualTo("./deploy/examples/environment/release");
    assertThat(gate.get("wait")).as("the gate health-checks what it applies").isEqualTo(true);
    var reference = Manifests.map(Manifests.parse(read("deploy/flux/kustomization-healthcheck.yaml"))
        .get("Kustomization flux-system/bfd-migrator-deployments").get("spec"));
    assertThat(gate.get("healthCheckExprs")).as("the gate's health expressions are deploy/flux's")
        .isEqualTo(reference.get("healthCheckExprs"));
  }

  /** Every object of deploy/examples: the environment as kustomize builds it, the Application, the Kustomizations. */
  private static List<HasMetadata> examples() {
    List<HasMetadata> objects = new ArrayList<>();
    objects.addAll(load(Cli.kubectl(root, "kustomize", "deploy/examples/environment").ok()));
    objects.addAll(load(read("deploy/examples/argocd/application.yaml")));
    objects.addAll(load(read("deploy/examples/flux/kustomizations.yaml")));
    return objects;
  }

  private static int wave(Map<String, Object> object) {
    var annotations = Manifests.map(Manifests.map(object.get("metadata")).get("annotations"));
    return Integer.parseInt(String.valueOf(annotations.getOrDefault("argocd.argoproj.io/sync-wave", "0")));
  }

  private static List<String> dryRunApply(List<HasMetadata> objects) {
    List<String> refused = new ArrayList<>();
    for (HasMetadata object : objects) {
      try {
        admin.resource(object).dryRun().fieldManager("gitops-examples-it").forceConflicts().serverSideApply();
      } catch (KubernetesClientException e) {
        refused.add(object.getKind() + " " + object.getMetadata().getName() + ": " + e.getMessage());
      }
    }
    return refused;
  }

  private static List<HasMetadata> load(String yaml) {
    return admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
  }

  private static String read(String file) {
    try {
      return Files.readString(root.resolve(file));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}

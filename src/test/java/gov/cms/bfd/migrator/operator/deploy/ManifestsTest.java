package gov.cms.bfd.migrator.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The comparison behind the deploy/-equals-chart test names each difference by object and field. */
class ManifestsTest {

  private static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: op
        namespace: ops
        labels: {app.kubernetes.io/name: op, helm.sh/chart: op-0.1.0, app.kubernetes.io/instance: op}
      spec:
        template:
          spec:
            containers:
              - name: operator
                image: op:0.1.0
                env:
                  - {name: A, value: "1"}
                  - {name: B, value: "2"}
      ---
      apiVersion: v1
      kind: ServiceAccount
      metadata: {name: op, namespace: ops}
      """;

  @Test
  void identicalManifestsHaveNoDifference() {
    assertThat(Manifests.differences("a", Manifests.parse(DEPLOYMENT), "b", Manifests.parse(DEPLOYMENT))).isEmpty();
  }

  @Test
  void aChangedFieldIsNamedByObjectAndPath() {
    var changed = DEPLOYMENT.replace("value: \"2\"", "value: \"3\"").replace("op:0.1.0", "op:0.2.0");

    assertThat(Manifests.differences("deploy/", Manifests.parse(DEPLOYMENT), "chart", Manifests.parse(changed)))
        .containsExactlyInAnyOrder(
            "Deployment ops/op: spec.template.spec.containers[name=operator].image: \"op:0.1.0\" in deploy/,"
                + " \"op:0.2.0\" in chart",
            "Deployment ops/op: spec.template.spec.containers[name=operator].env[name=B].value: \"2\" in deploy/,"
                + " \"3\" in chart");
  }

  @Test
  void envMatchedByNameInAnyOrderButAMissingOneIsNamed() {
    var a = "            - {name: A, value: \"1\"}\n";
    var b = "            - {name: B, value: \"2\"}\n";
    var reordered = DEPLOYMENT.replace(a + b, b + a);
    var missing = DEPLOYMENT.replace(a, "");
    assertThat(reordered).isNotEqualTo(DEPLOYMENT);

    assertThat(Manifests.differences("a", Manifests.parse(DEPLOYMENT), "b", Manifests.parse(reordered))).isEmpty();
    assertThat(Manifests.differences("a", Manifests.parse(DEPLOYMENT), "b", Manifests.parse(missing)))
        .containsExactly("Deployment ops/op: spec.template.spec.containers[name=operator].env[name=A]: "
            + "{name=A, value=1} (LinkedHashMap) in a, absent in b");
  }

  @Test
  void anObjectOnOneSideOnlyIsNamed() {
    var withoutAccount = DEPLOYMENT.substring(0, DEPLOYMENT.indexOf("---"));

    assertThat(Manifests.differences("deploy/", Manifests.parse(DEPLOYMENT), "chart", Manifests.parse(withoutAccount)))
        .containsExactly("ServiceAccount ops/op: in deploy/, missing from chart");
  }

  @Test
  void releaseLabelsAreLeftOutOfTheObjectsOwnMetadataOnly() {
    var deployment = Manifests.parse(DEPLOYMENT).get("Deployment ops/op");

    assertThat(Manifests.map(Manifests.map(Manifests.withoutReleaseLabels(deployment).get("metadata")).get("labels")))
        .containsOnlyKeys("app.kubernetes.io/name");
  }

  @Test
  void twoObjectsOfTheSameNameAreRefused() {
    assertThatThrownBy(() -> Manifests.parse(DEPLOYMENT + "---\n" + DEPLOYMENT.substring(DEPLOYMENT.indexOf("---") + 4)))
        .hasMessageContaining("two objects named ServiceAccount ops/op");
  }
}

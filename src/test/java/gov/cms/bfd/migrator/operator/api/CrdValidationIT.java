package gov.cms.bfd.migrator.operator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gov.cms.bfd.migrator.operator.testbed.TestBed;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The CRDs in crds/ on a real API server: invalid specs are refused with a message a person understands. */
class CrdValidationIT {

  private static final String NAMESPACE = "crd-validation";
  private static KubernetesClient client;

  @BeforeAll
  static void connect() {
    client = TestBed.get().client();
    client.resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .serverSideApply();
  }

  @AfterAll
  static void disconnect() {
    client.close();
  }

  /** Each row: why the spec is wrong, the change from a minimal valid spec, the field named, words said. */
  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        row("environment with upper case and underscore", "environment", "Prod_1",
            "spec.environment", "must be a DNS label"),
        row("environment starting with a hyphen", "environment", "-test",
            "spec.environment", "must be a DNS label"),
        row("environment longer than a DNS label", "environment", "e".repeat(64),
            "spec.environment", "63"),
        row("no environment at all", "environment", null,
            "spec.environment", "Required value"),
        row("unknown remediation mode", "remediation.mode", "Yolo",
            "spec.remediation.mode", "supported values: \"Approve\", \"Auto\", \"Observe\""),
        row("unknown afterFailure", "remediation.afterFailure", "Never",
            "spec.remediation.afterFailure", "supported values"),
        row("negative maxActionsPerHour", "remediation.maxActionsPerHour", -1,
            "spec.remediation.maxActionsPerHour", "greater than or equal to 0"),
        row("huge maxActionsPerHour", "remediation.maxActionsPerHour", 100000,
            "spec.remediation.maxActionsPerHour", "less than or equal to 60"),
        row("maxActionsPerHour that is not a number", "remediation.maxActionsPerHour", "four",
            "spec.remediation.maxActionsPerHour", "must be of type integer"),
        row("pollInterval in words", "timing.pollInterval", "5 minutes",
            "spec.timing.pollInterval", "must be a Go duration"),
        row("staleAfter without a unit", "timing.staleAfter", "15",
            "spec.timing.staleAfter", "must be a Go duration"),
        row("leftoverAfter in words", "timing.leftoverAfter", "5 minutes",
            "spec.timing.leftoverAfter", "must be a Go duration"),
        row("activePollInterval longer than pollInterval", "timing.activePollInterval", "1m",
            "spec.timing.activePollInterval", "must not be longer than pollInterval"),
        row("activePollInterval under a second", "timing.activePollInterval", "500ms",
            "spec.timing.activePollInterval", "must be at least 1s"),
        row("pollInterval over a day", "timing.pollInterval", "48h",
            "spec.timing.pollInterval", "must be at most 24h"),
        row("staleAfter too short to outlast silent steps", "timing.staleAfter", "30s",
            "spec.timing.staleAfter", "must be at least 1m"),
        row("schema version with a space", "expectedSchemaVersion", "v 1",
            "spec.expectedSchemaVersion", "must be a Flyway schema version"),
        row("suspend that is not a boolean", "suspend", "yes",
            "spec.suspend", "must be of type boolean"));
  }

  /** Each row: why a MigratorEnvironment is wrong, its name, the change from a minimal valid spec, field, words. */
  static Stream<Arguments> invalidEnvironments() {
    return Stream.of(
        environment("queue name with spaces", "test", "queue.name", "bfd test migrator",
            "spec.queue.name", "is not a name SQS accepts"),
        environment("queue name over 80 characters", "test", "queue.name", "q".repeat(81),
            "spec.queue.name", "longer than the 80 characters SQS accepts"),
        environment("queue name too long once the environment is filled in", "e".repeat(63), "queue.name",
            "bfd-deployment-${environment}-migrator", "spec.queue.name", "longer than the 80 characters SQS accepts"),
        environment("queue name with the placeholder twice", "test", "queue.name",
            "bfd-${environment}-${environment}-migrator", "spec.queue.name", "at most once"),
        environment("malformed role ARN", "test", "aws.roleArn", "arn:aws:iam::12345:role/x",
            "spec.aws.roleArn", "must be an IAM role ARN"),
        environment("a user ARN instead of a role", "test", "aws.roleArn", "arn:aws:iam::123456789012:user/alice",
            "spec.aws.roleArn", "must be an IAM role ARN"),
        environment("bad region", "test", "aws.region", "mars-1",
            "spec.aws.region", "must be an AWS region name"),
        environment("empty instance tags would match every instance", "test", "instance.tags", Map.of(),
            "spec.instance.tags", "should have at least 1 properties"),
        environment("reserved aws: tag key", "test", "instance.tags", Map.of("aws:cloudformation:stack-name", "x"),
            "spec.instance.tags", "reserved by AWS"),
        environment("unit that is not a service", "test", "service.unit", "bfd-db-migrator",
            "spec.service.unit", "must be a systemd service unit name"),
        environment("unit that starts like an option", "test", "service.unit", "--help.service",
            "spec.service.unit", "must be a systemd service unit name"),
        environment("log group with spaces", "test", "service.logGroup", "/bfd/test/migrator log",
            "spec.service.logGroup", "must be a CloudWatch Logs group name"),
        environment("no namespaces", "test", "namespaces", List.of(),
            "spec.namespaces", "should have at least 1 items"),
        environment("a namespace that is no namespace name", "test", "namespaces", List.of("Bad_NS"),
            "spec.namespaces[0]", "should match"),
        environment("a namespace twice", "test", "namespaces", List.of("bfd", "bfd"),
            "spec.namespaces", "must not list a namespace twice"),
        environment("an unknown mode", "test", "allowedRemediation.modes", List.of("Yolo"),
            "spec.allowedRemediation.modes[0]", "supported values"),
        environment("a name that is no DNS label", "a.b", "namespaces", List.of("bfd"),
            "metadata.name", "must be a DNS label"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidEnvironments")
  void invalidEnvironmentIsRefusedNamingTheField(String why, String name, Map<String, Object> spec, String field,
      String words) {
    var resource = environmentResource(name, spec);

    assertThatThrownBy(() -> client.resource(resource).create())
        .as(why)
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).as("HTTP status for: " + why).isEqualTo(422);
          assertThat(e.getStatus().getMessage()).as("message for: " + why).contains(field).contains(words);
        });
  }

  @Test
  void minimalEnvironmentComesBackWithEveryDefault() {
    var created = client.resource(environmentResource("crd-minimal", Map.of("namespaces", List.of("bfd")))).create();
    try {
      assertThat(created.getAdditionalProperties().get("spec")).isEqualTo(Map.of(
          "namespaces", List.of("bfd"),
          "aws", Map.of("region", "us-east-1"),
          "queue", Map.of("name", "bfd-${environment}-migrator"),
          "instance", Map.of("tags", Map.of("Name", "bfd-${environment}-migrator")),
          "service", Map.of("unit", "bfd-db-migrator.service",
              "logGroup", "/bfd/${environment}/bfd-db-migrator/migrator-log.json"),
          "allowedRemediation", Map.of("modes", List.of("Auto", "Observe", "Approve"), "stopService", false,
              "terminateInstance", false, "afterFailureAuto", false)));
    } finally {
      client.resource(created).delete();
    }
  }

  @Test
  void fullyValidEnvironmentIsAccepted() {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("namespaces", List.of("bfd", "bfd-prod"));
    spec.put("aws", Map.of("region", "us-gov-west-1", "roleArn", "arn:aws-us-gov:iam::123456789012:role/ops/bfd"));
    spec.put("queue", Map.of("name", "bfd-test-migrator.fifo"));
    spec.put("instance", Map.of("tags", Map.of("Name", "bfd-test-migrator", "role", "migrator")));
    spec.put("allowedRemediation", Map.of("modes", List.of("Approve"), "stopService", true));

    var created = client.resource(environmentResource("crd-full", spec)).create();
    try {
      assertThat(created.getMetadata().getUid()).isNotBlank();
    } finally {
      client.resource(created).delete();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void invalidSpecIsRefusedNamingTheField(String why, Map<String, Object> spec, String field, String words) {
    var resource = resource("invalid-" + Math.abs(why.hashCode()), spec);

    assertThatThrownBy(() -> client.resource(resource).create())
        .as(why)
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).as("HTTP status for: " + why).isEqualTo(422);
          assertThat(e.getStatus().getMessage()).as("message for: " + why).contains(field).contains(words);
        });
  }

  @Test
  void resourceWithoutSpecIsRefused() {
    var resource = resource("no-spec", Map.of());
    resource.getAdditionalProperties().remove("spec");

    assertThatThrownBy(() -> client.resource(resource).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e ->
            assertThat(e.getStatus().getMessage()).contains("spec is required"));
  }

  @Test
  void environmentCannotChange() {
    var created = client.resource(resource("immutable", Map.of("environment", "test"))).create();
    created.setAdditionalProperty("spec", Map.of("environment", "prod"));

    assertThatThrownBy(() -> client.resource(created).update())
        .isInstanceOfSatisfying(KubernetesClientException.class, e ->
            assertThat(e.getStatus().getMessage()).contains("spec.environment").contains("is immutable"));
  }

  @Test
  void minimalSpecComesBackWithEveryDefault() {
    var created = client.resource(resource("minimal", Map.of("environment", "prod-sbx"))).create();

    assertThat(created.getAdditionalProperties().get("spec")).isEqualTo(Map.of(
        "environment", "prod-sbx",
        "timing", Map.of("pollInterval", "30s", "activePollInterval", "5s", "staleAfter", "15m",
            "maxMigrationDuration", "2h", "leftoverAfter", "5m"),
        "remediation", Map.of("mode", "Auto", "purgeQueue", true, "stopService", false,
            "terminateInstance", false, "afterFailure", "Approve", "maxActionsPerHour", 4),
        "suspend", false));
    // Until the operator writes one, the status reads as observing nothing yet: kstatus says in progress.
    assertThat(client.resource(created).get().getAdditionalProperties().get("status"))
        .isEqualTo(Map.of("conditions", List.of(), "observedGeneration", -1));
  }

  @Test
  void fullyValidSpecIsAccepted() {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("environment", "test");
    spec.put("expectedSchemaVersion", "20240522164906244");
    spec.put("timing", Map.of("pollInterval", "1m30s", "activePollInterval", "2.5s", "staleAfter", "20m",
        "maxMigrationDuration", "3h"));

    assertThat(client.resource(resource("full", spec)).create().getMetadata().getUid()).isNotBlank();
  }

  private static Arguments environment(String why, String name, String path, Object value, String field, String words) {
    Map<String, Object> spec = new LinkedHashMap<>();
    put(spec, "namespaces", List.of("bfd"));
    put(spec, path, value);
    return Arguments.of(why, name, spec, field, words);
  }

  private static GenericKubernetesResource environmentResource(String name, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(MigratorDeployment.GROUP + "/" + MigratorDeployment.VERSION)
        .withKind("MigratorEnvironment")
        .withNewMetadata().withName(name).endMetadata()
        .withAdditionalProperties(new LinkedHashMap<>(Map.of("spec", spec)))
        .build();
  }

  private static Arguments row(String why, String path, Object value, String field, String words) {
    return row(why, path, value, field, words, "environment", "test");
  }

  private static Arguments row(String why, String path, Object value, String field, String words,
      String otherPath, Object otherValue) {
    Map<String, Object> spec = new LinkedHashMap<>();
    put(spec, otherPath, otherValue);
    put(spec, path, value);
    return Arguments.of(why, spec, field, words);
  }

  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> spec, String path, Object value) {
    String[] parts = path.split("\\.");
    Map<String, Object> at = spec;
    for (int i = 0; i < parts.length - 1; i++) {
      at = (Map<String, Object>) at.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
    }
    if (value == null) {
      at.remove(parts[parts.length - 1]);
    } else {
      at.put(parts[parts.length - 1], value);
    }
  }

  private static GenericKubernetesResource resource(String name, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(MigratorDeployment.GROUP + "/" + MigratorDeployment.VERSION)
        .withKind("MigratorDeployment")
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
        .withAdditionalProperties(new LinkedHashMap<>(Map.of("spec", spec)))
        .build();
  }

}

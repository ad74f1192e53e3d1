package gov.cms.bfd.migrator.operator.api;

import static gov.cms.bfd.migrator.operator.api.CrdReference.CRD;
import static gov.cms.bfd.migrator.operator.api.CrdReference.DOC;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRuleBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is what {@link CrdReference} renders from crds/; a CRD change without `make docs` fails
 * here. With -Dcrd.reference.write=true (what `make docs` passes) it writes the file first.
 */
class CrdReferenceTest {

  private static String rendered;
  private static Map<String, CrdReference.Field> fields;
  private static Map<String, CrdReference.Field> environmentFields;

  @BeforeAll
  static void render() throws IOException {
    var crd = CrdReference.read(CRD);
    var environment = CrdReference.read(CrdReference.ENVIRONMENT_CRD);
    rendered = CrdReference.render(List.of(environment, crd));
    fields = CrdReference.fields(CrdReference.rootSchema(crd)).stream()
        .collect(Collectors.toMap(CrdReference.Field::path, Function.identity()));
    environmentFields = CrdReference.fields(CrdReference.rootSchema(environment)).stream()
        .collect(Collectors.toMap(CrdReference.Field::path, Function.identity()));
  }

  @Test
  void docsConfigurationMatchesTheCrd() throws IOException {
    if (Boolean.getBoolean("crd.reference.write")) {
      Files.createDirectories(DOC.getParent());
      Files.writeString(DOC, rendered);
    }
    String committed = Files.exists(DOC) ? Files.readString(DOC) : "(missing)";
    assertThat(committed)
        .as("%s is stale: run `%s` (after `make crds` when api/ changed) and commit the result", DOC,
            CrdReference.REFRESH)
        .isEqualTo(rendered);
  }

  @Test
  void everyFieldOfSpecAndStatusHasADescription() throws IOException {
    for (var crd : List.of(CrdReference.read(CRD), CrdReference.read(CrdReference.ENVIRONMENT_CRD))) {
      var root = CrdReference.rootSchema(crd);
      assertThat(Stream.concat(CrdReference.fields(root, "spec").stream(), CrdReference.fields(root, "status").stream())
              .filter(f -> f.description().isBlank()).map(CrdReference.Field::path))
          .as("fields of %s without a description: add @JsonPropertyDescription in api/, then `make crds docs`",
              crd.getMetadata().getName())
          .isEmpty();
    }
  }

  @Test
  void conditionsAreKeyedByTypeAndTimesAreDateTimes() throws IOException {
    var status = CrdReference.fields(CrdReference.rootSchema(CrdReference.read(CRD)), "status").stream()
        .collect(Collectors.toMap(CrdReference.Field::path, Function.identity()));
    assertThat(status.get("status.conditions").validation()).contains("one item per type");
    assertThat(status.get("status.conditions[].lastTransitionTime").validation()).contains("format `date-time`");
    assertThat(status.get("status.history[].time").validation()).contains("format `date-time`");
  }

  @Test
  void theReferenceHasARowForEverySpecField() {
    assertThat(fields).containsOnlyKeys("spec.environment", "spec.expectedSchemaVersion",
        "spec.timing", "spec.timing.pollInterval", "spec.timing.activePollInterval", "spec.timing.staleAfter",
        "spec.timing.maxMigrationDuration", "spec.timing.leftoverAfter", "spec.remediation", "spec.remediation.mode", "spec.remediation.purgeQueue",
        "spec.remediation.stopService", "spec.remediation.terminateInstance", "spec.remediation.afterFailure",
        "spec.remediation.maxActionsPerHour", "spec.suspend");
    assertThat(environmentFields).containsKeys("spec.namespaces", "spec.aws.region", "spec.aws.roleArn",
        "spec.queue.name", "spec.instance.tags", "spec.service.unit", "spec.service.logGroup",
        "spec.allowedRemediation.modes", "spec.allowedRemediation.stopService",
        "spec.allowedRemediation.terminateInstance", "spec.allowedRemediation.afterFailureAuto");
    Stream.concat(fields.keySet().stream(), environmentFields.keySet().stream())
        .forEach(path -> assertThat(rendered).contains("| `" + path + "` |"));
    assertThat(rendered).contains("## MigratorEnvironment", "## MigratorDeployment");
  }

  @Test
  void aFieldShowsItsTypeDefaultAndLimits() {
    assertThat(fields.get("spec.timing.pollInterval")).satisfies(f -> {
      assertThat(f.type()).isEqualTo("string");
      assertThat(f.defaultValue()).isEqualTo("30s");
      assertThat(f.validation()).contains("1 to 32 characters",
          "must be a Go duration such as 30s, 5m or 1h30m (`^([0-9]+(\\.[0-9]+)?(h|m|s|ms))+$`)");
    });
    assertThat(fields.get("spec.remediation.mode").validation()).contains("one of `Approve`, `Auto`, `Observe`");
    assertThat(fields.get("spec.remediation.maxActionsPerHour").validation()).contains("0 to 60");
    assertThat(fields.get("spec.environment").validation()).startsWith("required")
        .contains("is immutable: create a new MigratorDeployment for another environment");
    assertThat(environmentFields.get("spec.instance.tags")).satisfies(f -> {
      assertThat(f.type()).isEqualTo("map of string to string");
      assertThat(f.defaultValue()).isEqualTo("{\"Name\":\"bfd-${environment}-migrator\"}");
    });
  }

  @Test
  void aRuleAParentPlacesOnAFieldIsInThatFieldsRow() {
    assertThat(fields.get("spec.timing.activePollInterval").validation())
        .contains("must not be longer than pollInterval: a running migration is polled at least as often as an"
            + " idle one");
    assertThat(environmentFields.get("spec.queue.name").validation())
        .contains("the queue name, with ${environment} replaced by the environment name, is longer than the 80"
            + " characters SQS accepts");
    assertThat(fields.get("spec.timing").validation()).isEmpty();
  }

  @Test
  void aMessageExpressionReadsAsItsTextWithTheComputedPartsElided() {
    assertThat(CrdReference.readable("'name \"' + self.name.replace('${environment}', self.env) + '\" is bad'"))
        .isEqualTo("name \"…\" is bad");
    assertThat(CrdReference.readable("'it\\'s ' + string(self.count + 1) + ' too many'"))
        .isEqualTo("it's … too many");
  }

  @Test
  void pipesInACellAreEscapedForMarkdownTables() {
    ValidationRule rule = new ValidationRuleBuilder().withRule("self.matches('^(a|b)$')").withMessage("a or b")
        .build();
    assertThat(CrdReference.cell(CrdReference.message(rule))).isEqualTo("a or b (`^(a\\|b)$`)");
    assertThat(rendered.lines().filter(l -> l.startsWith("| `spec.")))
        .allSatisfy(line -> assertThat(line.replace("\\|", "")).matches("\\|( [^|]*\\|){5}"));
    assertThat(List.of(rendered.split("\n"))).contains("| Field | Type | Default | Description | Validation |");
  }
}

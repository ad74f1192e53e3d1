package gov.cms.bfd.migrator.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * helm/README.md is what ChartReadme generates from README.md.gotmpl, Chart.yaml and values.yaml: a value added or
 * changed without its README line fails here. {@code -Dchart.readme.write=true} (or {@code make docs}) rewrites it.
 */
class ChartReadmeTest {

  private static final Path CHART = Path.of("helm");

  @Test
  void readmeIsGeneratedFromTheValues() throws IOException {
    String expected = ChartReadme.generate(CHART);
    Path readme = CHART.resolve("README.md");
    if (Boolean.getBoolean("chart.readme.write")) {
      Files.writeString(readme, expected);
    }
    assertThat(Files.readString(readme))
        .as("helm/README.md is stale: run `make docs` (or mvn test -Dtest=ChartReadmeTest -Dchart.readme.write=true)")
        .isEqualTo(expected);
  }

  /** A value of values.yaml that a person sets has a line in the README: every leaf, or a parent that documents it. */
  @Test
  void everyValueIsDocumentedByItselfOrAParent() throws IOException {
    var documented = ChartReadme.values(Files.readString(CHART.resolve("values.yaml"))).stream()
        .map(ChartReadme.Value::key).toList();
    var tree = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(CHART.resolve("values.yaml").toFile());
    var undocumented = new java.util.ArrayList<String>();
    leaves("", tree, documented, undocumented);

    assertThat(undocumented).as("values without a `# --` comment on them or a parent").isEmpty();
  }

  @Test
  void aDocCommentDocumentsTheKeyBelowItWithItsDefault() throws IOException {
    var values = ChartReadme.values("""
        # a plain comment
        image:
          # -- The registry;
          # empty: none.
          registry: ghcr.io

          # not documented
          tag: ""
        # -- Pods.
        replicas: 1
        """);

    assertThat(values).containsExactly(
        new ChartReadme.Value("image.registry", "string", "\"ghcr.io\"", "The registry; empty: none."),
        new ChartReadme.Value("replicas", "int", "1", "Pods."));
  }

  private static void leaves(String path, com.fasterxml.jackson.databind.JsonNode node, java.util.List<String> documented,
      java.util.List<String> out) {
    if (!path.isEmpty() && documented.contains(path)) {
      return;
    }
    if (node.isObject() && node.size() > 0) {
      node.fieldNames().forEachRemaining(f -> leaves(path.isEmpty() ? f : path + "." + f, node.get(f), documented, out));
    } else {
      out.add(path);
    }
  }
}

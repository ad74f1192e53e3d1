package gov.cms.bfd.migrator.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** crds/ is what the Java types generate; a change to api/ without `make crds` fails here. */
class CrdFreshnessTest {

  private static final String FILE = "migratordeployments.migrator.bfd.cms.gov-v1.yml";

  @Test
  void crdsFolderMatchesTheJavaTypes(@TempDir Path out) throws IOException {
    new CRDGenerator()
        .inOutputDir(out.toFile())
        .forCRDVersions("v1")
        .customResourceClasses(MigratorDeployment.class)
        .generate();

    String generated = Files.readString(out.resolve(FILE));
    String committed = Files.readString(Path.of("crds", FILE));
    assertThat(committed)
        .as("crds/%s is stale: run `make crds` and commit the result", FILE)
        .isEqualTo(generated);
  }
}

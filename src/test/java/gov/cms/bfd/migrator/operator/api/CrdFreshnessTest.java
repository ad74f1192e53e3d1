package gov.cms.bfd.migrator.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** crds/ is what the Java types generate; a change to api/ without `make crds` fails here. */
class CrdFreshnessTest {

  @Test
  void crdsFolderMatchesTheJavaTypes(@TempDir Path out) throws IOException {
    new CRDGenerator()
        .inOutputDir(out.toFile())
        .forCRDVersions("v1")
        .withPostProcessor(new CrdShape())
        .customResourceClasses(MigratorDeployment.class, MigratorEnvironment.class)
        .generate();

    for (String file : TestBed.CRD_FILES) {
      String generated = Files.readString(out.resolve(file));
      String committed = Files.readString(Path.of("crds", file));
      assertThat(committed)
          .as("crds/%s is stale: run `make crds` and commit the result", file)
          .isEqualTo(generated);
    }
  }
}

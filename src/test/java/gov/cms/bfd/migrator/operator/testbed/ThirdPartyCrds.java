package gov.cms.bfd.migrator.operator.testbed;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

/**
 * CRDs of other projects (Argo CD, Flux, the Prometheus Operator) as those projects ship them in their Go modules:
 * tools/crds/crds.txt names the module, version and file; {@code make test-deps} (hack/fetch-crds.sh) downloads the
 * module zips into the Go module cache, and this reads the files out of them and installs them.
 */
public final class ThirdPartyCrds {

  private ThirdPartyCrds() {}

  /** Installs every CRD of crds.txt whose module path contains {@code moduleMatch}; waits until each is served. */
  public static List<String> install(KubernetesClient client, Path projectRoot, String moduleMatch) {
    List<String> names = new ArrayList<>();
    for (String yaml : read(projectRoot, moduleMatch)) {
      CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
          .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).item();
      crd.getMetadata().setResourceVersion(null);
      client.resource(crd).fieldManager("third-party-crds").forceConflicts().serverSideApply();
      client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream()
              .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
              60, TimeUnit.SECONDS);
      names.add(crd.getMetadata().getName());
    }
    return names;
  }

  /** The CRD files of crds.txt whose module path contains {@code moduleMatch}, read out of the module zips. */
  public static List<String> read(Path projectRoot, String moduleMatch) {
    Path cache = Path.of(Cli.go(projectRoot, "env", "GOMODCACHE").ok().strip()).resolve("cache/download");
    List<String> files = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(projectRoot.resolve("tools/crds/crds.txt"))) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.trim().split("\\s+");
        int at = fields[0].lastIndexOf('@');
        String module = fields[0].substring(0, at);
        if (!module.contains(moduleMatch)) {
          continue;
        }
        // the module cache's case-encoding: an upper-case letter is written ! and the letter in lower case
        Path zip = cache.resolve(module.replaceAll("([A-Z])", "!$1").toLowerCase()).resolve("@v")
            .resolve(fields[0].substring(at + 1) + ".zip");
        if (!Files.exists(zip)) {
          throw new IllegalStateException("No module zip of " + fields[0] + " at " + zip + ": run `make test-deps`");
        }
        try (var archive = new ZipFile(zip.toFile())) {
          var entry = archive.getEntry(fields[0] + "/" + fields[1]);
          if (entry == null) {
            throw new IllegalStateException("No " + fields[1] + " in " + zip);
          }
          try (InputStream in = archive.getInputStream(entry)) {
            files.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no module matching " + moduleMatch + " in tools/crds/crds.txt");
    }
    return files;
  }
}

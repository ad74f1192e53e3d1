package gov.cms.bfd.migrator.operator.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * `make plugin-release` (hack/plugin-release.sh) writes a krew manifest that describes the archive beside it: the
 * version of pom.xml, the archive's sha256, and files and bin that are in the archive, byte-for-byte the same archive
 * each time it is built.
 */
class PluginReleaseTest {

  private static final Path ROOT = Path.of("").toAbsolutePath();

  @Test
  void manifestDescribesTheArchive() throws Exception {
    release();
    Path archive = ROOT.resolve("target/plugin/kubectl-migrator.tar.gz");
    var manifest = new YAMLMapper().readTree(ROOT.resolve("target/plugin/migrator.yaml").toFile());
    var platform = manifest.path("spec").path("platforms").get(0);
    List<String> files = entries(archive);

    assertThat(manifest.path("apiVersion").asText()).isEqualTo("krew.googlecontainertools.github.com/v1alpha2");
    assertThat(manifest.path("kind").asText()).isEqualTo("Plugin");
    assertThat(manifest.path("metadata").path("name").asText()).isEqualTo("migrator");
    assertThat(manifest.path("spec").path("version").asText()).isEqualTo("v" + pomVersion());
    assertThat(manifest.path("spec").path("shortDescription").asText()).isNotBlank().hasSizeLessThan(60);
    assertThat(platform.path("sha256").asText()).isEqualTo(sha256(archive));
    assertThat(platform.path("uri").asText()).startsWith("https://").endsWith("/kubectl-migrator.tar.gz")
        .contains("v" + pomVersion());
    assertThat(files).contains(platform.path("bin").asText());
    platform.path("files").forEach(f -> assertThat(files).contains(f.path("from").asText()));
    assertThat(Files.readString(ROOT.resolve("target/plugin/migrator.yaml"))).doesNotContain("${");
  }

  @Test
  void theArchiveIsReproducible() throws Exception {
    release();
    String first = sha256(ROOT.resolve("target/plugin/kubectl-migrator.tar.gz"));
    release();
    assertThat(sha256(ROOT.resolve("target/plugin/kubectl-migrator.tar.gz"))).isEqualTo(first);
  }

  private static void release() throws IOException, InterruptedException {
    var process = new ProcessBuilder("bash", "hack/plugin-release.sh").directory(ROOT.toFile())
        .redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  /** The names in a tar.gz (ustar headers). */
  private static List<String> entries(Path tgz) throws IOException {
    List<String> names = new ArrayList<>();
    try (var in = new GZIPInputStream(Files.newInputStream(tgz))) {
      byte[] header = new byte[512];
      while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
        names.add(new String(header, 0, 100).replace("\0", "").trim());
        long size = Long.parseLong(new String(header, 124, 12).replace("\0", "").trim(), 8);
        in.skipNBytes((size + 511) / 512 * 512);
      }
    }
    return names;
  }

  private static String pomVersion() throws IOException {
    return Files.readAllLines(ROOT.resolve("pom.xml")).stream()
        .filter(l -> l.matches("^  <version>.*</version>$")).findFirst().orElseThrow()
        .replaceAll("^  <version>(.*)</version>$", "$1");
  }
}

package gov.cms.bfd.migrator.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Under {@code set -o pipefail} a reader that stops early ({@code grep -q}, {@code head}) can leave the writer to
 * die of SIGPIPE, and the pipeline then fails although the line was found. The install steps' version checks did
 * that ({@code kubectl version --client | grep -q …} failed 31 times in 100 here), and a fresh CI machine refused
 * binaries it had just built. The scripts read the whole output first ({@code grep -q … <<<"$(command)"}).
 */
class ShellScriptsTest {

  private static final Pattern EARLY_READER = Pattern.compile("\\|\\s*(grep\\s+-[a-zA-Z]*[qm]|head\\b)");

  @Test
  void noScriptUnderPipefailPipesIntoAReaderThatStopsEarly() throws IOException {
    List<String> offending = new ArrayList<>();
    for (Path script : scripts()) {
      String text = Files.readString(script);
      if (!text.contains("pipefail")) {
        continue;
      }
      List<String> lines = text.lines().toList();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (!line.startsWith("#") && EARLY_READER.matcher(line).find()) {
          offending.add(script + ":" + (i + 1) + ": " + line);
        }
      }
    }
    assertThat(offending).as("read the whole output first: grep -q PATTERN <<<\"$(command)\"").isEmpty();
  }

  @Test
  void theCheckSeesTheScripts() throws IOException {
    assertThat(scripts()).contains(Path.of("hack/build-kube-binaries.sh"), Path.of(".ci/run"), Path.of("Makefile"));
  }

  private static List<Path> scripts() throws IOException {
    List<Path> scripts = new ArrayList<>(List.of(Path.of(".ci/run"), Path.of("Makefile")));
    for (String dir : List.of("hack", "tools", "bench", "deploy")) {
      if (!Files.isDirectory(Path.of(dir))) {
        continue;
      }
      try (Stream<Path> files = Files.walk(Path.of(dir))) {
        files.filter(p -> p.toString().endsWith(".sh")).sorted().forEach(scripts::add);
      }
    }
    return scripts;
  }
}

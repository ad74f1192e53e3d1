package gov.cms.bfd.migrator.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values the operator places in shell commands reach bash as the values they are, whatever they hold: checked by
 * running the commands in a real bash, where every hostile value would otherwise run a command of its own.
 */
class ShellSafetyTest {

  static final List<String> HOSTILE = List.of("$(touch PWNED)", "`touch PWNED`", "a; touch PWNED", "a' ; touch PWNED; '",
      "a\\\"b", "x\ntouch PWNED", "--help", "*", "", "plain-value_1.2:3@x");

  @Test
  void everyQuotedValueReachesTheCommandAsOneArgumentUnchanged(@TempDir Path dir) throws Exception {
    for (String value : HOSTILE) {
      List<String> argv = run(dir, "printf '%s\\0' " + Shell.quote(value) + " " + Shell.quote(value));
      assertThat(argv).as(value).containsExactly(value, value);
    }
    assertThat(dir.resolve("PWNED")).doesNotExist();
  }

  @Test
  void aJsonParameterQuotedForTheShellReachesTheAwsCliIntact(@TempDir Path dir) throws Exception {
    for (String value : HOSTILE) {
      String json = "{\"commands\":[" + Shell.json(value) + "]}";
      List<String> argv = run(dir, "printf '%s\\0' --parameters " + Shell.quote(json));
      assertThat(argv).as(value).containsExactly("--parameters", json);
      assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(argv.get(1)).get("commands").get(0)
          .asText()).isEqualTo(value);
    }
    assertThat(dir.resolve("PWNED")).doesNotExist();
  }

  @Test
  void theSystemdScriptsPassTheUnitAfterDashDashAndQuoted(@TempDir Path dir) throws Exception {
    // A fake systemctl that prints its arguments: what the root shell on the instance would hand it.
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path systemctl = bin.resolve("systemctl");
    Files.writeString(systemctl, "#!/bin/bash\nprintf '%s\\0' \"$@\"\n");
    systemctl.toFile().setExecutable(true);

    List<String> argv = run(dir, "PATH=" + bin + ":$PATH; " + SystemdCommands.stop("bfd-db-migrator.service"));

    assertThat(argv).containsExactly("stop", "--", "bfd-db-migrator.service", "show", "-p", "LoadState", "-p",
        "ActiveState", "-p", "ExecMainPID", "-p", "ExecMainStartTimestamp", "-p", "ExecMainCode", "-p",
        "ExecMainStatus", "--", "bfd-db-migrator.service");
  }

  /**
   * A stop that fails (a unit not loaded, a stop job that failed) fails the script with systemctl's exit status, so
   * SSM reports the command Failed: chained with ';' the show after it would exit 0 and SSM would say Success.
   */
  @Test
  void aStopThatFailsFailsTheScriptAndShowsNothing(@TempDir Path dir) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path systemctl = bin.resolve("systemctl");
    Files.writeString(systemctl, "#!/bin/bash\nif [ \"$1\" = stop ]; then echo 'Failed to stop bfd-db-migrator.service:"
        + " Unit bfd-db-migrator.service not loaded.' >&2; exit 5; fi\necho ActiveState=inactive\n");
    systemctl.toFile().setExecutable(true);

    var process = new ProcessBuilder("bash", "-c", "PATH=" + bin + ":$PATH; "
        + SystemdCommands.stop("bfd-db-migrator.service")).directory(dir.toFile()).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as("the script's exit status, which SSM reports").isEqualTo(5);
    assertThat(out).as("no state printed after a failed stop").isEmpty();
    assertThat(err).contains("not loaded");
    assertThat(SystemdCommands.stop("bfd-db-migrator.service")).doesNotContain(";");
  }

  @Test
  void aUnitThatIsNoServiceUnitNameNeverBecomesAScript() {
    for (String unit : List.of("x.service; reboot", "$(reboot).service", "-x.service", "x.service\n", "x")) {
      assertThatThrownBy(() -> SystemdCommands.stop(unit)).as(unit).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> SystemdCommands.show(unit)).as(unit).isInstanceOf(IllegalArgumentException.class);
    }
  }

  /** bash -c {@code script} in {@code dir}; the NUL-separated words it printed. */
  static List<String> run(Path dir, String script) throws IOException, InterruptedException {
    var process = new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).redirectErrorStream(false).start();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .isZero();
    String text = new String(out, StandardCharsets.UTF_8);
    if (text.isEmpty()) {
      return List.of();
    }
    return List.of(text.substring(0, text.length() - 1).split("\0", -1));
  }
}

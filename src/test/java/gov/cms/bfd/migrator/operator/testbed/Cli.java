package gov.cms.bfd.migrator.operator.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a CLI that {@code make test-deps} builds (helm, kubectl, promtool, the kstatus checker), or another command
 * of this machine, in the project directory and keeps what it said.
 */
public final class Cli {

  /** What a command said, and how it ended. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {

    /** stdout, or an error naming the command and its stderr. */
    public String ok() {
      if (exitCode != 0) {
        throw new AssertionError(String.join(" ", command) + " exited " + exitCode + ":\n" + stderr + stdout);
      }
      return stdout;
    }
  }

  private Cli() {}

  public static Result helm(Path projectRoot, String... args) {
    return run(projectRoot, "helm", args);
  }

  public static Result kubectl(Path projectRoot, String... args) {
    return run(projectRoot, "kubectl", args);
  }

  /** promtool of hack/build-promtool.sh. */
  public static Result promtool(Path projectRoot, String... args) {
    return run(projectRoot, "promtool", args);
  }

  /** The kstatus checker of hack/build-kstatus.sh (tools/kstatus). */
  public static Result kstatus(Path projectRoot, String... args) {
    return run(projectRoot, "kstatus", args);
  }

  /** The go command on PATH (what {@code make test-deps} builds with), e.g. {@code go env GOMODCACHE}. */
  public static Result go(Path projectRoot, String... args) {
    return run(projectRoot, "go", "go", args);
  }

  /** Any other command of this machine (docker, bash), in the project directory, for at most {@code timeout}. */
  public static Result run(Path projectRoot, Duration timeout, List<String> command) {
    return run(projectRoot, timeout, command, env -> { });
  }

  private static Result run(Path projectRoot, String tool, String... args) {
    return run(projectRoot, tool, TestBed.tool(tool).toString(), args);
  }

  private static Result run(Path projectRoot, String tool, String executable, String... args) {
    List<String> command = new ArrayList<>();
    command.add(executable);
    command.addAll(List.of(args));
    try {
      Path home = Files.createTempDirectory(tool + "-home-");
      try {
        return run(projectRoot, Duration.ofSeconds(60), command, env -> {
          // helm keeps caches and repositories under $HOME; a private one keeps the user's out of the test
          env.put("HELM_CACHE_HOME", home.resolve("cache").toString());
          env.put("HELM_CONFIG_HOME", home.resolve("config").toString());
          env.put("HELM_DATA_HOME", home.resolve("data").toString());
          // nothing here talks to a cluster unless told so
          env.remove("KUBECONFIG");
        });
      } finally {
        deleteTree(home);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
    }
  }

  private static Result run(Path projectRoot, Duration timeout, List<String> command,
      Consumer<Map<String, String>> environment) {
    try {
      Path out = Files.createTempFile("cli-", ".out");
      Path err = Files.createTempFile("cli-", ".err");
      try {
        var builder = new ProcessBuilder(command).directory(projectRoot.toFile())
            .redirectOutput(out.toFile()).redirectError(err.toFile());
        environment.accept(builder.environment());
        Process process = builder.start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError(String.join(" ", command) + " did not end within " + timeout.toSeconds() + " s");
        }
        return new Result(command, process.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

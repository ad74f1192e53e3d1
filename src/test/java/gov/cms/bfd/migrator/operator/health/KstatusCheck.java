package gov.cms.bfd.migrator.operator.health;

import gov.cms.bfd.migrator.operator.testbed.Cli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the real kstatus library (sigs.k8s.io/cli-utils/pkg/kstatus/status: Flux's, kpt's and Config Sync's status
 * reader) makes of objects in files: the checker of tools/kstatus, built by {@code make test-deps}, run as a process.
 */
final class KstatusCheck {

  /** kstatus's words for a status (status.Status in cli-utils). */
  static final Set<String> STATUSES = Set.of("InProgress", "Failed", "Current", "Terminating", "NotFound", "Unknown");

  /** One object's verdict: "Kind namespace/name", kstatus's status, and its message. */
  record Verdict(String object, String status, String message) {}

  private KstatusCheck() {}

  /** The verdict for every object in the files, in order; fails naming the checker's error if it cannot judge one. */
  static List<Verdict> check(Path projectRoot, Path... files) {
    List<String> args = new ArrayList<>();
    for (Path file : files) {
      args.add(file.toAbsolutePath().toString());
    }
    String out = Cli.kstatus(projectRoot, args.toArray(String[]::new)).ok();
    List<Verdict> verdicts = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] cells = line.split("\t", 3);
      if (cells.length != 3) {
        throw new AssertionError("the kstatus checker printed a line without three tab-separated cells: " + line);
      }
      verdicts.add(new Verdict(cells[0], cells[1], cells[2]));
    }
    return verdicts;
  }

  /** The fixtures of src/test/resources/health by name (no-status-yet, clean, ...), each judged by kstatus. */
  static Map<String, Verdict> fixtures(Path projectRoot, List<String> names) {
    Path[] files = names.stream().map(n -> projectRoot.resolve(HealthFixturesTest.DIR).resolve(n + ".yaml"))
        .toArray(Path[]::new);
    List<Verdict> verdicts = check(projectRoot, files);
    if (verdicts.size() != names.size()) {
      throw new AssertionError("kstatus judged " + verdicts.size() + " objects in " + names.size() + " fixtures");
    }
    var byName = new java.util.LinkedHashMap<String, Verdict>();
    for (int i = 0; i < names.size(); i++) {
      byName.put(names.get(i), verdicts.get(i));
    }
    return byName;
  }

  /** The checker's own version line: its source stamp and the cli-utils version it was built with. */
  static String version(Path projectRoot) {
    return Cli.kstatus(projectRoot, "--version").ok().strip();
  }

  static <T> Map<String, T> mapValues(Map<String, Verdict> verdicts, Function<Verdict, T> f) {
    return verdicts.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> f.apply(e.getValue()),
        (a, b) -> a, java.util.LinkedHashMap::new));
  }
}

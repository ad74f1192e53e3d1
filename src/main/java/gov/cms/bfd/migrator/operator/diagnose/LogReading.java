package gov.cms.bfd.migrator.operator.diagnose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gov.cms.bfd.migrator.operator.model.Text;
import gov.cms.bfd.migrator.operator.observe.LogExcerpt;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the migrator's own log (migrator-log.json: logback JSON lines, facts §2.5): the exit status its last
 * run's closing line implies, and the lines worth showing a person.
 */
public record LogReading(Optional<Integer> exitStatus, Optional<String> exitLine, List<String> excerpt,
    Optional<Instant> runStartedAt) {

  /** The most lines kept in status, and the most bytes (of JSON) of each. */
  public static final int MAX_LINES = 20;
  public static final int MAX_LINE_BYTES = 256;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STARTED = "Successfully started";
  private static final List<String> WORTH_SHOWING = List.of("Exception when running migration",
      "app terminating", "failed, shutting down", "passed, shutting down", "Invalid app configuration",
      "now at version", "Successfully applied", "No migration necessary", "Current version of schema");

  public LogReading {
    excerpt = List.copyOf(excerpt);
  }

  public static LogReading of(LogExcerpt log) {
    List<String> messages = log.lines().stream().map(l -> message(l.text())).toList();
    int runStart = 0;
    Optional<Instant> startedAt = Optional.empty();
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i).contains(STARTED)) {
        runStart = i; // a reboot re-runs the migrator: only the last run's lines decide
        startedAt = Optional.of(log.lines().get(i).at());
      }
    }
    Optional<Integer> exit = Optional.empty();
    Optional<String> exitLine = Optional.empty();
    for (int i = runStart; i < messages.size(); i++) {
      Optional<Integer> status = exitStatusOf(messages.get(i));
      if (status.isPresent()) {
        exit = status;
        exitLine = Optional.of(cut(messages.get(i)));
      }
    }
    List<String> excerpt = new ArrayList<>();
    for (int i = 0; i < log.lines().size(); i++) {
      String text = log.lines().get(i).text();
      if (isError(text) || WORTH_SHOWING.stream().anyMatch(messages.get(i)::contains)) {
        excerpt.add(log.lines().get(i).at() + " " + cut(messages.get(i)));
      }
    }
    int from = Math.max(0, excerpt.size() - MAX_LINES);
    return new LogReading(exit, exitLine, excerpt.subList(from, excerpt.size()), startedAt);
  }

  /**
   * Whether the log's last run started after {@code run} sent its last message: then it is a later run on the same
   * instance (a reboot re-runs the migrator), and what it logged is not {@code run}'s.
   */
  public boolean newerThan(Run run) {
    return runStartedAt.filter(t -> t.isAfter(run.lastSentAt())).isPresent();
  }

  /** Flyway names the script it failed in: {@code Migration V20240528145630581__Add_column.sql failed}. */
  private static final java.util.regex.Pattern FLYWAY_FILE =
      java.util.regex.Pattern.compile("\\b([VRU][0-9][0-9._]*__[A-Za-z0-9_.-]{1,200}\\.sql)\\b");

  /** The migration file the error lines name, the last one mentioned. */
  public Optional<String> migrationFile() {
    Optional<String> found = Optional.empty();
    for (String line : excerpt) {
      var matcher = FLYWAY_FILE.matcher(line);
      while (matcher.find()) {
        found = Optional.of(matcher.group(1));
      }
    }
    return found;
  }

  /** The exit status a closing line of MigratorApp implies (facts §2.1, §2.5). */
  static Optional<Integer> exitStatusOf(String message) {
    if (message.contains("Migration and validation passed, shutting down")) {
      return Optional.of(0);
    }
    if (message.contains("app terminating due to unhandled exception")) {
      return Optional.of(4);
    }
    if (message.contains("app terminating due to exception")) {
      return Optional.of(1);
    }
    if (message.contains("Migration failed, shutting down")) {
      return Optional.of(2);
    }
    if (message.contains("Validation failed, shutting down")) {
      return Optional.of(3);
    }
    return Optional.empty();
  }

  private static String message(String line) {
    try {
      JsonNode node = JSON.readTree(line);
      if (node != null && node.isObject() && node.hasNonNull("message")) {
        String text = node.get("message").asText();
        JsonNode exception = node.get("exception");
        return exception != null && !exception.isNull() ? text + " " + exception.asText() : text;
      }
    } catch (Exception e) {
      // not JSON: a line from the wrapper script or the JVM, kept as it is
    }
    return line;
  }

  private static boolean isError(String line) {
    return line.contains("\"level\":\"ERROR\"") || line.contains("\"level\":\"WARN\"");
  }

  private static String cut(String text) {
    // One line, as describe shows it; a stack trace's line breaks would break its indentation.
    return Text.bound(text.replaceAll("[\\r\\n]+", " ⏎ "), MAX_LINE_BYTES);
  }
}

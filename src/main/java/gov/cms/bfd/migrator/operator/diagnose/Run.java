package gov.cms.bfd.migrator.operator.diagnose;

import gov.cms.bfd.migrator.operator.api.MessageFormat;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The messages one migrator process (one pid) left in the queue, in order, and what its last one says. */
public record Run(String pid, MessageFormat format, List<MigratorMessage> messages) {

  /** What the run's last message says of its end. */
  public enum End { NONE, FINISHED, FAILED, EXITED, KILLED }

  public Run {
    Objects.requireNonNull(pid, "pid");
    Objects.requireNonNull(format, "format");
    messages = List.copyOf(messages);
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a run has at least one message");
    }
  }

  /** Groups recognized messages by format and pid; unrecognized ones belong to no run. */
  public static List<Run> of(List<MigratorMessage> chronological) {
    Map<String, List<MigratorMessage>> byPid = new LinkedHashMap<>();
    Map<String, MessageFormat> formats = new LinkedHashMap<>();
    for (MigratorMessage message : chronological) {
      if (message instanceof MigratorMessage.Native n) {
        byPid.computeIfAbsent("native:" + n.pid(), k -> new java.util.ArrayList<>()).add(n);
        formats.put("native:" + n.pid(), MessageFormat.Native);
      } else if (message instanceof MigratorMessage.Monitor m) {
        byPid.computeIfAbsent("monitor:" + m.pid(), k -> new java.util.ArrayList<>()).add(m);
        formats.put("monitor:" + m.pid(), MessageFormat.Monitor);
      }
    }
    return byPid.entrySet().stream()
        .map(e -> new Run(e.getKey().substring(e.getKey().indexOf(':') + 1), formats.get(e.getKey()), e.getValue()))
        .sorted(Comparator.comparing(Run::lastSentAt))
        .toList();
  }

  public MigratorMessage last() {
    return messages.get(messages.size() - 1);
  }

  public Instant firstSentAt() {
    return messages.stream().map(MigratorMessage::sentAt).min(Comparator.naturalOrder()).orElseThrow();
  }

  public Instant lastSentAt() {
    return messages.stream().map(MigratorMessage::sentAt).max(Comparator.naturalOrder()).orElseThrow();
  }

  /** The stage name of the last message: an appStage, or the monitor's code/status. */
  public String stage() {
    MigratorMessage last = last();
    if (last instanceof MigratorMessage.Native n) {
      return n.appStage().name() + n.migrationStage().map(s -> " (" + s.stage() + ")").orElse("");
    }
    MigratorMessage.Monitor m = (MigratorMessage.Monitor) last;
    return m.running() ? "running" : m.code() + " " + m.status();
  }

  public End end() {
    MigratorMessage last = last();
    if (last instanceof MigratorMessage.Native n) {
      return switch (n.appStage()) {
        case Finished -> End.FINISHED;
        case Failed -> End.FAILED;
        default -> End.NONE;
      };
    }
    MigratorMessage.Monitor m = (MigratorMessage.Monitor) last;
    if (m.running()) {
      return End.NONE;
    }
    return m.exitStatus().isPresent() ? End.EXITED : End.KILLED;
  }

  /** The exit status the messages themselves carry: 0 for a native Finished, N for a monitor exit. */
  public Optional<Integer> exitStatusFromMessages() {
    return switch (end()) {
      case FINISHED -> Optional.of(0);
      case EXITED -> ((MigratorMessage.Monitor) last()).exitStatus();
      default -> Optional.empty();
    };
  }

  /** The schema version the monitor's final message carries, if any. */
  public Optional<String> schemaVersion() {
    return last() instanceof MigratorMessage.Monitor m ? m.schemaVersion() : Optional.empty();
  }

  /** The migration file the run last named (native format: a migrationStage with a file), if any. */
  public Optional<String> lastMigrationFile() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i) instanceof MigratorMessage.Native n) {
        Optional<String> file = n.migrationStage().flatMap(MigratorMessage.MigrationStage::migrationFile);
        if (file.isPresent()) {
          return file;
        }
      }
    }
    return Optional.empty();
  }

  /** A short label for people: "pid 5046 (native)". */
  public String label() {
    return "pid " + pid + " (" + format.name().toLowerCase() + " format)";
  }
}

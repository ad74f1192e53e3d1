package gov.cms.bfd.migrator.operator.diagnose;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A queue message, interpreted: the native format the migrator application sends (facts §2.3), the older
 * format of the migrator-monitor script (facts §3), or anything else, kept verbatim within a bound.
 */
public sealed interface MigratorMessage {

  /** The message's SQS id. */
  String sqsMessageId();

  /** When SQS received it. */
  Instant sentAt();

  /** The application's stages (MigratorProgress.Stage). */
  enum AppStage { Started, Connected, Migrating, Finished, Failed }

  /** {@code {"appStage":"Migrating","messageId":5,"migrationStage":{...},"pid":5046}}. */
  record Native(String sqsMessageId, Instant sentAt, long pid, long messageId, AppStage appStage,
      Optional<MigrationStage> migrationStage) implements MigratorMessage {
    public Native {
      Objects.requireNonNull(sqsMessageId);
      Objects.requireNonNull(sentAt);
      Objects.requireNonNull(appStage);
      Objects.requireNonNull(migrationStage);
    }
  }

  /** Flyway's sub-stage: {@code stage}, and optionally {@code version} and {@code migrationFile}. */
  record MigrationStage(String stage, Optional<String> version, Optional<String> migrationFile) {
    public MigrationStage {
      Objects.requireNonNull(stage);
      Objects.requireNonNull(version);
      Objects.requireNonNull(migrationFile);
    }
  }

  /**
   * {@code {"pid":"4242","start_time":"...","stop_time":"...","code":"exited","status":"2","schema_version":"..."}};
   * all strings. {@code status} is {@code 0/0} (and code {@code (null)}) while the migrator runs.
   */
  record Monitor(String sqsMessageId, Instant sentAt, String pid, Optional<String> startTime,
      Optional<String> stopTime, String code, String status, Optional<String> schemaVersion)
      implements MigratorMessage {
    public Monitor {
      Objects.requireNonNull(sqsMessageId);
      Objects.requireNonNull(sentAt);
      Objects.requireNonNull(pid);
      Objects.requireNonNull(startTime);
      Objects.requireNonNull(stopTime);
      Objects.requireNonNull(code);
      Objects.requireNonNull(status);
      Objects.requireNonNull(schemaVersion);
    }

    /** True while systemd reports the service running ({@code 0/0}). */
    public boolean running() {
      return "0/0".equals(status);
    }

    /** The exit status, when the service exited normally with a numeric status. */
    public Optional<Integer> exitStatus() {
      return "exited".equals(code) && status.matches("[0-9]{1,3}")
          ? Optional.of(Integer.parseInt(status)) : Optional.empty();
    }
  }

  /** Anything else: the body as sent, cut to {@link MessageParser#MAX_RAW_CHARS}, and why it was not understood. */
  record Unrecognized(String sqsMessageId, Instant sentAt, String raw, boolean truncated, String why)
      implements MigratorMessage {
    public Unrecognized {
      Objects.requireNonNull(sqsMessageId);
      Objects.requireNonNull(sentAt);
      Objects.requireNonNull(raw);
      Objects.requireNonNull(why);
    }
  }
}

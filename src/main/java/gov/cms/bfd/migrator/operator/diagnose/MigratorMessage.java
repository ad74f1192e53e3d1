package gov.cms.bfd.migrator.operator.diagnose;

import java.time.Instant;
import gov.cms.bfd.migrator.operator.model.Text;
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

  /**
   * Bounds on what a message's fields may hold in status (bytes of JSON): a message is bounded only by SQS's
   * 256 KiB otherwise, and 20 of them must fit a status of 64 KiB with everything else.
   */
  int MAX_ID_BYTES = 100;
  int MAX_WORD_BYTES = 64;
  int MAX_FILE_BYTES = 256;

  /** {@code {"appStage":"Migrating","messageId":5,"migrationStage":{...},"pid":5046}}. */
  record Native(String sqsMessageId, Instant sentAt, long pid, long messageId, AppStage appStage,
      Optional<MigrationStage> migrationStage) implements MigratorMessage {
    public Native {
      sqsMessageId = Text.bound(Objects.requireNonNull(sqsMessageId), MAX_ID_BYTES);
      Objects.requireNonNull(sentAt);
      Objects.requireNonNull(appStage);
      Objects.requireNonNull(migrationStage);
    }
  }

  /** Flyway's sub-stage: {@code stage}, and optionally {@code version} and {@code migrationFile}. */
  record MigrationStage(String stage, Optional<String> version, Optional<String> migrationFile) {
    public MigrationStage {
      stage = Text.bound(Objects.requireNonNull(stage), MAX_WORD_BYTES);
      version = Objects.requireNonNull(version).map(v -> Text.bound(v, MAX_WORD_BYTES));
      migrationFile = Objects.requireNonNull(migrationFile).map(f -> Text.bound(f, MAX_FILE_BYTES));
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
      sqsMessageId = Text.bound(Objects.requireNonNull(sqsMessageId), MAX_ID_BYTES);
      Objects.requireNonNull(sentAt);
      pid = Text.bound(Objects.requireNonNull(pid), MAX_WORD_BYTES);
      startTime = Objects.requireNonNull(startTime).map(t -> Text.bound(t, MAX_WORD_BYTES));
      stopTime = Objects.requireNonNull(stopTime).map(t -> Text.bound(t, MAX_WORD_BYTES));
      code = Text.bound(Objects.requireNonNull(code), MAX_WORD_BYTES);
      status = Text.bound(Objects.requireNonNull(status), MAX_WORD_BYTES);
      schemaVersion = Objects.requireNonNull(schemaVersion).map(v -> Text.bound(v, MAX_WORD_BYTES));
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

  /** Anything else: the body as sent, cut to {@link MessageParser#MAX_RAW_BYTES}, and why it was not understood. */
  record Unrecognized(String sqsMessageId, Instant sentAt, String raw, boolean truncated, String why)
      implements MigratorMessage {
    public Unrecognized {
      sqsMessageId = Text.bound(Objects.requireNonNull(sqsMessageId), MAX_ID_BYTES);
      Objects.requireNonNull(sentAt);
      Objects.requireNonNull(raw);
      Objects.requireNonNull(why);
    }
  }
}

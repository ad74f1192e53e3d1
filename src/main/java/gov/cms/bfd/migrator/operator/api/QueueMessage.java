package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;

/** One sampled message: its parsed fields, or the raw body (cut to a bound) when unrecognized. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QueueMessage {
  @JsonPropertyDescription("SQS's message id.")
  public String sqsMessageId;
  @JsonPropertyDescription("Native, Monitor or Unrecognized.")
  public MessageFormat format;
  @JsonPropertyDescription("The sending process's pid.")
  public Long pid;
  @JsonPropertyDescription("The native format's per-process counter (orders a run's messages).")
  public Long messageId;
  @JsonPropertyDescription("Native format: Started, Connected, Migrating, Finished or Failed.")
  public String appStage;
  @JsonPropertyDescription("Native format: Flyway's sub-stage.")
  public String migrationStage;
  @JsonPropertyDescription("Native format: the migration's version.")
  public String migrationVersion;
  @JsonPropertyDescription("Native format: the migration file.")
  public String migrationFile;
  @JsonPropertyDescription("Monitor format: start_time, as systemd printed it.")
  public String startTime;
  @JsonPropertyDescription("Monitor format: stop_time, as systemd printed it.")
  public String stopTime;
  @JsonPropertyDescription("Monitor format: code (exited, killed, ...).")
  public String code;
  @JsonPropertyDescription("Monitor format: status (0/0 while running, else the exit status).")
  public String exitStatus;
  @JsonPropertyDescription("Monitor format: schema_version.")
  public String schemaVersion;
  @JsonPropertyDescription("When SQS received it (RFC 3339).")
  public String sentTime;
  @JsonPropertyDescription("The body, cut to a bound, of a message in neither format.")
  public String raw;
  @JsonPropertyDescription("Whether raw was cut.")
  public Boolean truncated;
}

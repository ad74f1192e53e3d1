package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;

/** What is known of the most recent migrator run; absent parts were not observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LastRun {
  @JsonPropertyDescription("The migrator process's pid (the JVM's, or the one systemd reported in the monitor format).")
  public Long pid;
  @JsonPropertyDescription("Its last stage: an appStage (with Flyway's sub-stage), or the monitor's code and status.")
  public String stage;
  @JsonPropertyDescription("Its exit status: 0 success, 1 invalid configuration, 2 migration failed, 3 validation failed, 4 unhandled exception.")
  public Integer exitStatus;
  @JsonPropertyDescription("Where the exit status comes from: SqsMessage, Systemd or Log.")
  public ExitStatusSource exitStatusSource;
  @JsonPropertyDescription("The schema version the monitor format's final message names.")
  public String schemaVersion;
  @JsonPropertyDescription("The instance it ran on.")
  public String instanceId;
  @JsonPropertyDescription("When it started, as its evidence gives it.")
  public String startTime;
  @JsonPropertyDescription("When it last sent a message (RFC 3339).")
  public String lastProgressTime;
  @JsonPropertyDescription("When it stopped, as the monitor format's final message gives it.")
  public String stopTime;
  @JsonPropertyDescription("Native (the application reports) or Monitor (the older migrator-monitor service reports).")
  public MessageFormat messageFormat;
  @JsonPropertyDescription("The migration file a failed run last named (its messages, or the log's Flyway error).")
  public String migrationFile;
}

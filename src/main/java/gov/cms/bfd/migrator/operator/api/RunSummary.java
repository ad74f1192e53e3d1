package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One migrator run as its queue messages tell it: heartbeats and progress folded into counts and the last word. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunSummary {
  @JsonPropertyDescription("Native (the application reports) or Monitor (the older migrator-monitor service reports).")
  public MessageFormat format;
  @JsonPropertyDescription("The run's pid.")
  public String pid;
  @JsonPropertyDescription("How many of its messages were read.")
  public Integer messages;
  @JsonPropertyDescription("When SQS received its first message read (RFC 3339).")
  public String firstSent;
  @JsonPropertyDescription("When SQS received its last message read (RFC 3339).")
  public String lastSent;
  @JsonPropertyDescription("Its last stage: an appStage with Flyway's sub-stage, or the monitor's code and status.")
  public String lastStage;
  @JsonPropertyDescription("The exit status its messages carry, if any.")
  public Integer exitStatus;
  @JsonPropertyDescription("The migration file it last named.")
  public String migrationFile;
}

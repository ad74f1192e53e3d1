package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One sampled message: its parsed fields, or the raw body (cut to a bound) when unrecognized. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QueueMessage {
  public String sqsMessageId;
  public MessageFormat format;
  public Long pid;
  public Long messageId;
  public String appStage;
  public String migrationStage;
  public String migrationVersion;
  public String migrationFile;
  public String startTime;
  public String stopTime;
  public String code;
  public String exitStatus;
  public String schemaVersion;
  public String sentTime;
  public String raw;
  public Boolean truncated;
}

package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What is known of the most recent migrator run; absent parts were not observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LastRun {
  public Long pid;
  public String stage;
  public Integer exitStatus;
  public ExitStatusSource exitStatusSource;
  public String schemaVersion;
  public String instanceId;
  public String startTime;
  public String lastProgressTime;
  public String stopTime;
  public MessageFormat messageFormat;
  public String migrationFile;
}

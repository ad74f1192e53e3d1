package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** What the operator may repair by itself. */
public class RemediationSpec {

  @Default("Auto")
  @JsonPropertyDescription("Auto acts on what is safe, Observe only plans, Approve waits for a person for every action.")
  public RemediationMode mode;

  @Default("true")
  @JsonPropertyDescription("May purge the queue.")
  public Boolean purgeQueue;

  @Default("false")
  @JsonPropertyDescription("May stop the migrator's systemd service through SSM Run Command.")
  public Boolean stopService;

  @Default("false")
  @JsonPropertyDescription("May terminate a migrator instance once its service is confirmed stopped.")
  public Boolean terminateInstance;

  @Default("Approve")
  @JsonPropertyDescription("Approve: purging the evidence of a failed run waits for a person even in Auto mode.")
  public AfterFailure afterFailure;

  @Default("4")
  @Min(0)
  @Max(60)
  @JsonPropertyDescription("At most this many actions per hour per environment (a circuit breaker).")
  public Integer maxActionsPerHour;
}

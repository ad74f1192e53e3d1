package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;

/** A migrator EC2 instance. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstanceStatus {
  @JsonPropertyDescription("The EC2 instance id.")
  public String id;
  @JsonPropertyDescription("Its EC2 state: pending, running, stopping, stopped, shutting-down or terminated.")
  public String state;
  @JsonPropertyDescription("When it launched (RFC 3339).")
  public String launchTime;
}

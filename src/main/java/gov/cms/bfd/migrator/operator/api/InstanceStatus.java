package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A migrator EC2 instance. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstanceStatus {
  public String id;
  public String state;
  public String launchTime;
}

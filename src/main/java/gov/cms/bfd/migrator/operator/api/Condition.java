package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A Kubernetes status condition (the shape of metav1.Condition), each carrying its own observedGeneration. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Condition {
  @Required
  @JsonPropertyDescription("Ready, Reconciling, Stalled, QueueEmpty, InstanceAbsent, MigrationSucceeded, Deployable (Claimed on a MigratorEnvironment).")
  public String type;
  @Required
  @JsonPropertyDescription("True, False or Unknown.")
  public String status;
  @JsonPropertyDescription("The spec generation this condition was set for.")
  public Long observedGeneration;
  @JsonPropertyDescription("When status last changed (RFC 3339).")
  public String lastTransitionTime;
  @Required
  @JsonPropertyDescription("A CamelCase reason a program can match on.")
  public String reason;
  @JsonPropertyDescription("A sentence for a person on call.")
  public String message;
}

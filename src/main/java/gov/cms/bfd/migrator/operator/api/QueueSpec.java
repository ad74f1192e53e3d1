package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;

/** The migrator's SQS queue. */
public class QueueSpec {

  @Default("bfd-${environment}-migrator")
  @Size(min = 1, max = 128)
  @JsonPropertyDescription("The queue name; ${environment} stands for spec.environment.")
  public String name;
}

package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The migrator's SQS queue. */
public class QueueSpec {

  @Default("bfd-${environment}-migrator")
  @Size(min = 1, max = 128)
  @ValidationRule(value = "self.replace('${environment}', 'e').matches('^[A-Za-z0-9_-]+(\\\\.fifo)?$')",
      message = "is not a name SQS accepts: letters, digits, hyphens or underscores, optionally ending in .fifo"
          + " (${environment} stands for the environment name)")
  @ValidationRule(value = "self.indexOf('${environment}') == self.lastIndexOf('${environment}')",
      message = "may hold ${environment} at most once")
  @JsonPropertyDescription("The queue name; ${environment} stands for the environment name.")
  public String name;
}

package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** How the migrator's EC2 instances are found. */
public class InstanceSpec {

  // At least one tag: an empty filter would match every instance in the region.
  @Default("{\"Name\":\"bfd-${environment}-migrator\"}")
  @Size(min = 1, max = 10)
  @ValidationRule(value = "self.all(k, size(k) >= 1 && size(k) <= 128 && size(self[k]) <= 256)",
      message = "tag keys must be 1 to 128 characters and values at most 256, as EC2 allows")
  @ValidationRule(value = "self.all(k, !k.startsWith('aws:'))",
      message = "tag keys starting with aws: are reserved by AWS")
  @JsonPropertyDescription("EC2 tags that all identify a migrator instance; ${environment} stands for the environment name.")
  public Map<String, String> tags;
}

package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The migrator's systemd unit on the instance and its CloudWatch log group. */
public class ServiceSpec {

  @Default("bfd-db-migrator.service")
  @Size(min = 1, max = 256)
  @ValidationRule(value = "self.matches('^[A-Za-z0-9:_.@][A-Za-z0-9:_.@-]*\\\\.service$')",
      message = "must be a systemd service unit name such as bfd-db-migrator.service")
  @JsonPropertyDescription("The systemd unit that runs the migrator.")
  public String unit;

  @Default("/bfd/${environment}/bfd-db-migrator/migrator-log.json")
  @Size(min = 1, max = 600)
  @ValidationRule(value = "self.replace('${environment}', 'e').matches('^[A-Za-z0-9._/#-]+$')",
      message = "must be a CloudWatch Logs group name: letters, digits, '.', '_', '/', '#' or '-'")
  @ValidationRule(value = "self.indexOf('${environment}') == self.lastIndexOf('${environment}')",
      message = "may hold ${environment} at most once")
  @JsonPropertyDescription("The log group holding one stream per instance id; ${environment} stands for the environment name.")
  public String logGroup;
}

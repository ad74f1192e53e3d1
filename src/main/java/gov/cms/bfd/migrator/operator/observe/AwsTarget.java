package gov.cms.bfd.migrator.operator.observe;

import java.util.Objects;
import java.util.Optional;

/** Where AWS calls for one environment go: its region, and the role assumed first, if any. */
public record AwsTarget(String region, Optional<String> roleArn) {
  public AwsTarget {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(roleArn, "roleArn");
  }
}

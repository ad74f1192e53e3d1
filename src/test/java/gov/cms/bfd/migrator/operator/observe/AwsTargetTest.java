package gov.cms.bfd.migrator.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AwsTargetTest {

  private static final Optional<String> ROLE = Optional.of("arn:aws:iam::123456789012:role/bfd-migrator-operator");

  @Test
  void theSessionNameNamesTheResourceSoCloudTrailAttributesEveryCall() {
    assertThat(AwsTarget.of("us-east-1", ROLE, "bfd", "prod").session()).isEqualTo("md.bfd.prod");
  }

  @Test
  void aLongNameIsCutToStsLimitAndStaysDistinct() {
    String a = AwsTarget.of("us-east-1", ROLE, "n".repeat(63), "m".repeat(250) + "a").session();
    String b = AwsTarget.of("us-east-1", ROLE, "n".repeat(63), "m".repeat(250) + "b").session();

    assertThat(a).hasSize(64).matches("[\\w+=,.@-]+");
    assertThat(b).hasSize(64);
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void sharedCallsGoUnderTheOperatorsOwnSession() {
    var target = AwsTarget.of("us-east-1", ROLE, "bfd", "prod");

    assertThat(target.shared()).isEqualTo(new AwsTarget("us-east-1", ROLE));
    assertThat(target.shared().session()).isEqualTo(AwsTarget.SHARED_SESSION);
  }
}

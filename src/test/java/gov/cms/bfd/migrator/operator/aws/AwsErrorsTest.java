package gov.cms.bfd.migrator.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.observe.AwsFailure;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.model.SqsException;
import software.amazon.awssdk.services.ssm.model.InvalidInstanceIdException;

/**
 * Which AWS answers only a person can move on, which a retry can, and which are findings of their own: what real
 * accounts answer and moto never does (an encrypted queue whose key the role may not use, an instance SSM does not
 * manage).
 */
class AwsErrorsTest {

  private static AwsServiceException sqs(String code, int status) {
    return SqsException.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("from AWS").build()).build();
  }

  @Test
  void kmsErrorsBehindTheEncryptedQueueAreAccessDeniedNotAnOutageMotoHasNoKeyOnItsQueues() {
    // SQS's JSON protocol names them Kms*, its query protocol KMS.*Exception.
    for (String code : new String[] {"KmsAccessDenied", "KmsDisabled", "KmsInvalidState", "KmsNotFound",
        "KmsInvalidKeyUsage", "KmsOptInRequired", "KMS.AccessDeniedException", "KMS.DisabledException",
        "KMS.KMSInvalidStateException", "KMS.NotFoundException"}) {
      AwsFailure failure = AwsErrors.failure("sqs", "ReceiveMessage", sqs(code, 400));
      assertThat(failure.kind()).as(code).isEqualTo(AwsFailure.Kind.ACCESS_DENIED);
      assertThat(failure.describe()).as(code).contains(code);
    }
  }

  @Test
  void kmsThrottlingIsRetried() {
    for (String code : new String[] {"KmsThrottled", "KMS.ThrottlingException"}) {
      assertThat(AwsErrors.failure("sqs", "ReceiveMessage", sqs(code, 400)).kind()).as(code)
          .isEqualTo(AwsFailure.Kind.UNAVAILABLE);
    }
  }

  @Test
  void anInstanceSsmDoesNotManageIsItsOwnFindingNotAnOutageMotoAcceptsAnyInstance() {
    var error = InvalidInstanceIdException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
        .errorCode("InvalidInstanceId").errorMessage("Instances [[i-1]] not in a valid state").build()).build();

    AwsFailure failure = AwsErrors.failure("ssm", "SendCommand", error);

    assertThat(failure.kind()).isEqualTo(AwsFailure.Kind.NOT_MANAGED);
    assertThat(failure.describe()).contains("not reachable through SSM");
    assertThat(AwsErrors.outcome(error)).isEqualTo("not_managed");
  }

  @Test
  void throttlingAndServerErrorsAreRetriedAndAccessDeniedIsNot() {
    assertThat(AwsErrors.failure("sqs", "GetQueueAttributes", sqs("ThrottlingException", 400)).kind())
        .isEqualTo(AwsFailure.Kind.UNAVAILABLE);
    assertThat(AwsErrors.failure("sqs", "GetQueueAttributes", sqs("InternalError", 500)).kind())
        .isEqualTo(AwsFailure.Kind.UNAVAILABLE);
    assertThat(AwsErrors.failure("sqs", "GetQueueAttributes", sqs("AccessDenied", 403)).kind())
        .isEqualTo(AwsFailure.Kind.ACCESS_DENIED);
  }
}

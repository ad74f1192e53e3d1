package gov.cms.bfd.migrator.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.MotoServer;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The SDK clients reach the endpoint they are given (moto here) and the region the spec names. */
@ExtendWith(MotoReset.class)
class AwsClientsIT {

  private AwsClients clients;

  @BeforeEach
  void connect() {
    URI moto = TestBed.get().moto().endpoint();
    clients = new AwsClients(MotoServer.clientSettings(moto), List.of());
  }

  @AfterEach
  void close() {
    clients.close();
  }

  @Test
  void queueCreatedInOneRegionIsSeenThereAndNowhereElse() {
    clients.sqs("us-west-2").createQueue(b -> b.queueName("bfd-test-migrator"));

    assertThat(clients.sqs("us-west-2").listQueues().queueUrls()).anyMatch(u -> u.endsWith("/bfd-test-migrator"));
    assertThat(clients.sqs("us-east-1").listQueues().queueUrls()).isEmpty();
  }

  @Test
  void clientsAreReusedPerServiceAndRegion() {
    assertThat(clients.sqs("us-east-1")).isSameAs(clients.sqs("us-east-1"));
    assertThat(clients.sqs("us-east-1")).isNotSameAs(clients.sqs("us-west-2"));
    assertThat(clients.ec2("us-east-1").describeInstances().reservations()).isEmpty();
    assertThat(clients.sts("us-east-1").getCallerIdentity().account()).isNotBlank();
  }

  @Test
  void everyClientSharesTheTimerThreadsInsteadOfStartingFiveOfItsOwn() {
    long sdkTimersBefore = threadsNamed("sdk-ScheduledExecutor");
    for (String region : List.of("us-east-1", "us-west-2")) {
      clients.sqs(region).listQueues();
      clients.ec2(region).describeInstances();
      clients.sts(region).getCallerIdentity();
      clients.ec2Once(new gov.cms.bfd.migrator.operator.observe.AwsTarget(region, java.util.Optional.empty())).describeInstances();
    }

    assertThat(threadsNamed("sdk-ScheduledExecutor")).as("threads of per-client timer pools").isEqualTo(sdkTimersBefore);
    assertThat(threadsNamed("aws-timeouts-")).isPositive();
  }

  private static long threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
  }

  @Test
  void resetForgetsEverythingMotoHolds() {
    clients.sqs("us-west-2").createQueue(b -> b.queueName("bfd-reset-check-migrator"));

    TestBed.get().moto().reset();

    assertThat(clients.sqs("us-west-2").listQueues().queueUrls()).isEmpty();
  }
}

package gov.cms.bfd.migrator.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gov.cms.bfd.migrator.operator.act.RemediationPort.UnansweredException;
import gov.cms.bfd.migrator.operator.observe.AwsCallException;
import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import gov.cms.bfd.migrator.operator.testbed.FaultProxy;
import gov.cms.bfd.migrator.operator.testbed.FaultProxy.Fault;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.MotoServer;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The calls that change something reach AWS once, whatever happens to their answer: no SDK retry after a
 * time-out, a reset connection or a 5xx (AWS may have acted), and no silent re-send of the POST by the HTTP
 * client. Only throttling, which AWS refuses before acting, is retried. A call that got no answer says so
 * ({@link UnansweredException}): the operator then verifies it by observing instead of calling it Failed. A proxy in front of moto injects the
 * faults and counts what reached moto.
 */
@ExtendWith(MotoReset.class)
class RemediationAdapterIT {

  private static final AwsTarget TARGET = new AwsTarget("us-east-1", Optional.empty());
  private FaultProxy proxy;
  private AwsClients clients;
  private RemediationAdapter adapter;
  private String queueUrl;

  @BeforeEach
  void connect() throws Exception {
    proxy = new FaultProxy(TestBed.get().moto().endpoint());
    clients = new AwsClients(MotoServer.clientSettings(proxy.endpoint()), List.of());
    adapter = new RemediationAdapter(clients);
    queueUrl = clients.sqs(TARGET).createQueue(b -> b.queueName("bfd-once-migrator")).queueUrl();
  }

  @AfterEach
  void close() {
    clients.close();
    proxy.close();
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"SLOW", "CONNECTION_RESET"})
  void aPurgeWhoseAnswerIsLostReachesAwsOnce(Fault fault) {
    proxy.start(fault);

    assertThatThrownBy(() -> adapter.purgeQueue(TARGET, queueUrl)).as("AWS may have acted")
        .isInstanceOf(UnansweredException.class);

    assertThat(proxy.destructive()).as("PurgeQueue calls that reached moto").hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"SLOW", "CONNECTION_RESET"})
  void aTerminationAndAStopWhoseAnswersAreLostReachAwsOnce(Fault fault) {
    String instance = clients.ec2(TARGET).runInstances(b -> b.imageId("ami-12c6146b").minCount(1).maxCount(1))
        .instances().get(0).instanceId();
    proxy.start(fault);

    assertThatThrownBy(() -> adapter.terminateInstance(TARGET, instance)).isInstanceOf(UnansweredException.class);
    assertThatThrownBy(() -> adapter.stopService(TARGET, instance, "bfd-db-migrator.service"))
        .isInstanceOf(UnansweredException.class);

    assertThat(proxy.destructive()).extracting(FaultProxy.Forwarded::operation)
        .containsExactly("TerminateInstances", "SendCommand");
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"HTTP_500", "HTTP_503"})
  void aPurgeAnsweredWithAServerErrorIsNotRetried(Fault fault) {
    proxy.start(fault);

    assertThatThrownBy(() -> adapter.purgeQueue(TARGET, queueUrl)).as("an answer, though an error")
        .isInstanceOf(AwsCallException.class).isNotInstanceOf(UnansweredException.class);

    assertThat(proxy.faulted()).containsEntry("PurgeQueue", 1);
  }

  @Test
  void aThrottledPurgeIsRetriedBecauseAwsRefusedItBeforeActing() {
    proxy.start(Fault.THROTTLING);

    assertThatThrownBy(() -> adapter.purgeQueue(TARGET, queueUrl)).isInstanceOf(AwsCallException.class)
        .isNotInstanceOf(UnansweredException.class).hasMessageContaining("ThrottlingException");

    assertThat(proxy.faulted()).containsEntry("PurgeQueue", 3);
    assertThat(proxy.destructive()).isEmpty();
  }

  @Test
  void observationCallsKeepTheSdkRetry() {
    proxy.start(Fault.HTTP_503);

    assertThatThrownBy(() -> clients.sqs(TARGET).getQueueAttributes(b -> b.queueUrl(queueUrl)));

    assertThat(proxy.faulted().get("GetQueueAttributes")).isGreaterThan(1);
  }

}

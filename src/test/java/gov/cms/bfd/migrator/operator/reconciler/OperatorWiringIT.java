package gov.cms.bfd.migrator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.aws.AwsClients;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.TestBedResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The operator under test is wired to the test bed: its Kubernetes client and its AWS clients reach them. */
@QuarkusTest
@WithTestResource(TestBedResource.class)
@ExtendWith(MotoReset.class)
class OperatorWiringIT {

  @Inject
  KubernetesClient client;

  @Inject
  AwsClients aws;

  @Inject
  Operator operator;

  @Inject
  ReconcilePoolInstaller reconcilePool;

  @Test
  void kubernetesClientTalksToTheRealApiServerWithServerSideApplyOn() {
    assertThat(client.getKubernetesVersion().getGitVersion()).isEqualTo("v1.34.4");
    assertThat(client.apiextensions().v1().customResourceDefinitions()
        .withName("migratordeployments.migrator.bfd.cms.gov").get()).isNotNull();
  }

  @Test
  void reconcilesRunOnThePoolThatEndsIdleThreads() {
    // What each controller's event processor takes its executor from when it starts.
    var pool = reconcilePool.pool();
    assertThat(pool).as("ReconcilePool installed (a JOSDK upgrade may have renamed the field)").isPresent();
    assertThat(operator.getRegisteredControllers()).isNotEmpty().allSatisfy(controller ->
        assertThat(controller.getConfiguration().getConfigurationService().getExecutorServiceManager()
            .reconcileExecutorService()).isSameAs(pool.get()));
    assertThat(pool.get().max()).isEqualTo(20);
  }

  @Test
  void awsClientsTalkToMotoInTheRegionAsked() {
    aws.sqs("eu-west-1").createQueue(b -> b.queueName("bfd-wiring-migrator"));

    assertThat(aws.sqs("eu-west-1").getQueueUrl(b -> b.queueName("bfd-wiring-migrator")).queueUrl())
        .contains("bfd-wiring-migrator");
    assertThat(aws.sqs("us-east-1").listQueues().queueUrls()).isEmpty();
  }
}

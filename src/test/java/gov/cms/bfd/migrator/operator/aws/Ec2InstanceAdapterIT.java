package gov.cms.bfd.migrator.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.MotoServer;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * One shared DescribeInstances for a region's whole fleet, within EC2's limit of 200 values per filter. moto does
 * not enforce that limit, so an interceptor refuses what real EC2 refuses ({@code FilterLimitExceeded}).
 */
@ExtendWith(MotoReset.class)
class Ec2InstanceAdapterIT {

  private static final AwsTarget TARGET = new AwsTarget("us-east-1", Optional.empty());

  @Test
  void aFleetOfMoreThan200EnvironmentsIsAskedForIn200ValueChunksMotoDoesNotEnforceTheLimit() {
    var calls = new AtomicInteger();
    ExecutionInterceptor realEc2Limit = new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        if (request instanceof DescribeInstancesRequest describe) {
          calls.incrementAndGet();
          if (describe.filters().stream().anyMatch(f -> f.values().size() > 200)) {
            throw AwsServiceException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("FilterLimitExceeded")
                .errorMessage("The maximum number of filter values specified on a single call is 200").build()).build();
          }
        }
      }
    };
    var clients = new AwsClients(MotoServer.clientSettings(TestBed.get().moto().endpoint()), List.of(realEc2Limit));
    try {
      Set<String> names = IntStream.range(0, 450).mapToObj(i -> String.format("bfd-env%03d-migrator", i))
          .collect(Collectors.toCollection(TreeSet::new));
      var tagged = new ArrayList<String>(List.of("bfd-env000-migrator", "bfd-env199-migrator", "bfd-env200-migrator",
          "bfd-env449-migrator"));
      for (String name : tagged) {
        clients.ec2(TARGET).runInstances(b -> b.imageId("ami-12c6146b").minCount(1).maxCount(1)
            .tagSpecifications(TagSpecification.builder().resourceType("instance")
                .tags(Tag.builder().key("Name").value(name).build()).build()));
      }
      calls.set(0);

      List<Instance> found = new Ec2InstanceAdapter(clients).withTag(TARGET, "Name", names);

      assertThat(found).extracting(i -> i.tags().get("Name")).containsExactlyInAnyOrderElementsOf(tagged);
      assertThat(calls.get()).as("DescribeInstances calls for 450 names").isEqualTo(3);
    } finally {
      clients.close();
    }
  }
}

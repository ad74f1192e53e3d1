package gov.cms.bfd.migrator.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.MotoServer;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
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
 * not enforce that limit, so an interceptor refuses what real EC2 refuses ({@code FilterLimitExceeded}). moto does
 * apply EC2's wildcards in tag filters, as EC2 documents them.
 */
@ExtendWith(MotoReset.class)
class Ec2InstanceAdapterIT {

  private static final AwsTarget TARGET = new AwsTarget("us-east-1", Optional.empty());

  @Test
  void aFleetOfMoreThan200EnvironmentsWithOneNameShapeIsAskedForWithOneWildcardMotoDoesNotEnforceTheLimit() {
    Set<String> names = IntStream.range(0, 450).mapToObj(i -> String.format("bfd-env%03d-migrator", i))
        .collect(Collectors.toCollection(TreeSet::new));
    var tagged = List.of("bfd-env000-migrator", "bfd-env199-migrator", "bfd-env200-migrator", "bfd-env449-migrator");
    // Matches the wildcard but belongs to no environment that asked: not in the answer.
    var foreign = List.of("bfd-env999-migrator");

    var asked = describeAgainstRealLimit(names, tagged, foreign);

    assertThat(asked.found()).extracting(i -> i.tags().get("Name")).containsExactlyInAnyOrderElementsOf(tagged);
    assertThat(asked.calls()).as("DescribeInstances calls for 450 names").isEqualTo(1);
  }

  @Test
  void aFleetOfMoreThan200EnvironmentsWithoutAShapeIsAskedForIn200ValueChunksMotoDoesNotEnforceTheLimit() {
    // No shared prefix (x / y) and no shared suffix (digit / z): no wildcard narrower than "*".
    Set<String> names = IntStream.range(0, 450).mapToObj(i -> i % 2 == 0 ? "x-" + i : "y-" + i + "z")
        .collect(Collectors.toCollection(TreeSet::new));
    var tagged = List.of("x-0", "y-199z", "x-200", "y-449z");

    var asked = describeAgainstRealLimit(names, tagged, List.of("x-9999"));

    assertThat(asked.found()).extracting(i -> i.tags().get("Name")).containsExactlyInAnyOrderElementsOf(tagged);
    assertThat(asked.calls()).as("DescribeInstances calls for 450 names").isEqualTo(3);
  }

  private record Asked(List<Instance> found, int calls) {}

  /** Runs instances named {@code tagged} and {@code foreign}, then asks for {@code names} as real EC2 would allow. */
  private static Asked describeAgainstRealLimit(Set<String> names, List<String> tagged, List<String> foreign) {
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
      for (String name : Stream.concat(tagged.stream(), foreign.stream()).toList()) {
        clients.ec2(TARGET).runInstances(b -> b.imageId("ami-12c6146b").minCount(1).maxCount(1)
            .tagSpecifications(TagSpecification.builder().resourceType("instance")
                .tags(Tag.builder().key("Name").value(name).build()).build()));
      }
      calls.set(0);
      List<Instance> found = new Ec2InstanceAdapter(clients).withTag(TARGET, "Name", names);
      return new Asked(found, calls.get());
    } finally {
      clients.close();
    }
  }
}

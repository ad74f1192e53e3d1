package gov.cms.bfd.migrator.operator.aws;

import static gov.cms.bfd.migrator.operator.aws.AwsErrors.call;

import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.InstancePort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Tag;

/** {@link InstancePort} on EC2: one paged DescribeInstances per query. */
@ApplicationScoped
public class Ec2InstanceAdapter implements InstancePort {

  private static final List<String> NOT_TERMINATED =
      List.of("pending", "running", "stopping", "stopped", "shutting-down");
  private final AwsClients clients;

  public Ec2InstanceAdapter(AwsClients clients) {
    this.clients = clients;
  }

  @Override
  public List<Instance> withTag(AwsTarget target, String key, Set<String> values) {
    return call("ec2", "DescribeInstances", () -> clients.ec2(target)
        .describeInstancesPaginator(b -> b.filters(
            Filter.builder().name("tag:" + key).values(values).build(),
            Filter.builder().name("instance-state-name").values(NOT_TERMINATED).build()))
        .reservations().stream()
        .flatMap(r -> r.instances().stream())
        .map(i -> new Instance(i.instanceId(), Instance.State.fromEc2(i.state().nameAsString()), i.launchTime(),
            i.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> a))))
        .toList());
  }
}

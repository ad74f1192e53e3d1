package gov.cms.bfd.migrator.operator.aws;

import static gov.cms.bfd.migrator.operator.aws.AwsErrors.call;

import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.InstancePort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * {@link InstancePort} on EC2: one paged DescribeInstances per query, or per {@value #MAX_FILTER_VALUES} tag values,
 * since EC2 refuses a filter with more ({@code FilterLimitExceeded}).
 */
@ApplicationScoped
public class Ec2InstanceAdapter implements InstancePort {

  private static final List<String> NOT_TERMINATED =
      List.of("pending", "running", "stopping", "stopped", "shutting-down");
  /** EC2's limit on the values of one filter. */
  static final int MAX_FILTER_VALUES = 200;
  private final AwsClients clients;

  public Ec2InstanceAdapter(AwsClients clients) {
    this.clients = clients;
  }

  @Override
  public List<Instance> withTag(AwsTarget target, String key, Set<String> values) {
    List<String> sorted = new ArrayList<>(new TreeSet<>(values));
    List<Instance> found = new ArrayList<>();
    for (int from = 0; from < sorted.size(); from += MAX_FILTER_VALUES) {
      found.addAll(withTag(target, key, sorted.subList(from, Math.min(sorted.size(), from + MAX_FILTER_VALUES))));
    }
    return List.copyOf(found);
  }

  private List<Instance> withTag(AwsTarget target, String key, List<String> values) {
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

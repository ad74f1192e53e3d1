package gov.cms.bfd.migrator.operator.aws;

import static gov.cms.bfd.migrator.operator.aws.AwsErrors.call;

import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.InstancePort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * {@link InstancePort} on EC2: one paged DescribeInstances per query. EC2 refuses a filter with more than
 * {@value #MAX_FILTER_VALUES} values ({@code FilterLimitExceeded}), so a larger fleet whose tag values share a shape
 * ({@code bfd-*-migrator}) is asked for with one wildcard value and the answer narrowed here to the exact values;
 * one without a shared shape is asked for in chunks of {@value #MAX_FILTER_VALUES}.
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
    List<Instance> found = new ArrayList<>();
    for (List<String> filterValues : filterValues(values)) {
      found.addAll(withTag(target, key, filterValues));
    }
    // A wildcard also finds instances of environments nobody asked for: only the exact values are answered.
    return found.stream().filter(i -> values.contains(i.tags().get(key))).toList();
  }

  /** The filter values of each call: the values themselves, or one wildcard when more than one call would be needed. */
  static List<List<String>> filterValues(Set<String> values) {
    List<String> sorted = new ArrayList<>(new TreeSet<>(values));
    if (sorted.size() > MAX_FILTER_VALUES) {
      Optional<String> shape = sharedShape(sorted);
      if (shape.isPresent()) {
        return List.of(List.of(shape.get()));
      }
    }
    // A tag value is a literal: a '*' or '?' in it must not match other instances' tags (a tag value of "*"
    // would otherwise find every instance of the region).
    List<String> literals = sorted.stream().map(Ec2InstanceAdapter::escape).toList();
    List<List<String>> chunks = new ArrayList<>();
    for (int from = 0; from < literals.size(); from += MAX_FILTER_VALUES) {
      chunks.add(literals.subList(from, Math.min(literals.size(), from + MAX_FILTER_VALUES)));
    }
    return chunks;
  }

  /**
   * {@code prefix*suffix} from the longest prefix and suffix all values share, EC2's wildcard characters escaped;
   * empty when they share neither (a bare {@code *} would list every instance of the region).
   */
  static Optional<String> sharedShape(List<String> values) {
    String first = values.get(0);
    int shortest = values.stream().mapToInt(String::length).min().orElse(0);
    int prefix = 0;
    while (prefix < shortest && allHaveAt(values, first, prefix, false)) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < shortest - prefix && allHaveAt(values, first, suffix, true)) {
      suffix++;
    }
    if (prefix + suffix == 0) {
      return Optional.empty();
    }
    return Optional.of(escape(first.substring(0, prefix)) + "*" + escape(first.substring(first.length() - suffix)));
  }

  /** Whether every value has {@code first}'s character at {@code index}, counted from the start or the end. */
  private static boolean allHaveAt(List<String> values, String first, int index, boolean fromEnd) {
    char c = fromEnd ? first.charAt(first.length() - 1 - index) : first.charAt(index);
    return values.stream().allMatch(v -> (fromEnd ? v.charAt(v.length() - 1 - index) : v.charAt(index)) == c);
  }

  /** EC2 filter values treat {@code *} and {@code ?} as wildcards and {@code \} as their escape. */
  static String escape(String literal) {
    return literal.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?");
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

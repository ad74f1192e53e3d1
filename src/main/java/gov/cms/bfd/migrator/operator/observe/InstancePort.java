package gov.cms.bfd.migrator.operator.observe;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Finds EC2 instances by tag. Throws {@link AwsCallException}. */
public interface InstancePort {

  /**
   * One DescribeInstances (paged) for every instance, in any state but terminated, that carries tag
   * {@code key} with one of {@code values}: the query that serves many environments at once.
   */
  List<Instance> withTag(AwsTarget target, String key, Set<String> values);

  /** Keeps the instances carrying every one of {@code tags}. */
  static List<Instance> matching(List<Instance> instances, Map<String, String> tags) {
    return instances.stream()
        .filter(i -> tags.entrySet().stream().allMatch(t -> t.getValue().equals(i.tags().get(t.getKey()))))
        .toList();
  }
}

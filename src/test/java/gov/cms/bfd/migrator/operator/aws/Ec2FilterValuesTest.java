package gov.cms.bfd.migrator.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How the shared DescribeInstances names a fleet's instances in its tag filter. */
class Ec2FilterValuesTest {

  @Test
  void upTo200ValuesAreAskedForExactly() {
    Set<String> names = names(200, i -> String.format("bfd-env%03d-migrator", i));
    assertThat(Ec2InstanceAdapter.filterValues(names)).containsExactly(List.copyOf(names));
  }

  @Test
  void moreThan200ValuesOfOneShapeAreAskedForWithOneWildcard() {
    assertThat(Ec2InstanceAdapter.filterValues(names(1000, i -> "bfd-bench-" + i + "-migrator")))
        .containsExactly(List.of("bfd-bench-*-migrator"));
  }

  @Test
  void theShapeKeepsPrefixAndSuffixApartWhenTheyCouldOverlap() {
    // "aba" and "abba": prefix "ab", and the suffix may only use what the prefix left of the shortest value.
    assertThat(Ec2InstanceAdapter.sharedShape(List.of("aba", "abba"))).contains("ab*a");
    assertThat(Ec2InstanceAdapter.sharedShape(List.of("same", "same-2"))).contains("same*");
  }

  @Test
  void wildcardCharactersInTheSharedPartAreEscaped() {
    assertThat(Ec2InstanceAdapter.sharedShape(List.of("a*?\\1-x", "a*?\\2-x"))).contains("a\\*\\?\\\\*-x");
  }

  @Test
  void aTagValueIsALiteralSoAStarMatchesOnlyAStar() {
    // A tag value of "*" would otherwise find every instance of the region.
    assertThat(Ec2InstanceAdapter.filterValues(Set.of("*", "bfd-?-migrator", "a\\b")))
        .containsExactly(List.of("\\*", "a\\\\b", "bfd-\\?-migrator"));
  }

  @Test
  void withoutASharedPrefixOrSuffixTheValuesGoIn200ValueChunks() {
    Set<String> names = names(450, i -> i % 2 == 0 ? "x-" + i : "y-" + i + "z");
    assertThat(Ec2InstanceAdapter.sharedShape(List.copyOf(names))).isEqualTo(Optional.empty());
    assertThat(Ec2InstanceAdapter.filterValues(names)).extracting(List::size).containsExactly(200, 200, 50);
  }

  private static Set<String> names(int count, java.util.function.IntFunction<String> name) {
    return IntStream.range(0, count).mapToObj(name).collect(Collectors.toCollection(TreeSet::new));
  }
}

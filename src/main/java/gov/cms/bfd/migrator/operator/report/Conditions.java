package gov.cms.bfd.migrator.operator.report;

import gov.cms.bfd.migrator.operator.api.Condition;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.model.DesiredCondition;
import gov.cms.bfd.migrator.operator.model.Text;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Turns desired conditions into status conditions, keeping lastTransitionTime unless a status flips. */
public final class Conditions {

  /** A condition's message is a sentence or two for a person on call; what it quotes (AWS errors) is cut to fit. */
  static final int MAX_MESSAGE_BYTES = 768;

  private Conditions() {}

  /**
   * The new condition list: one per desired type, in {@link ConditionTypes#ALL} order, each stamped with
   * {@code generation}; {@code lastTransitionTime} is the prior one when the status did not change, else
   * {@code now} (to the second, as metav1.Time keeps it).
   */
  public static List<Condition> merge(List<Condition> prior, List<DesiredCondition> desired, long generation,
      Instant now) {
    Map<String, Condition> before = (prior == null ? List.<Condition>of() : prior).stream()
        .filter(c -> c != null && c.type != null)
        .collect(Collectors.toMap(c -> c.type, Function.identity(), (a, b) -> a));
    String stamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
    List<Condition> merged = new ArrayList<>();
    for (DesiredCondition want : desired) {
      Condition old = before.get(want.type());
      Condition next = new Condition();
      next.type = want.type();
      next.status = want.status().name();
      next.reason = want.reason();
      next.message = want.message().isBlank() ? null : Text.bound(want.message(), MAX_MESSAGE_BYTES);
      next.observedGeneration = generation;
      next.lastTransitionTime = old != null && next.status.equals(old.status) && old.lastTransitionTime != null
          ? old.lastTransitionTime : stamp;
      merged.add(next);
    }
    merged.sort(Comparator.comparingInt(c -> order(c.type)));
    return List.copyOf(merged);
  }

  /** The condition of that type, if present. */
  public static java.util.Optional<Condition> find(List<Condition> conditions, String type) {
    return (conditions == null ? List.<Condition>of() : conditions).stream()
        .filter(c -> type.equals(c.type)).findFirst();
  }

  private static int order(String type) {
    int index = ConditionTypes.ALL.indexOf(type);
    return index < 0 ? Integer.MAX_VALUE : index;
  }
}

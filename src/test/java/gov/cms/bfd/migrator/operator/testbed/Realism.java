package gov.cms.bfd.migrator.operator.testbed;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the realism layer in front of the test bed's moto plays (hack/moto_realism.py): the behaviours of a real AWS
 * account that moto lacks (DESIGN.md §3, §5), and the timings the tests run them at. Every integration test runs with
 * them, every behaviour on by default; this class is the one place that says which are on.
 *
 * <p>{@code -Drealism=...} on the Maven command line overrides the default for a run: {@code none} plays plain moto,
 * and a comma list as {@code moto_server_guarded.py --realism} reads it ({@code default,-approximateCountsLag}:
 * all but one; {@code none,+shortPollsReturnASubset}: only one) starts from the default.
 * {@code -Drealism.settings=countsLagSeconds=10,...} overrides timings.
 */
public final class Realism {

  public static final String SHORT_POLLS_RETURN_A_SUBSET = "shortPollsReturnASubset";
  public static final String APPROXIMATE_COUNTS_LAG = "approximateCountsLag";
  public static final String RECEIVES_RAISE_THE_RECEIVE_COUNT = "receivesRaiseTheReceiveCount";
  public static final String PURGE_DELETES_WHAT_ARRIVES_WITHIN_SIXTY_SECONDS = "purgeDeletesWhatArrivesWithinSixtySeconds";
  public static final String PURGE_TAKES_UP_TO_SIXTY_SECONDS = "purgeTakesUpToSixtySeconds";
  public static final String SEND_COMMAND_TO_AN_UNMANAGED_INSTANCE_IS_INVALID_INSTANCE_ID =
      "sendCommandToAnUnmanagedInstanceIsInvalidInstanceId";
  public static final String INVOCATION_DOES_NOT_EXIST_FOR_A_WHILE = "invocationDoesNotExistForAWhile";
  public static final String RUN_COMMAND_RUNS_ON_THE_INSTANCE = "runCommandRunsOnTheInstance";
  public static final String LOG_PAGES_CAN_BE_EMPTY_WITH_A_TOKEN = "logPagesCanBeEmptyWithAToken";
  public static final String EC2_REFUSES_MORE_THAN_200_FILTER_VALUES = "ec2RefusesMoreThan200FilterValues";

  public static final List<String> BEHAVIOURS = List.of(SHORT_POLLS_RETURN_A_SUBSET, APPROXIMATE_COUNTS_LAG,
      RECEIVES_RAISE_THE_RECEIVE_COUNT, PURGE_DELETES_WHAT_ARRIVES_WITHIN_SIXTY_SECONDS, PURGE_TAKES_UP_TO_SIXTY_SECONDS,
      SEND_COMMAND_TO_AN_UNMANAGED_INSTANCE_IS_INVALID_INSTANCE_ID, INVOCATION_DOES_NOT_EXIST_FOR_A_WHILE,
      RUN_COMMAND_RUNS_ON_THE_INSTANCE, LOG_PAGES_CAN_BE_EMPTY_WITH_A_TOKEN, EC2_REFUSES_MORE_THAN_200_FILTER_VALUES);

  /**
   * Real AWS's timings (a 60 s purge window, counts up to a minute old, ...) scaled to the tests' poll intervals of
   * 1 to 2 s, so that a test waits seconds, not minutes. The names are the layer's settings.
   */
  public static final Map<String, String> TEST_TIMINGS = timings();

  private Realism() {}

  private static Map<String, String> timings() {
    Map<String, String> timings = new LinkedHashMap<>();
    timings.put("countsLagSeconds", "3");
    timings.put("purgeWindowSeconds", "5");
    timings.put("invocationDoesNotExistSeconds", "1");
    return timings;
  }

  /** The behaviours as the layer's --realism option reads them, from {@code -Drealism} or the default. */
  static String behaviourSpec() {
    String asked = System.getProperty("realism", "default").trim();
    String byDefault = "all";
    return Arrays.stream(asked.split(",")).map(String::trim).filter(t -> !t.isEmpty())
        .map(t -> t.equals("default") ? byDefault : t).collect(Collectors.joining(","));
  }

  /** Whether the test bed's moto plays {@code behaviour} in this run: the spec read as the layer reads it. */
  public static boolean on(String behaviour) {
    boolean on = true;
    for (String token : behaviourSpec().split(",")) {
      String t = token.trim();
      if (t.equals("all") || t.equals("on")) {
        on = true;
      } else if (t.equals("none") || t.equals("off")) {
        on = false;
      } else if (t.replaceFirst("^[+-]", "").equals(behaviour)) {
        on = !t.startsWith("-");
      }
    }
    return on;
  }

  /** The settings as the layer's --realism-settings option reads them: the test timings, then {@code -Drealism.settings}. */
  static String settingsSpec() {
    Map<String, String> settings = new LinkedHashMap<>(TEST_TIMINGS);
    String asked = System.getProperty("realism.settings", "");
    for (String pair : asked.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
    }
    return settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
  }
}

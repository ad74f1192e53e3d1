package gov.cms.bfd.migrator.operator.testbed;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the realism layer in front of the test bed's moto plays (hack/moto_realism.py): the behaviours of a real AWS
 * account that moto lacks (DESIGN.md §3, §5), and the timings the tests run them at. Every integration test runs with
 * them; this class is the one place that says which are on.
 *
 * <p>{@code -Drealism=...} on the Maven command line overrides the default for a run: {@code all} switches every
 * behaviour on (what the operator still breaks), {@code none} plays plain moto, and a comma list as
 * {@code moto_server_guarded.py --realism} reads it ({@code default,+purgeTakesUpToSixtySeconds}) starts from the
 * default. {@code -Drealism.settings=countsLagSeconds=10,...} overrides timings.
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
   * Off in the default test configuration until the operator follows the rule of DESIGN.md §3 that each plays
   * (issue 12, the operator's side): behaviour, and the tests that fail with it on and why. Switch one on here
   * (delete its line) once the operator survives it; {@code -Drealism=all} runs them all now.
   */
  public static final Map<String, String> WAITING_FOR_THE_OPERATOR = waiting();

  /**
   * Real AWS's timings (a 60 s purge window, counts up to a minute old, ...) scaled to the tests' poll intervals of
   * 1 to 2 s, so that a test waits seconds, not minutes. The names are the layer's settings.
   */
  public static final Map<String, String> TEST_TIMINGS = timings();

  private Realism() {}

  private static Map<String, String> waiting() {
    Map<String, String> waiting = new LinkedHashMap<>();
    waiting.put(SHORT_POLLS_RETURN_A_SUBSET, "the operator reads a bounded short-poll sample as the whole queue (DESIGN §3: "
        + "browse the whole queue before a purge, fingerprint runs not samples). FaultMatrixProcessIT: an approved purge "
        + "of a failed run went through with no evidence in status.history and lastRun.exitStatus null (the sample had "
        + "missed the Failed message: S2/S10), and recovery/verification past their bounds; "
        + "ActIT.stopServiceMotoCannotConfirmIsInconclusiveAndThePurgeWaits and "
        + "RestartProcessIT.killedAfterTheStopCommandWasSentSendsNoSecondOne: an empty sample while the counts say 1 "
        + "turns the stalled run into one in progress, so the plan is empty; "
        + "ObserveDiagnoseIT.migrationInProgress: status rewritten on an unchanged migration as the sample changes");
    waiting.put(APPROXIMATE_COUNTS_LAG, "the operator reports the lagging counts as they come and trusts them to judge "
        + "a purge (DESIGN §3: counts lag up to a minute). ObserveDiagnoseIT.migrationInProgress: status rewritten on "
        + "an unchanged migration as status.queue.visible flickers; FaultMatrixProcessIT: a purge verified after 6.5 s, "
        + "past the 6 s bound, while the counts still showed the purged message; with purgeTakesUpToSixtySeconds also "
        + "on, the purges of RestartProcessIT.killedAfterTheCallAndBeforeTheOutcomeRepeatsNothing, "
        + "ApiServerRestartProcessIT.theOperatorRidesOutAnApiServerRestartAndRepeatsNoAction and "
        + "LeaderElectionProcessIT are recorded Inconclusive (next entry)");
    waiting.put(PURGE_TAKES_UP_TO_SIXTY_SECONDS, "the operator judges a purge as soon as it looks again (DESIGN §3: a "
        + "purge is verified only after its 60 s window). FaultMatrixProcessIT: purges verified after 6.1 to 7.2 s, "
        + "past the 6 s bound, as the purged messages could still be received; with approximateCountsLag also on, a "
        + "restarted or new leader verifies a recorded intent at once, sees the purged messages still counted and "
        + "records the purge that ran Inconclusive (RestartProcessIT.killedAfterTheCallAndBeforeTheOutcomeRepeatsNothing, "
        + "ApiServerRestartProcessIT.theOperatorRidesOutAnApiServerRestartAndRepeatsNoAction, LeaderElectionProcessIT)");
    return waiting;
  }

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
    String byDefault = "all" + WAITING_FOR_THE_OPERATOR.keySet().stream().map(b -> ",-" + b).collect(Collectors.joining());
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

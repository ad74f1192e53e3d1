package gov.cms.bfd.migrator.operator.faults;

import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.monitorMessage;
import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMessage;
import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMigrating;
import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionState;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.Condition;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.HistoryEntry;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.api.RemediationSpec;
import gov.cms.bfd.migrator.operator.plan.Approval;
import gov.cms.bfd.migrator.operator.testbed.FaultProxy;
import gov.cms.bfd.migrator.operator.testbed.FaultProxy.Fault;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.OperatorProcess;
import gov.cms.bfd.migrator.operator.testbed.Scenario;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fault matrix: every AWS fault of {@link Fault}, injected by a proxy between the packaged operator and
 * moto, crossed with three scenarios that run side by side under it:
 * <ul>
 *   <li>a leftover success message in Auto mode: the fault starts with the operator's PurgeQueue call itself;
 *   <li>a failed run (monitor exit 2) awaiting approval: approved while faulted;
 *   <li>a migration in progress (instance running, progress messages, stop and terminate enabled): a progress
 *       message arrives while faulted.
 * </ul>
 * For every cell: no destructive call reaches moto twice (the proxy counts PurgeQueue, TerminateInstances and
 * SendCommand per target) and none that is not allowed; no evidence message lost; never Deployable=True while
 * the queue holds messages or an instance runs (checked on every version a watch delivers, against moto);
 * the observed conditions Unknown with reason AwsUnavailable or AccessDenied on every version while faulted;
 * and after the fault clears, the conditions from before the fault again or the action completed (the purge
 * reached AWS), within two poll intervals, and the action verified (Deployable=True) within AWS's purge window and
 * the lag of SQS's counts (at the tests' timing) and two more active polls. The matrix and its totals are printed at
 * the end; `acted` is when the purge reached moto, relative to the fault clearing (negative: AWS acted while faulted and the answer was lost).
 */
@ExtendWith(MotoReset.class)
class FaultMatrixProcessIT {

  private static final String NAMESPACE = "faults";
  private static final Duration POLL = Duration.ofSeconds(2);
  private static final Duration ACTIVE_POLL = Duration.ofSeconds(1);
  /** Recovery must come within two poll intervals of the fault clearing. */
  private static final Duration RECOVERY_BOUND = POLL.multipliedBy(2);
  /**
   * A purge is verified once AWS's purge window is over (at the tests' timing) and SQS's counts show the queue empty:
   * the purge deletes its messages at moments up to the window's end, and the counts may tell of a moment up to
   * their lag before (the realism layer does both, as AWS does; the operator waits for counts of zero rather than
   * guess). Then at the next reconcile, an active poll later, a 1-second long poll confirms the queue empty before the
   * gate opens.
   */
  private static final Duration VERIFIED_BOUND = RECOVERY_BOUND.plus(OperatorProcess.PURGE_WINDOW)
      .plus(OperatorProcess.COUNTS_LAG).plus(ACTIVE_POLL.multipliedBy(2));
  /** The test bed's admin (its client certificate's CN), who approves here. */
  private static final String ADMIN = "kubeapitest";
  private static final List<String> OBSERVED = List.of(ConditionTypes.QUEUE_EMPTY, ConditionTypes.INSTANCE_ABSENT,
      ConditionTypes.MIGRATION_SUCCEEDED, ConditionTypes.DEPLOYABLE);
  private static final String VERSION = "20240528145630581";
  private static final String FILE = "V20240528145630581__Add_column.sql";

  private static final List<Cell> MATRIX = new CopyOnWriteArrayList<>();
  private static final Map<String, Cell> CURRENT = new ConcurrentHashMap<>();
  private static long started;
  private static FaultProxy proxy;
  private static OperatorProcess operator;
  private static KubernetesClient client;

  @BeforeAll
  static void startOperatorBehindTheProxy() throws Exception {
    started = System.nanoTime();
    var bed = TestBed.get();
    client = bed.client();
    proxy = new FaultProxy(bed.moto().endpoint());
    operator = OperatorProcess.start(bed, proxy.endpoint(), "faults");
  }

  @AfterAll
  static void printMatrix() throws Exception {
    try {
      print();
    } finally {
      if (operator != null) {
        operator.close();
      }
      if (proxy != null) {
        proxy.close();
      }
      if (client != null) {
        client.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Fault.class)
  void faultAcrossScenarios(Fault fault) throws Exception {
    var leftover = new Cell(fault, Kind.LEFTOVER_AUTO, new Scenario(client, NAMESPACE, "fl", fault.name()));
    var failed = new Cell(fault, Kind.FAILED_AWAITING_APPROVAL, new Scenario(client, NAMESPACE, "ff", fault.name()));
    var running = new Cell(fault, Kind.IN_PROGRESS, new Scenario(client, NAMESPACE, "fr", fault.name()));
    List<Cell> row = List.of(leftover, failed, running);
    MATRIX.addAll(row);
    CURRENT.clear();
    row.forEach(c -> CURRENT.put(c.env(), c));
    long rowStarted = System.nanoTime();
    try (var log = new StatusLog(client, NAMESPACE, (version, l) -> {
      Cell cell = CURRENT.get(version.name());
      if (cell != null) {
        cell.checkDeployGate(version);
      }
    })) {
      run(fault, leftover, failed, running, log);
    } catch (AssertionError | RuntimeException e) {
      row.stream().filter(c -> c.failures.isEmpty()).forEach(c -> c.failures.add("row stopped: " + e.getMessage()));
      throw e;
    } finally {
      proxy.clear();
      CURRENT.clear();
      row.forEach(c -> c.rowSeconds = (System.nanoTime() - rowStarted) / 1e9);
      row.forEach(c -> c.scenario.close());
    }
    assertThat(row.stream().flatMap(c -> c.failures.stream().map(f -> c.kind.label + ": " + f)).toList())
        .as("invariants broken under " + fault.label()).isEmpty();
  }

  private void run(Fault fault, Cell leftover, Cell failed, Cell running, StatusLog log) throws Exception {
    Instant begin = Instant.now();
    leftover.sim().createQueue();
    leftover.sim().send(nativeMessage(5046, 14, "Finished"));
    failed.sim().createQueue();
    failed.sim().send(monitorMessage("4242", "exited", "2", "10020"));
    running.sim().createQueue();
    running.instance = running.sim().launchInstance();
    running.sim().send(nativeMessage(8001, 1, "Started"));
    running.sim().send(nativeMigrating(8001, 2, "BeforeFile", VERSION, FILE));

    // Before the fault: the failed run waits for a person, the migration is followed.
    failed.scenario.create(spec(failed, r -> { }));
    running.scenario.create(spec(running, r -> {
      r.stopService = true; // enabled, so that a misjudged run would be acted on and counted
      r.terminateInstance = true;
    }));
    var failedBefore = log.await(failed.env(), begin, Duration.ofSeconds(60), v -> v.resource().getStatus() != null
        && v.resource().getStatus().planFingerprint != null && v.resource().getStatus().plannedActions != null
        && v.resource().getStatus().plannedActions.stream().anyMatch(a -> a.state == ActionState.AwaitingApproval));
    String fingerprint = failedBefore.resource().getStatus().planFingerprint;
    var runningBefore = log.await(running.env(), begin, Duration.ofSeconds(60),
        v -> v.is(ConditionTypes.INSTANCE_ABSENT, "False") && reason(v, ConditionTypes.INSTANCE_ABSENT)
            .equals(Reasons.MIGRATION_IN_PROGRESS));
    running.before = conditions(runningBefore);
    failed.before = conditions(failedBefore);

    // The fault starts with the leftover's purge: the destructive call meets it first, then every call.
    proxy.arm(fault, "PurgeQueue");
    leftover.scenario.create(spec(leftover, r -> { }));
    Instant faultStart = awaitFaultStart();
    String reason = fault == Fault.ACCESS_DENIED ? Reasons.ACCESS_DENIED : Reasons.AWS_UNAVAILABLE;
    Duration unknownWithin = fault == Fault.SLOW ? Duration.ofSeconds(150) : Duration.ofSeconds(40);
    for (Cell cell : List.of(leftover, failed, running)) {
      cell.firstUnknown = cell.check("conditions Unknown (" + reason + ") while faulted", () ->
          log.await(cell.env(), faultStart, unknownWithin, v -> allUnknown(v, reason)));
      cell.firstUnknown.ifPresent(v -> cell.unknownAfter = seconds(faultStart, v.at()));
    }

    // While faulted: a person approves the failed run's plan; the migration sends progress.
    Instant approvedAt = approve(failed.env(), fingerprint);
    running.sim().send(nativeMigrating(8001, 3, "AfterFile", VERSION, FILE));
    Map<String, Double> reconciled = reconciles();
    long holdUntil = System.nanoTime() + POLL.multipliedBy(2).toNanos();
    long deadline = System.nanoTime() + (fault == Fault.SLOW ? Duration.ofSeconds(150) : Duration.ofSeconds(40)).toNanos();
    // Held until every environment was reconciled again under the fault (the approval's own reconcile included).
    while (System.nanoTime() < holdUntil || !reconciledAgain(reconciled)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the operator did not reconcile every environment again while faulted: " + reconciles());
      }
      Thread.sleep(200);
    }
    Instant cleared = proxy.clear();
    leftover.faultedSeconds = seconds(faultStart, cleared);
    failed.faultedSeconds = leftover.faultedSeconds;
    running.faultedSeconds = leftover.faultedSeconds;
    failed.approvedWhileFaulted = approvedAt.isBefore(cleared);

    // Recovery: the action completed (and verified), or the conditions from before the fault.
    Duration measureFor = Duration.ofSeconds(60);
    for (Cell cell : List.of(leftover, failed)) {
      cell.check("purge verified and Deployable=True after the fault", () -> log.await(cell.env(), cleared, measureFor,
          v -> v.is(ConditionTypes.DEPLOYABLE, "True") && history(v).stream()
              .anyMatch(h -> h.action == ActionType.PurgeQueue && h.outcome == ActionOutcome.Succeeded)))
          .ifPresent(v -> cell.verified = seconds(cleared, v.at()));
      cell.acted = purges(cell).stream().findFirst().map(p -> seconds(cleared, p.at()));
      // Recovered when the action completed: the purge reached AWS after the fault, or, if AWS acted on it while
      // faulted (its answer lost), when the operator verified it.
      cell.recovered = cell.acted.filter(a -> a >= 0).orElse(cell.verified);
    }
    running.check("the conditions from before the fault again", () -> log.await(running.env(), cleared, measureFor,
        v -> conditions(v).equals(running.before))).ifPresent(v -> running.recovered = seconds(cleared, v.at()));
    running.verified = running.recovered;
    // The progress sent while faulted is seen once AWS answers again (it comes with the next reconcile).
    running.check("the progress sent while faulted is read", () -> log.await(running.env(), cleared, measureFor,
        v -> Scenario.messagesOfRun(v.resource(), "8001") == 3));

    for (Cell cell : List.of(leftover, failed, running)) {
      verify(cell, log, cleared, reason);
    }
  }

  /** The invariants of one cell, once its recovery is over. */
  private void verify(Cell cell, StatusLog log, Instant cleared, String reason) {
    List<StatusLog.Version> versions = log.of(cell.env());
    MigratorDeployment last = versions.get(versions.size() - 1).resource();
    List<HistoryEntry> history = last.getStatus().history == null ? List.of() : last.getStatus().history;

    // Every version while faulted said Unknown: from the first Unknown until the fault cleared.
    cell.firstUnknown.ifPresent(first -> versions.stream()
        .filter(v -> !v.at().isBefore(first.at()) && v.at().isBefore(cleared))
        .forEach(v -> cell.verify(allUnknown(v, reason), "a version while faulted was not Unknown/" + reason + ": "
            + StatusLog.describe(v.resource()))));

    List<FaultProxy.Forwarded> purges = purges(cell);
    List<FaultProxy.Forwarded> others = proxy.destructive().stream().filter(f -> !f.operation().equals("PurgeQueue"))
        .filter(f -> f.body().contains(cell.env()) || (cell.instance != null && f.body().contains(cell.instance))).toList();
    cell.purgesAtMoto = purges.size();
    cell.otherActionsAtMoto = others.size();
    cell.verify(others.isEmpty(), "TerminateInstances/SendCommand reached moto: " + others);
    long recordedPurges = history.stream().filter(h -> h.action == ActionType.PurgeQueue && h.outcome != ActionOutcome.Failed)
        .count();
    cell.history = history.stream().map(h -> h.action + ":" + h.outcome).collect(Collectors.joining(","));
    switch (cell.kind) {
      case LEFTOVER_AUTO, FAILED_AWAITING_APPROVAL -> {
        cell.verify(purges.size() == 1, "PurgeQueue reached moto " + purges.size() + " times, not once");
        cell.verify(recordedPurges == 1, "history records " + recordedPurges + " purges that were not Failed: " + cell.history);
        // A Failed entry is only right for a call AWS never acted on.
        long failedEntries = history.stream().filter(h -> h.outcome == ActionOutcome.Failed).count();
        cell.verify(failedEntries == 0 || !cell.fault.forwards(), "a purge AWS acted on is recorded Failed: " + cell.history);
        cell.verify(cell.sim().peekBodies().isEmpty(), "the queue still holds messages after recovery");
        String[] evidence = cell.kind == Kind.LEFTOVER_AUTO ? new String[] {"pid 5046", "Finished"}
            : new String[] {"monitor pid 4242", "status 2"};
        boolean kept = history.stream().filter(h -> h.action == ActionType.PurgeQueue && h.outcome == ActionOutcome.Succeeded)
            .anyMatch(h -> h.evidence != null && h.evidence.stream().anyMatch(e -> e.contains(evidence[0]) && e.contains(evidence[1])));
        cell.verify(kept, "the purged message's evidence is not in status.history: " + cell.history);
        Integer exit = last.getStatus().lastRun == null ? null : last.getStatus().lastRun.exitStatus;
        cell.verify(exit != null && exit == (cell.kind == Kind.LEFTOVER_AUTO ? 0 : 2), "lastRun.exitStatus is " + exit);
        if (cell.kind == Kind.FAILED_AWAITING_APPROVAL) {
          cell.verify(purges.stream().allMatch(p -> p.at().isAfter(cleared)), "the approved purge ran while faulted");
          cell.verify(history.stream().filter(h -> h.outcome == ActionOutcome.Succeeded).allMatch(h -> ADMIN.equals(h.approvedBy)),
              "the purge does not name its approver: " + cell.history);
        }
      }
      case IN_PROGRESS -> {
        cell.verify(purges.isEmpty(), "a running migration's queue was purged " + purges.size() + " time(s)");
        cell.verify(history.isEmpty(), "actions on a running migration: " + cell.history);
        cell.verify(cell.sim().peekBodies().size() == 3, "the queue holds " + cell.sim().peekBodies().size()
            + " of the 3 progress messages");
      }
    }
    cell.verify(cell.recovered != null && cell.recovered <= RECOVERY_BOUND.toMillis() / 1000.0,
        "recovered " + (cell.recovered == null ? "never" : String.format("after %.1f s", cell.recovered))
            + ", beyond two poll intervals (" + RECOVERY_BOUND.toSeconds() + " s)");
    cell.verify(cell.verified != null && cell.verified <= VERIFIED_BOUND.toMillis() / 1000.0,
        "verified " + (cell.verified == null ? "never" : String.format("after %.1f s", cell.verified))
            + ", beyond two poll intervals, the purge window, the counts' lag and two active polls ("
            + VERIFIED_BOUND.toSeconds() + " s)");
  }

  // ---- the scenarios ----------------------------------------------------------------------------------

  enum Kind {
    LEFTOVER_AUTO("leftover success, Auto"),
    FAILED_AWAITING_APPROVAL("failed run, approved while faulted"),
    IN_PROGRESS("migration in progress");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** One cell of the matrix: a fault and a scenario, and what was measured and checked. */
  static final class Cell {
    final Fault fault;
    final Kind kind;
    final Scenario scenario;
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger checks = new AtomicInteger();
    final AtomicInteger versions = new AtomicInteger();
    volatile String instance;
    Map<String, String> before;
    Optional<StatusLog.Version> firstUnknown = Optional.empty();
    Double unknownAfter;
    Double recovered;
    Double verified;
    Optional<Double> acted = Optional.empty();
    double faultedSeconds;
    double rowSeconds;
    boolean approvedWhileFaulted;
    int purgesAtMoto;
    int otherActionsAtMoto;
    String history = "";

    Cell(Fault fault, Kind kind, Scenario scenario) {
      this.fault = fault;
      this.kind = kind;
      this.scenario = scenario;
    }

    String env() {
      return scenario.env();
    }

    gov.cms.bfd.migrator.operator.sim.MigratorSimulator sim() {
      return scenario.sim();
    }

    /** Deployable=True only when moto agrees: the queue empty and no instance running. */
    void checkDeployGate(StatusLog.Version version) {
      versions.incrementAndGet();
      checks.incrementAndGet();
      if (!version.is(ConditionTypes.DEPLOYABLE, "True")) {
        return;
      }
      if (kind == Kind.IN_PROGRESS) {
        failures.add("Deployable=True while instance " + instance + " runs: " + StatusLog.describe(version.resource()));
        return;
      }
      int held = sim().peekBodies().size();
      if (held > 0) {
        failures.add("Deployable=True while the queue holds " + held + " message(s)");
      }
    }

    void verify(boolean holds, String what) {
      checks.incrementAndGet();
      if (!holds) {
        failures.add(what);
      }
    }

    <T> Optional<T> check(String what, java.util.concurrent.Callable<T> step) {
      checks.incrementAndGet();
      try {
        return Optional.of(step.call());
      } catch (AssertionError | Exception e) {
        failures.add(what + ": " + e.getMessage());
        return Optional.empty();
      }
    }
  }

  private static MigratorDeploymentSpec spec(Cell cell, Consumer<RemediationSpec> remediation) {
    var spec = cell.scenario.spec();
    assertThat(spec.timing.pollInterval).isEqualTo(POLL.toSeconds() + "s");
    assertThat(spec.timing.activePollInterval).isEqualTo(ACTIVE_POLL.toSeconds() + "s");
    spec.remediation = new RemediationSpec();
    remediation.accept(spec.remediation);
    return spec;
  }

  private static Instant awaitFaultStart() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (proxy.activeSince().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the operator never called PurgeQueue for the leftover success message");
      }
      Thread.sleep(50);
    }
    return proxy.activeSince().get();
  }

  /**
   * Approves as `kubectl annotate` does: a merge patch of the annotations, with no resourceVersion, so a status the
   * operator wrote meanwhile does not make it fail with 409 (an edit of the whole object would).
   */
  private static Instant approve(String env, String fingerprint) {
    client.resources(MigratorDeployment.class).inNamespace(NAMESPACE).withName(env)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"" + Approval.APPROVE + "\":\""
            + fingerprint + "\",\"" + Approval.APPROVED_BY + "\":\"" + ADMIN + "\"}}}");
    return Instant.now();
  }

  private static List<FaultProxy.Forwarded> purges(Cell cell) {
    String queue = cell.sim().queueName();
    return proxy.destructive().stream().filter(f -> f.operation().equals("PurgeQueue") && f.body().contains(queue + "\""))
        .toList();
  }

  private static boolean allUnknown(StatusLog.Version v, String reason) {
    return OBSERVED.stream().allMatch(type -> v.condition(type)
        .filter(c -> "Unknown".equals(c.status) && reason.equals(c.reason)).isPresent());
  }

  private static String reason(StatusLog.Version v, String type) {
    return v.condition(type).map(c -> c.reason).orElse("");
  }

  private static Map<String, String> conditions(StatusLog.Version v) {
    Map<String, String> byType = new TreeMap<>();
    if (v.resource().getStatus() != null && v.resource().getStatus().conditions != null) {
      for (Condition c : v.resource().getStatus().conditions) {
        byType.put(c.type, c.status + "/" + c.reason);
      }
    }
    return byType;
  }

  private static List<HistoryEntry> history(StatusLog.Version v) {
    return v.resource().getStatus() == null || v.resource().getStatus().history == null ? List.of()
        : v.resource().getStatus().history;
  }

  /** Reconciles so far per environment of the current row, from the operator's own counter. */
  private static Map<String, Double> reconciles() throws IOException, InterruptedException {
    String metrics = operator.get("/q/metrics").body();
    Map<String, Double> counts = new TreeMap<>();
    for (String env : CURRENT.keySet()) {
      Matcher m = Pattern.compile("^migrator_reconciles_total\\{[^}]*name=\"" + Pattern.quote(env) + "\"[^}]*} (\\S+)$",
          Pattern.MULTILINE).matcher(metrics);
      counts.put(env, m.find() ? Double.parseDouble(m.group(1)) : 0.0);
    }
    return counts;
  }

  private static boolean reconciledAgain(Map<String, Double> before) throws IOException, InterruptedException {
    Map<String, Double> now = reconciles();
    return before.entrySet().stream().allMatch(e -> now.getOrDefault(e.getKey(), 0.0) >= e.getValue() + 1);
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }

  private static String operatorCalls() {
    try {
      String metrics = operator.get("/q/metrics").body();
      Map<String, Double> byOperation = new TreeMap<>();
      Matcher m = Pattern.compile("^migrator_aws_calls_total\\{([^}]*)} (\\S+)$", Pattern.MULTILINE).matcher(metrics);
      while (m.find()) {
        Matcher op = Pattern.compile("operation=\"(PurgeQueue|TerminateInstances|SendCommand)\"").matcher(m.group(1));
        Matcher outcome = Pattern.compile("outcome=\"([^\"]+)\"").matcher(m.group(1));
        if (op.find() && outcome.find()) {
          byOperation.merge(op.group(1) + "/" + outcome.group(1), Double.parseDouble(m.group(2)), Double::sum);
        }
      }
      return byOperation.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().intValue())
          .collect(Collectors.joining(", "));
    } catch (IOException | InterruptedException e) {
      return "(metrics not read: " + e.getMessage() + ")";
    }
  }

  private static void print() {
    if (MATRIX.isEmpty()) {
      return;
    }
    String format = "%-20s | %-34s | %8s | %9s | %9s | %8s | %8s | %-38s | %5s | %s%n";
    StringBuilder out = new StringBuilder("\nFault matrix: AWS faults between the packaged operator and moto "
        + "(pollInterval " + POLL.toSeconds() + "s, activePollInterval " + ACTIVE_POLL.toSeconds() + "s)\n");
    out.append(String.format(format, "fault", "scenario", "faulted", "Unknown", "recovered", "verified", "acted",
        "history (newest first)", "purge", "result"));
    out.append(String.format(format, "", "", "for (s)", "after (s)", "after (s)", "after (s)", "(s)", "", "@moto", ""));
    int checks = 0;
    int passed = 0;
    int versions = 0;
    Cell worst = null;
    Cell worstVerified = null;
    for (Cell c : MATRIX) {
      checks += c.checks.get();
      versions += c.versions.get();
      passed += c.failures.isEmpty() ? 1 : 0;
      if (c.recovered != null && (worst == null || c.recovered > worst.recovered)) {
        worst = c;
      }
      if (c.verified != null && (worstVerified == null || c.verified > worstVerified.verified)) {
        worstVerified = c;
      }
      out.append(String.format(format, c.fault.label(), c.kind.label, String.format("%.1f", c.faultedSeconds),
          c.unknownAfter == null ? "-" : String.format("%.1f", c.unknownAfter),
          c.recovered == null ? "never" : String.format("%.1f", c.recovered),
          c.verified == null ? "never" : String.format("%.1f", c.verified),
          c.acted.map(a -> String.format("%+.1f", a)).orElse("-"), c.history.isEmpty() ? "-" : c.history,
          c.purgesAtMoto + (c.otherActionsAtMoto > 0 ? "+" + c.otherActionsAtMoto : ""),
          c.failures.isEmpty() ? "PASS" : "FAIL: " + String.join("; ", c.failures)));
    }
    out.append(String.format("Totals: %d cells (%d faults x 3 scenarios), %d passed, %d failed; %d invariant checks "
            + "(%d resource versions watched, each checked against moto); worst recovery %s (bound %d s); "
            + "worst verification %s (bound %d s); "
            + "faulted calls %d, calls forwarded to moto %d; operator's destructive calls: %s; elapsed %.0f s%n",
        MATRIX.size(), MATRIX.size() / 3, passed, MATRIX.size() - passed, checks, versions,
        worst == null ? "none" : String.format("%.1f s (%s, %s)", worst.recovered, worst.fault.label(), worst.kind.label),
        RECOVERY_BOUND.toSeconds(), worstVerified == null ? "none" : String.format("%.1f s (%s, %s)", worstVerified.verified,
            worstVerified.fault.label(), worstVerified.kind.label), VERIFIED_BOUND.toSeconds(),
        proxy.faultedTotal(), proxy.forwardedTotal(), operatorCalls(), (System.nanoTime() - started) / 1e9));
    System.out.print(out);
  }
}

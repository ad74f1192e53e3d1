package gov.cms.bfd.migrator.operator.plugin;

import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.monitorMessage;
import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMessage;
import static gov.cms.bfd.migrator.operator.testbed.ConditionAssert.has;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionState;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.Scenario;
import gov.cms.bfd.migrator.operator.testbed.ShiftableClock;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import gov.cms.bfd.migrator.operator.testbed.TestBedResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * plugin/kubectl-migrator run as a person runs it (a process, with kubectl and the test bed's kubeconfig) against
 * the real API server, with the operator running and the approval policy and approver role installed.
 */
@QuarkusTest
@WithTestResource(TestBedResource.class)
@ExtendWith(MotoReset.class)
class KubectlPluginIT {

  private static final String NAMESPACE = "plugin";
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final String APPROVE = MigratorDeployment.APPROVE_ANNOTATION;
  private static final String APPROVED_BY = MigratorDeployment.APPROVED_BY_ANNOTATION;
  private static final String SUSPENDED_BY = "migrator.bfd.cms.gov/suspended-by";
  private static final String SUSPEND_REASON = "migrator.bfd.cms.gov/suspend-reason";
  private static final String RESUMED_BY = "migrator.bfd.cms.gov/resumed-by";
  /** Who the test bed's kubeconfig is (kubectl auth whoami). */
  private static String adminUser;

  @Inject
  KubernetesClient client;

  @Inject
  ShiftableClock clock;

  private final List<Scenario> scenarios = new ArrayList<>();
  private String testName;

  /** What a real install has (the test bed installs the policy and the role): alice bound to the approver role. */
  @BeforeAll
  static void bindApprover() {
    var bed = TestBed.get();
    try (var admin = bed.client(); var alice = bed.as("alice")) {
      admin.namespaces().resource(new NamespaceBuilder()
          .withNewMetadata().withName(NAMESPACE).endMetadata().build()).serverSideApply();
      bed.bind(NAMESPACE, "migrator-approver", "alice");
      await("the approval policy denies a forged approval").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100)).until(() -> forgedApprovalIsDenied(admin));
      await("alice's RoleBinding is in effect").atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> alice.resources(MigratorDeployment.class).inNamespace(NAMESPACE).list() != null);
    }
    adminUser = run(Map.of(), bed.kubectl().toString(), "--kubeconfig", bed.kubeconfigFile().toString(), "auth", "whoami",
        "-o", "jsonpath={.status.userInfo.username}").out();
  }

  @BeforeEach
  void name(TestInfo test) {
    testName = test.getDisplayName();
  }

  @AfterEach
  void tearDown() {
    scenarios.forEach(Scenario::close);
    clock.reset();
  }

  @Test
  void statusIsATableOfEveryEnvironmentInTheNamespaceOrInAll() {
    var clean = clean("c");
    var failed = failedAwaitingApproval("f");
    var running = running("r");

    var result = plugin("-n", NAMESPACE, "status");

    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.lines().get(0).split(" {2,}")).containsExactly("NAMESPACE", "NAME", "ENVIRONMENT", "DEPLOYABLE",
        "FAILURE MODE", "PLANNED ACTIONS", "LAST ACTION");
    assertThat(row(result, clean.env())).containsExactly(NAMESPACE, clean.env(), clean.env(), "True", "None", "-", "-");
    assertThat(row(result, failed.env())).containsExactly(NAMESPACE, failed.env(), failed.env(),
        "False (QueueHasMessages)", "MigrationFailed", "PurgeQueue: AwaitingApproval", "-");
    assertThat(row(result, running.env())).containsExactly(NAMESPACE, running.env(), running.env(),
        "False (QueueHasMessages)", "None (MigrationInProgress)", "-", "-");

    var everywhere = plugin("status", "-A");
    assertThat(everywhere.exit()).as(everywhere.toString()).isZero();
    assertThat(row(everywhere, clean.env())).startsWith(NAMESPACE, clean.env());
    assertThat(row(everywhere, failed.env())).startsWith(NAMESPACE, failed.env());

    var empty = plugin("-n", "default", "status");
    assertThat(empty.exit()).isZero();
    assertThat(empty.out()).isEqualTo("No MigratorDeployments in namespace default.\n");
  }

  @Test
  void anApproverApprovesWithThePluginAndTheActionRunsInTheirName() {
    var failed = failedAwaitingApproval("f");
    String fingerprint = failed.get().getStatus().planFingerprint;

    var result = plugin("--as", "alice", "--namespace=" + NAMESPACE, "approve", failed.env());

    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.out()).contains("Approved plan " + fingerprint + " of md/" + failed.env() + " in namespace "
        + NAMESPACE + " as alice").contains("PurgeQueue: AwaitingApproval");
    failed.awaitPurgePending(WAIT);
    clock.shift(Duration.ofSeconds(61)); // past AWS's 60-second purge window, without waiting a minute
    var md = failed.awaitStatus(WAIT, m -> m.getStatus().history != null
        && m.getStatus().history.get(0).outcome == ActionOutcome.Succeeded);
    assertThat(md.getMetadata().getAnnotations()).containsEntry(APPROVE, fingerprint).containsEntry(APPROVED_BY, "alice");
    var entry = md.getStatus().history.get(0);
    assertThat(entry.approvedBy).isEqualTo("alice");
    assertThat(entry.planFingerprint).isEqualTo(fingerprint);
    assertThat(failed.sim().peekBodies()).isEmpty();
    assertThat(row(plugin("-n", NAMESPACE, "status"), failed.env()).get(6))
        .startsWith("PurgeQueue Succeeded (approved by alice) ").endsWith("Z");
  }

  @Test
  void approveWithNothingAwaitingApprovalChangesNothingAndFails() {
    var clean = clean("c");

    var result = plugin("--as", "alice", "-n", NAMESPACE, "approve", clean.env());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).contains("md/" + clean.env() + " has no plan awaiting approval; nothing was changed.")
        .contains("Planned actions now: none.");
    assertThat(clean.get().getMetadata().getAnnotations()).doesNotContainKeys(APPROVE, APPROVED_BY);
  }

  @Test
  void approveWhileTheOnlyActionIsBlockedSaysWhyAndFails() {
    // The failed run's instance still runs, its service never seen stopped: that blocks the purge. (An instance
    // launched after the run's last message would be a new run in progress, with nothing planned at all.)
    var failed = scenario("f");
    failed.sim().createQueue();
    failed.sim().launchInstance();
    failed.sim().send(monitorMessage("4242", "exited", "2", "10020"));
    failed.create(failed.spec());
    failed.awaitStatus(WAIT, m -> m.getStatus() != null && m.getStatus().plannedActions != null
        && m.getStatus().plannedActions.stream().noneMatch(a -> a.state == ActionState.AwaitingApproval)
        && m.getStatus().plannedActions.stream().anyMatch(a -> a.state == ActionState.Blocked));

    var result = plugin("--as", "alice", "-n", NAMESPACE, "approve", failed.env());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).contains("has no plan awaiting approval").contains("PurgeQueue: Blocked (instance i-");
    assertThat(failed.get().getMetadata().getAnnotations()).doesNotContainKeys(APPROVE, APPROVED_BY);
  }

  @Test
  void someoneWhoMayNotApproveGetsTheApiServersAnswer() {
    var failed = failedAwaitingApproval("f");

    var result = plugin("--as", "bob", "-n", NAMESPACE, "approve", failed.env());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).contains("User \"bob\" cannot get resource \"migratordeployments\"")
        .contains("kubectl migrator: cannot read MigratorDeployment " + failed.env() + " in namespace " + NAMESPACE);
    assertThat(failed.get().getMetadata().getAnnotations()).doesNotContainKeys(APPROVE, APPROVED_BY);
  }

  @Test
  void suspendAndResumeSetTheSpecAndRecordWhoAndWhyAndTheStatusFollows() {
    var failed = failedAwaitingApproval("f");

    var suspended = plugin("-n", NAMESPACE, "suspend", failed.env(), "--reason", "INC-42: \"restoring\" the database");

    assertThat(suspended.exit()).as(suspended.toString()).isZero();
    assertThat(suspended.out()).contains("md/" + failed.env() + " suspended by " + adminUser)
        .contains("INC-42: \"restoring\" the database");
    var md = failed.get();
    assertThat(md.getSpec().suspend).isTrue();
    assertThat(md.getMetadata().getAnnotations()).containsEntry(SUSPENDED_BY, adminUser)
        .containsEntry(SUSPEND_REASON, "INC-42: \"restoring\" the database").doesNotContainKey(RESUMED_BY);
    failed.awaitStatus(WAIT, m -> has(m, ConditionTypes.READY, "False", Reasons.SUSPENDED));
    assertThat(row(plugin("-n", NAMESPACE, "status"), failed.env()).subList(3, 6))
        .containsExactly("Unknown (Suspended)", "-", "-");

    var again = plugin("-n", NAMESPACE, "suspend", failed.env(), "--reason=twice");
    assertThat(again.exit()).as(again.toString()).isZero();
    assertThat(again.out()).contains("already suspended (by " + adminUser + ": INC-42").contains("nothing was changed");
    assertThat(failed.get().getMetadata().getAnnotations()).containsEntry(SUSPEND_REASON, "INC-42: \"restoring\" the database");

    var resumed = plugin("-n", NAMESPACE, "--as", "alice", "resume", failed.env());

    assertThat(resumed.exit()).as(resumed.toString()).isZero();
    assertThat(resumed.out()).contains("md/" + failed.env() + " resumed by alice (suspended by " + adminUser);
    md = failed.get();
    assertThat(md.getSpec().suspend).isFalse();
    assertThat(md.getMetadata().getAnnotations()).containsEntry(RESUMED_BY, "alice")
        .doesNotContainKeys(SUSPENDED_BY, SUSPEND_REASON);
    failed.awaitStatus(WAIT, m -> has(m, ConditionTypes.READY, "False", "MigrationFailed"));
    assertThat(row(plugin("-n", NAMESPACE, "status"), failed.env()).subList(3, 6))
        .containsExactly("False (QueueHasMessages)", "MigrationFailed", "PurgeQueue: AwaitingApproval");
  }

  @Test
  void resumeOfARunningEnvironmentSaysSoAndChangesNothing() {
    var clean = clean("c");
    String version = clean.get().getMetadata().getResourceVersion();

    var result = plugin("-n", NAMESPACE, "resume", clean.env());

    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.out()).contains("md/" + clean.env() + " is not suspended").contains("nothing was changed");
    assertThat(clean.get().getMetadata().getResourceVersion()).isEqualTo(version);
  }

  @Test
  void waitReturnsOnceDeployable() {
    var clean = clean("c");

    var result = plugin("-n", NAMESPACE, "wait", clean.env(), "--timeout=30s");

    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.out()).startsWith("md/" + clean.env() + " in namespace " + NAMESPACE + " is deployable: ");
  }

  /** A failed run awaiting approval: exit 4, with the reason, the failure mode, the plan and the numbered next steps. */
  @Test
  void waitTimesOutSayingWhyAndWhatAPersonMustDo() {
    var failed = failedAwaitingApproval("f");
    var runbook = failed.get().getStatus().runbook;

    var result = plugin("-n", NAMESPACE, "wait", failed.env(), "--timeout", "3s");

    assertThat(result.exit()).as(result.toString()).isEqualTo(4);
    assertThat(result.err()).contains("md/" + failed.env() + " in namespace " + NAMESPACE + " is not deployable after 3s.")
        .contains("Deployable: False (QueueHasMessages)")
        .contains("Failure mode: MigrationFailed")
        .contains("Runbook: " + runbook.section)
        .contains("PurgeQueue ").contains("(AwaitingApproval)")
        .contains("Next steps:\n  1. " + runbook.nextSteps.get(0))
        .contains("A person must act (exit status 4)");
  }

  @Test
  void waitWhileAMigrationRunsTimesOutAsStillInProgress() {
    var running = running("r");

    var result = plugin("-n", NAMESPACE, "wait", running.env(), "--timeout=2s");

    assertThat(result.exit()).as(result.toString()).isEqualTo(3);
    assertThat(result.err()).contains("Reconciling: True (MigrationInProgress)")
        .contains("The operator is still at work (exit status 3)");
  }

  @Test
  void waitOfAMissingResourceFailsAtOnce() {
    var result = plugin("-n", NAMESPACE, "wait", "no-such-environment", "--timeout=1m");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).contains("not found");
  }

  @Test
  void evidenceShowsTheLastRunTheQueueThePlanAndTheHistory() {
    var failed = failedAwaitingApproval("f");
    var fingerprint = failed.get().getStatus().planFingerprint;
    // SQS's approximate counts lag (up to a minute in AWS): the status shows them once they have caught up.
    failed.awaitStatus(WAIT, m -> m.getStatus().queue != null && Long.valueOf(1).equals(m.getStatus().queue.visible));

    var before = plugin("-n", NAMESPACE, "evidence", failed.env());

    assertThat(before.exit()).as(before.toString()).isZero();
    assertThat(before.out()).contains("md/" + failed.env() + " in namespace " + NAMESPACE + ", environment " + failed.env())
        .contains("Failure mode: MigrationFailed")
        .contains("Last run:\n  instance (unknown), pid 4242")
        .contains("exit status 2 (from SqsMessage), schema version 10020")
        .contains("Queue: http").contains("1 visible")
        .contains("[Monitor] pid 4242").contains("status 2")
        .contains("Planned actions: (plan " + fingerprint + ")\n  PurgeQueue ")
        .contains(": AwaitingApproval")
        .contains("History (newest first): none");

    plugin("--as", "alice", "-n", NAMESPACE, "approve", failed.env());
    failed.awaitPurgePending(WAIT);
    clock.shift(Duration.ofSeconds(61)); // past AWS's 60-second purge window, without waiting a minute
    var md = failed.awaitStatus(WAIT, m -> m.getStatus().history != null
        && m.getStatus().history.get(0).outcome == ActionOutcome.Succeeded);
    var entry = md.getStatus().history.get(0);
    var after = plugin("-n", NAMESPACE, "evidence", failed.env());

    assertThat(after.out()).contains("History (newest first):\n  " + entry.time + " PurgeQueue " + entry.target
        + ": Succeeded (approved by alice) plan " + fingerprint);
    for (String evidence : entry.evidence) {
      assertThat(after.out()).contains("    evidence: " + evidence);
    }
  }

  @Test
  void versionNamesThePluginTheCrdAndTheOperator() throws IOException {
    String pomVersion = java.nio.file.Files.readAllLines(TestBed.get().projectRoot().resolve("pom.xml")).stream()
        .filter(l -> l.matches("^  <version>.*</version>$")).findFirst().orElseThrow()
        .replaceAll("^  <version>(.*)</version>$", "$1");

    var client = plugin("version", "--client");
    var server = plugin("version");

    assertThat(client.out()).isEqualTo("kubectl-migrator " + pomVersion + "\n");
    assertThat(server.exit()).as(server.toString()).isZero();
    assertThat(server.lines()).containsExactly("kubectl-migrator " + pomVersion,
        "CRD migratordeployments.migrator.bfd.cms.gov: served v1alpha1 (stored)",
        "Operator: no deployment labelled app.kubernetes.io/name=migrator-operator");
  }

  /** Not a fixed list: whatever `kubectl options` lists, with its value as the next word or after =. */
  @Test
  void anyGlobalKubectlFlagIsPassedThrough() throws IOException {
    var cache = java.nio.file.Files.createTempDirectory("kubectl-cache-");
    var clean = clean("c");

    var result = plugin("--cache-dir", cache.toString(), "--warnings-as-errors", "--match-server-version",
        "-v", "0", "--request-timeout=20s", "--namespace", NAMESPACE, "--disable-compression", "status");

    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(row(result, clean.env())).startsWith(NAMESPACE, clean.env());
    var unknown = plugin("--cache-dir", cache.toString(), "--no-such-flag", "x", "status");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown flag --no-such-flag");
  }

  /** kubectl's own completion of `kubectl migrator ...` runs kubectl_complete-migrator, which asks the plugin. */
  @Test
  void kubectlCompletesCommandsAndNamesThroughTheCompletionHelper() {
    var clean = clean("c");
    var bed = TestBed.get();
    String path = bed.projectRoot().resolve("plugin") + ":" + bed.kubectl().getParent() + ":" + System.getenv("PATH");

    var env = Map.of("PATH", path, "KUBECONFIG", bed.kubeconfigFile().toString());

    var commands = run(env, bed.kubectl().toString(), "__complete", "migrator", "");
    var names = run(env, bed.kubectl().toString(), "__complete", "migrator", "-n", NAMESPACE, "wait", "");

    assertThat(commands.lines()).contains("status", "wait", "evidence", "approve", "suspend", "resume", "version",
        "completion");
    assertThat(names.lines()).contains(clean.env());
    var bash = plugin("completion", "bash");
    assertThat(bash.out()).contains("complete -F _kubectl_migrator kubectl-migrator");
    assertThat(run(Map.of(), "bash", "-n", "-c", bash.out()).exit()).isZero();
    assertThat(plugin("completion", "zsh").out()).startsWith("#compdef kubectl-migrator");
  }

  @Test
  void runbookPrintsTheSectionAndTheNumberedNextSteps() {
    var failed = failedAwaitingApproval("f");
    var runbook = failed.get().getStatus().runbook;

    var result = plugin("-n", NAMESPACE, "runbook", failed.env());

    assertThat(result.exit()).as(result.toString()).isZero();
    List<String> expected = new ArrayList<>(List.of("Failure mode: MigrationFailed", "Runbook section: " + runbook.section,
        "URL: " + runbook.url, "Next steps:"));
    for (int i = 0; i < runbook.nextSteps.size(); i++) {
      expected.add("  " + (i + 1) + ". " + runbook.nextSteps.get(i));
    }
    assertThat(runbook.section).isEqualTo("Migration Failed (2)");
    assertThat(runbook.nextSteps).hasSizeGreaterThan(1);
    assertThat(result.lines()).containsExactlyElementsOf(expected);
  }

  @Test
  void badInvocationsFailWithAClearMessage() {
    var unknown = plugin("-n", NAMESPACE, "frobnicate");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown command 'frobnicate' (commands: status, wait, evidence, runbook, approve,"
        + " suspend, resume, version, completion, help)");

    var noName = plugin("-n", NAMESPACE, "approve");
    assertThat(noName.exit()).isEqualTo(2);
    assertThat(noName.err()).contains("approve needs the name of a MigratorDeployment");

    var missing = plugin("-n", NAMESPACE, "runbook", "no-such-environment");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("\"no-such-environment\" not found")
        .contains("cannot read MigratorDeployment no-such-environment in namespace " + NAMESPACE);

    var noReason = plugin("-n", NAMESPACE, "suspend", "no-such-environment");
    assertThat(noReason.exit()).isEqualTo(2);
    assertThat(noReason.err()).contains("suspend needs a reason");

    var badTimeout = plugin("-n", NAMESPACE, "wait", "x", "--timeout=soon");
    assertThat(badTimeout.exit()).isEqualTo(2);
    assertThat(badTimeout.err()).contains("--timeout=soon is not a duration");

    var missingSuspend = plugin("-n", NAMESPACE, "suspend", "no-such-environment", "--reason", "test");
    assertThat(missingSuspend.exit()).isEqualTo(1);
    assertThat(missingSuspend.err()).contains("not found");

    var flag = plugin("--frob", "status");
    assertThat(flag.exit()).isEqualTo(2);
    assertThat(flag.err()).contains("unknown flag --frob");

    var help = plugin("help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("Usage: kubectl migrator [kubectl flags] <command> [name]")
        .contains("approve <name>").contains("runbook <name>");
  }

  // ---- environments -------------------------------------------------------------------------------------

  private Scenario scenario(String prefix) {
    var scenario = new Scenario(client, NAMESPACE, prefix, testName);
    scenarios.add(scenario);
    return scenario;
  }

  /** An empty queue, no instance: deployable. */
  private Scenario clean(String prefix) {
    var scenario = scenario(prefix);
    scenario.sim().createQueue();
    scenario.create(scenario.spec());
    scenario.awaitStatus(WAIT, m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
    return scenario;
  }

  /** A migrator that has just started on its instance: followed, left alone. */
  private Scenario running(String prefix) {
    var scenario = scenario(prefix);
    scenario.sim().createQueue();
    scenario.sim().launchInstance();
    scenario.sim().send(nativeMessage(7001, 1, "Started"));
    scenario.create(scenario.spec());
    scenario.awaitStatus(WAIT, m -> has(m, ConditionTypes.RECONCILING, "True", Reasons.MIGRATION_IN_PROGRESS));
    return scenario;
  }

  /** The monitor's exit-2 message left in the queue: the purge waits for a person (afterFailure: Approve). */
  private Scenario failedAwaitingApproval(String prefix) {
    var scenario = scenario(prefix);
    scenario.sim().createQueue();
    scenario.sim().send(monitorMessage("4242", "exited", "2", "10020"));
    scenario.create(scenario.spec());
    scenario.awaitStatus(WAIT, m -> m.getStatus() != null && m.getStatus().plannedActions != null
        && m.getStatus().plannedActions.get(0).state == ActionState.AwaitingApproval);
    return scenario;
  }

  // ---- running the plugin -------------------------------------------------------------------------------

  record Result(int exit, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }

    @Override
    public String toString() {
      return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  /** The status table's row for a name, as cells (the table pads with at least three spaces; cells hold at most one). */
  private static List<String> row(Result result, String name) {
    return result.lines().stream().map(l -> Arrays.asList(l.split(" {2,}"))).filter(cells -> cells.size() > 1
        && cells.get(1).equals(name)).findFirst().orElseThrow(() -> new AssertionError("no row for " + name + " in\n" + result));
  }

  /** plugin/kubectl-migrator with the test bed's kubeconfig and kubectl; nothing from the user's environment. */
  private static Result plugin(String... args) {
    var bed = TestBed.get();
    List<String> command = new ArrayList<>(List.of(bed.projectRoot().resolve("plugin/kubectl-migrator").toString(),
        "--kubeconfig", bed.kubeconfigFile().toString()));
    command.addAll(List.of(args));
    return run(Map.of("KUBECTL", bed.kubectl().toString()), command.toArray(String[]::new));
  }

  /** A command with the test bed's HOME (no ~/.kube of the user) and no KUBE* variables, plus {@code env}. */
  private static Result run(Map<String, String> env, String... command) {
    var bed = TestBed.get();
    var builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("KUBE"));
    builder.environment().put("HOME", bed.kubeconfigFile().getParent().toString()); // no ~/.kube of the user
    builder.environment().putAll(env);
    Process process = null;
    try {
      process = builder.start();
      process.getOutputStream().close();
      var out = read(process.getInputStream());
      var err = read(process.getErrorStream());
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError(String.join(" ", command) + " did not end within 60 s");
      }
      return new Result(process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (process != null) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    }
  }

  private static CompletableFuture<String> read(InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try (stream) {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** Whether the admin's dry-run create of an approval in another's name is refused by the policy. */
  private static boolean forgedApprovalIsDenied(KubernetesClient admin) {
    var probe = new MigratorDeployment();
    probe.setMetadata(new ObjectMetaBuilder().withName("policy-probe")
        .withNamespace(NAMESPACE).withAnnotations(Map.of(APPROVE, "0", APPROVED_BY, "nobody")).build());
    probe.setSpec(new MigratorDeploymentSpec());
    probe.getSpec().environment = "policy-probe";
    try {
      admin.resource(probe).dryRun().create();
      return false;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 422 && e.getStatus().getMessage().contains(APPROVED_BY)) {
        return true;
      }
      throw e;
    }
  }
}

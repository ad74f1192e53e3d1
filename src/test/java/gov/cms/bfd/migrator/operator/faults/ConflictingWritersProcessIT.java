package gov.cms.bfd.migrator.operator.faults;

import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.monitorMessage;
import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMessage;
import static gov.cms.bfd.migrator.operator.testbed.ConditionAssert.has;
import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionState;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.HistoryEntry;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.api.RemediationSpec;
import gov.cms.bfd.migrator.operator.plan.Approval;
import gov.cms.bfd.migrator.operator.testbed.FaultProxy;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.OperatorProcess;
import gov.cms.bfd.migrator.operator.testbed.Scenario;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Other clients write the resources while the operator acts on them: one patches labels and annotations, one
 * patches the status subresource, both several times a second. Every such write moves the resourceVersion, so
 * the operator's intent write (a status patch with the resourceVersion it read as a precondition) meets 409
 * Conflict: the action does not run, and JOSDK reconciles again from a fresh read. Asserted: conflicts did
 * happen, and still every action reached AWS once and is recorded once, and each environment ends deployable.
 */
@ExtendWith(MotoReset.class)
class ConflictingWritersProcessIT {

  private static final String NAMESPACE = "conflicts";
  private static final String ADMIN = "kubeapitest";
  private static final Duration CHURN = Duration.ofSeconds(20);
  private static final Duration WRITE_EVERY = Duration.ofMillis(100);

  private KubernetesClient client;
  private FaultProxy aws;
  private Scenario leftover;
  private Scenario failed;
  private Scenario lingering;

  @BeforeEach
  void setUp() throws Exception {
    client = TestBed.get().client();
    aws = new FaultProxy(TestBed.get().moto().endpoint()); // no fault: it counts the destructive calls
    leftover = new Scenario(client, NAMESPACE, "cl", "conflicts");
    failed = new Scenario(client, NAMESPACE, "cf", "conflicts");
    lingering = new Scenario(client, NAMESPACE, "ci", "conflicts");
  }

  @AfterEach
  void tearDown() {
    List.of(leftover, failed, lingering).forEach(Scenario::close);
    aws.close();
    client.close();
  }

  @Test
  void writersRacingTheOperatorCauseConflictsButNoActionTwice() throws Exception {
    leftover.sim().createQueue();
    leftover.sim().send(nativeMessage(5046, 14, "Finished"));
    failed.sim().createQueue();
    failed.sim().send(monitorMessage("4242", "exited", "2", "10020"));
    lingering.sim().createQueue();
    String instance = lingering.sim().launchInstance();
    lingering.sim().send(nativeMessage(5050, 14, "Finished"));
    lingering.sim().stopInstance(instance);

    try (var operator = OperatorProcess.start(TestBed.get(), aws.endpoint(), "conflicts")) {
      var stop = new AtomicBoolean();
      var labelWrites = new AtomicInteger();
      var statusWrites = new AtomicInteger();
      List<String> names = List.of(leftover.env(), failed.env(), lingering.env());
      Thread labels = writer("label-writer", stop, () -> names.forEach(name -> patch(name, labelWrites, false)));
      Thread status = writer("status-writer", stop, () -> names.forEach(name -> patch(name, statusWrites, true)));
      long churnStarted = System.nanoTime();
      labels.start();
      status.start();
      try {
        leftover.create(spec(leftover, r -> { }));
        failed.create(spec(failed, r -> { }));
        lingering.create(spec(lingering, r -> r.terminateInstance = true));
        var awaiting = failed.awaitStatus(CHURN, m -> m.getStatus() != null && m.getStatus().planFingerprint != null
            && m.getStatus().plannedActions != null
            && m.getStatus().plannedActions.stream().anyMatch(a -> a.state == ActionState.AwaitingApproval));
        approve(failed.env(), awaiting.getStatus().planFingerprint);
        Thread.sleep(Math.max(0, CHURN.toMillis() - (System.nanoTime() - churnStarted) / 1_000_000));
      } finally {
        stop.set(true);
        labels.join();
        status.join();
      }
      int actionsDuringChurn = aws.destructive().size();

      var done = List.of(leftover, failed, lingering).stream().map(s -> s.awaitStatus(Duration.ofSeconds(90), m -> has(m,
          ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY) && m.getStatus().history != null
          && m.getStatus().history.stream().noneMatch(h -> h.outcome == ActionOutcome.Pending))).toList();
      // The API server's answer to a write whose resourceVersion precondition failed (409).
      List<String> conflictLines = operator.log().lines().filter(l -> l.contains("Operation cannot be fulfilled")).toList();
      long conflicts = conflictLines.size();
      conflictLines.stream().findFirst().ifPresent(l -> System.out.println("first conflict: " + l));
      System.out.printf("concurrent writers: %d label/annotation and %d status patches in %d s; %d conflict lines in the "
              + "operator's log; destructive calls at moto: %d during the churn, %d in all%n", labelWrites.get(),
          statusWrites.get(), CHURN.toSeconds(), conflicts, actionsDuringChurn, aws.destructive().size());

      assertThat(conflicts).as("the operator met 409 Conflict").isPositive();
      assertThat(purges(leftover)).as("purges of " + leftover.env()).isEqualTo(1);
      assertThat(purges(failed)).as("purges of " + failed.env()).isEqualTo(1);
      assertThat(purges(lingering)).as("purges of " + lingering.env()).isEqualTo(1);
      assertThat(aws.destructive().stream().filter(f -> f.operation().equals("TerminateInstances")
          && f.body().contains(instance))).as("terminations of " + instance).hasSize(1);
      assertThat(aws.destructive()).as("every destructive call").hasSize(4);
      assertThat(history(done.get(0))).containsExactly("PurgeQueue:Succeeded");
      assertThat(history(done.get(1))).containsExactly("PurgeQueue:Succeeded");
      assertThat(done.get(1).getStatus().history.get(0).approvedBy).isEqualTo(ADMIN);
      assertThat(history(done.get(2))).containsExactly("TerminateInstance:Succeeded", "PurgeQueue:Succeeded");
      assertThat(done).allSatisfy(m -> assertThat(m.getMetadata().getLabels()).containsKey("churn"));
    }
  }

  private Thread writer(String name, AtomicBoolean stop, Runnable write) {
    Thread thread = new Thread(() -> {
      while (!stop.get()) {
        write.run();
        try {
          Thread.sleep(WRITE_EVERY.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }, name);
    thread.setDaemon(true);
    return thread;
  }

  /** Another client's write: a label and an annotation, or a status field, each time a new value. */
  private void patch(String name, AtomicInteger writes, boolean status) {
    var resource = client.resources(MigratorDeployment.class).inNamespace(NAMESPACE).withName(name);
    int n = writes.incrementAndGet();
    try {
      if (status) {
        // A stale reader's idea of the approximate count; the operator owns status and writes it back.
        resource.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"status\":{\"queue\":{\"visible\":" + (1000 + n) + "}}}");
      } else {
        resource.patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"labels\":{\"churn\":\"" + n + "\"},\"annotations\":{\"example.com/touched\":\"" + n + "\"}}}");
      }
    } catch (KubernetesClientException e) {
      writes.decrementAndGet(); // not created yet, or a status the operator has not written yet
    }
  }

  private void approve(String name, String fingerprint) {
    client.resources(MigratorDeployment.class).inNamespace(NAMESPACE).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"" + Approval.APPROVE + "\":\"" + fingerprint + "\",\"" + Approval.APPROVED_BY
            + "\":\"" + ADMIN + "\"}}}");
  }

  private long purges(Scenario scenario) {
    return aws.destructive().stream().filter(f -> f.operation().equals("PurgeQueue")
        && f.body().contains(scenario.sim().queueName() + "\"")).count();
  }

  private static List<String> history(MigratorDeployment md) {
    return md.getStatus().history.stream().map((HistoryEntry h) -> h.action + ":" + h.outcome).toList();
  }

  private static gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec spec(Scenario scenario,
      Consumer<RemediationSpec> remediation) {
    var spec = scenario.spec();
    spec.remediation = new RemediationSpec();
    remediation.accept(spec.remediation);
    return spec;
  }
}

package gov.cms.bfd.migrator.operator.testbed;

import static org.awaitility.Awaitility.await;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.api.TimingSpec;
import gov.cms.bfd.migrator.operator.sim.MigratorSimulator;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.function.Predicate;

/**
 * One environment under test: its own name (from the test's), a migrator simulator for it in moto, and the
 * MigratorDeployment the running operator watches; deleted again on close.
 */
public final class Scenario implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final String env;
  private final MigratorSimulator sim;

  public Scenario(KubernetesClient client, String namespace, String prefix, String testName) {
    this.client = client;
    this.namespace = namespace;
    this.env = prefix + Integer.toHexString(testName.hashCode() & 0xfffffff);
    client.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).serverSideApply();
    this.sim = new MigratorSimulator(TestBed.get().moto().endpoint(), "us-east-1", env);
  }

  public String env() {
    return env;
  }

  public MigratorSimulator sim() {
    return sim;
  }

  /**
   * A spec for this environment that polls fast (2s idle, 1s active) and purges leftovers at once (leftoverAfter 0s:
   * no deploy pipeline reads the queue unless a test runs one) so tests do not wait.
   */
  public MigratorDeploymentSpec spec() {
    var spec = new MigratorDeploymentSpec();
    spec.environment = env;
    spec.timing = new TimingSpec();
    spec.timing.pollInterval = "2s";
    spec.timing.activePollInterval = "1s";
    spec.timing.leftoverAfter = "0s"; // the operator is the queue's only reader here
    return spec;
  }

  /**
   * The resource, after its MigratorEnvironment: bound to this scenario's namespace and allowing what the spec
   * switches on (a test of the operator's repairs wants them to happen; tests of the caps declare their own).
   */
  public MigratorDeployment create(MigratorDeploymentSpec spec) {
    if (TestEnvironments.get(client, spec.environment) == null) {
      TestEnvironments.declareFor(client, namespace, spec);
    }
    var md = new MigratorDeployment();
    md.setMetadata(new ObjectMetaBuilder().withName(env).withNamespace(namespace).withAnnotations(new HashMap<>()).build());
    md.setSpec(spec);
    return client.resource(md).create();
  }

  public MigratorDeployment get() {
    return client.resources(MigratorDeployment.class).inNamespace(namespace).withName(env).get();
  }

  /** The resource once {@code done} holds for it. */
  public MigratorDeployment awaitStatus(Duration atMost, Predicate<MigratorDeployment> done) {
    return await().atMost(atMost).pollInterval(Duration.ofMillis(250)).until(this::get, m -> m != null && done.test(m));
  }

  /**
   * Waits for the operator's purge to be recorded, pending, with Deployable False: QueueHasMessages until the queue
   * reads empty, then PurgeInProgress, as AWS deletes what is sent up to 60 seconds after a purge.
   */
  public MigratorDeployment awaitPurgePending(Duration atMost) {
    return awaitStatus(atMost, m -> m.getStatus() != null && m.getStatus().conditions != null
        && m.getStatus().conditions.stream().anyMatch(c -> ConditionTypes.DEPLOYABLE.equals(c.type)
            && "False".equals(c.status) && (Reasons.PURGE_IN_PROGRESS.equals(c.reason)
                || Reasons.QUEUE_HAS_MESSAGES.equals(c.reason)))
        && m.getStatus().history != null && m.getStatus().history.get(0).action == ActionType.PurgeQueue
        && m.getStatus().history.get(0).outcome == ActionOutcome.Pending);
  }

  /** How many messages of that run status.queue.runs counts (progress is summarized there, not kept whole). */
  public static int messagesOfRun(MigratorDeployment md, String pid) {
    return md.getStatus() == null || md.getStatus().queue == null || md.getStatus().queue.runs == null ? 0
        : md.getStatus().queue.runs.stream().filter(r -> pid.equals(r.pid) && r.messages != null)
            .mapToInt(r -> r.messages).sum();
  }

  /** The Events with that reason about this environment's resource. */
  public List<Event> events(String reason) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> env.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason())).toList();
  }

  /** The environment's ledger and claim, as the operator wrote them. */
  public gov.cms.bfd.migrator.operator.api.MigratorEnvironment environment() {
    return TestEnvironments.get(client, env);
  }

  @Override
  public void close() {
    client.resources(MigratorDeployment.class).inNamespace(namespace).delete();
    TestEnvironments.forget(client, env);
    sim.close();
  }
}

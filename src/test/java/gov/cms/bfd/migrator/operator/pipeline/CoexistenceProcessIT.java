package gov.cms.bfd.migrator.operator.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.HistoryEntry;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.MigratorEnvironment;
import gov.cms.bfd.migrator.operator.api.RemediationMode;
import gov.cms.bfd.migrator.operator.api.RemediationSpec;
import gov.cms.bfd.migrator.operator.api.AfterFailure;
import gov.cms.bfd.migrator.operator.api.TimingSpec;
import gov.cms.bfd.migrator.operator.faults.StatusLog;
import gov.cms.bfd.migrator.operator.testbed.OperatorProcess;
import gov.cms.bfd.migrator.operator.testbed.Realism;
import gov.cms.bfd.migrator.operator.testbed.RealismLayer;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import gov.cms.bfd.migrator.operator.testbed.TestEnvironments;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * The operator as it will live: not alone on the queue. The deploy pipeline (hack/pipeline_sim.py: pre-check,
 * the migrator launched, long polls and sleeps that delete what they read, the instance destroyed and the queue
 * purged after Finished) deploys {@value #ENVIRONMENTS} environments side by side, {@value #DEPLOYMENTS_PER_ENVIRONMENT}
 * times each, against the packaged operator, with every behaviour of the realism layer on. Each deployment's outcome
 * is drawn at random: success; exit 1, 2, 3, 4; the job aborted at a random step; a reboot that re-runs the migrator.
 * Before each deployment the pipeline waits for {@code Deployable=True}, as a pipeline gated on the operator would.
 *
 * <p>It prints a table and the figures of issue 12, each with its goal: deployments that hung because of the
 * operator (0), messages with an exit status or a Failed stage that the operator's purges removed without a ledger
 * entry (0), moments {@code Deployable=True} while a message or an instance existed for longer than the operator could
 * have known (0), and how long leftovers took to be cleaned (p50, max). Who removed what comes from the realism
 * layer's journal: each actor calls AWS with its own access key id (operator, pipeline, migrator).
 *
 * <p>Every timing of the pipeline and of AWS is scaled by 1/10 so that the test takes minutes, not hours: the monitor's
 * 20 s long poll and 30 s sleep are 2 s and 3 s, and the operator's {@code timing.leftoverAfter} is 30 s instead of its
 * default 5 minutes, the same ratio to the pipeline's sleep (10 sleeps); AWS's purge window and the lag of its counts
 * (60 s each) are 6 s, in the realism layer and in what the operator is told (migrator.aws-timing). AWS's one purge
 * per queue per 60 seconds is not scaled: moto enforces it, and an environment's next deployment waits for it.
 *
 * <p>In {@code make test} (failsafe). Alone: {@code mvn verify -Dit.test=CoexistenceProcessIT -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false}; {@code -Dcoexistence.seed=N} replays a draw.
 */
class CoexistenceProcessIT {

  private static final String NAMESPACE = "coexistence";
  private static final int ENVIRONMENTS = 10;
  private static final int DEPLOYMENTS_PER_ENVIRONMENT = 3;
  // Every timing is real AWS's and the real pipeline's scaled by 1/10: the monitor's 20 s long poll and 30 s sleep.
  private static final int POLL_WAIT_SECONDS = 2;
  private static final double SLEEP_SECONDS = 3;
  /** Seconds between the migrator's messages (a real run takes minutes). */
  private static final double STEP_SECONDS = 0.3;
  /**
   * The real monitor never gives up (facts §5.3); here it gives up after this: soon after a failed run, which sends no
   * Finished, and late enough after any other that only a migrator slower than a busy machine makes it stop first.
   */
  private static final Duration PIPELINE_DEADLINE = Duration.ofSeconds(45);
  private static final Duration PIPELINE_DEADLINE_UNTIL_FINISHED = Duration.ofSeconds(240);
  /** How long the simulator waits, after its pipeline ended, for its migrator to end. */
  private static final Duration MIGRATOR_WAIT = Duration.ofSeconds(300);
  private static final Duration DEPLOYABLE_WAIT = Duration.ofSeconds(150);
  private static final Duration CLEAN_WAIT = Duration.ofSeconds(150);
  private static final String POLL = "2s";
  private static final String ACTIVE_POLL = "1s";
  /** What the operator could not have known yet: a message or an instance younger than a poll and a status write. */
  private static final Duration GRACE = Duration.ofSeconds(4);
  /**
   * The operator's {@code timing.leftoverAfter} (default 5m: a finished run's messages are left to the pipeline this
   * long), scaled like the pipeline's sleep: 10 of its sleeps, as 5 minutes are 10 of the real 30 s sleeps.
   */
  static final String LEFTOVER_AFTER = "30s";
  /** The realism layer's timings for this test, scaled like the rest. */
  private static final int PURGE_WINDOW_SECONDS = 6;
  private static final int COUNTS_LAG_SECONDS = 6;
  private static final Map<String, Object> TIMINGS = Map.of("countsLagSeconds", COUNTS_LAG_SECONDS,
      "purgeWindowSeconds", PURGE_WINDOW_SECONDS,
      "invocationDoesNotExistSeconds", 0.5);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<Deployment> DEPLOYMENTS = new CopyOnWriteArrayList<>();
  /** AWS's one PurgeQueue per queue per 60 seconds (not scaled). */
  private static final Duration PURGE_SPACING = Duration.ofSeconds(60);
  /** When each environment's pipeline last purged its queue. */
  private static final Map<String, Instant> LAST_PIPELINE_PURGE = new ConcurrentHashMap<>();
  private static final Map<String, List<Episode>> EPISODES = new ConcurrentHashMap<>();
  private static final List<Process> RUNNING = new CopyOnWriteArrayList<>();
  private static TestBed bed;
  private static KubernetesClient client;
  private static OperatorProcess operator;
  private static RealismLayer realism;
  private static Ec2Client ec2;
  private static StatusLog statuses;
  /**
   * Every evidence item each environment's ledger (MigratorEnvironment status.ledger) ever held, as watched, with the
   * time of the earliest entry that held it (an entry's time is its intent's, written before the action ran).
   */
  private static final Map<String, Map<String, Instant>> LEDGER = new ConcurrentHashMap<>();
  private static Watch ledgerWatch;
  private static long seed;
  private static long started;

  @BeforeAll
  static void start() throws Exception {
    started = System.nanoTime();
    bed = TestBed.get();
    bed.moto().reset();
    realism = bed.moto().realism();
    Realism.BEHAVIOURS.forEach(b -> realism.set(b, true));
    realism.settings(TIMINGS);
    client = bed.client();
    client.resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).serverSideApply();
    ec2 = Ec2Client.builder().endpointOverride(bed.moto().endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("coexistence-test", "testing")))
        .build();
    // The operator's own access key id, so that the realism layer's journal names its purges and commands.
    // The operator knows AWS's timings as the layer plays them (migrator.aws-timing: only an emulator changes them).
    operator = OperatorProcess.start(bed, bed.moto().endpoint(), "coexistence", Map.of("AWS_ACCESS_KEY_ID", "operator",
            "MIGRATOR_AWS_TIMING_PURGE_WINDOW", PURGE_WINDOW_SECONDS + "s",
            "MIGRATOR_AWS_TIMING_COUNTS_LAG", COUNTS_LAG_SECONDS + "s"),
        "/q/health/ready");
    statuses = new StatusLog(client, NAMESPACE, (version, log) -> { });
    ledgerWatch = client.resources(MigratorEnvironment.class).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, MigratorEnvironment environment) {
        remember(environment);
      }

      @Override
      public void onClose(WatcherException cause) {
        // the final read in judge() covers what a closed watch missed at the end
      }
    });
    seed = Long.getLong("coexistence.seed", new Random().nextLong());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      RUNNING.forEach(Process::destroyForcibly);
      if (statuses != null) {
        statuses.close();
      }
      if (ledgerWatch != null) {
        ledgerWatch.close();
      }
      if (client != null) {
        client.resources(MigratorDeployment.class).inNamespace(NAMESPACE).delete();
        for (int i = 1; i <= ENVIRONMENTS; i++) {
          TestEnvironments.forget(client, "coex" + i);
        }
        client.close();
      }
    } finally {
      if (operator != null) {
        operator.close();
      }
      if (ec2 != null) {
        ec2.close();
      }
      if (bed != null) {
        bed.moto().reset();
      }
    }
  }

  @Test
  void deploymentsBesideTheOperatorNeverHangLoseEvidenceOrOpenTheGateEarly() throws Exception {
    var random = new Random(seed);
    List<String> envs = new ArrayList<>();
    for (int i = 1; i <= ENVIRONMENTS; i++) {
      envs.add("coex" + i);
    }
    Map<String, List<Drawn>> plans = new LinkedHashMap<>();
    for (String env : envs) {
      List<Drawn> plan = new ArrayList<>();
      for (int i = 0; i < DEPLOYMENTS_PER_ENVIRONMENT; i++) {
        plan.add(Drawn.at(random));
      }
      plans.put(env, plan);
      // The platform's MigratorEnvironment first: bound to the namespace, allowing all the spec asks for.
      TestEnvironments.declareFor(client, NAMESPACE, spec(env));
      client.resource(resource(env)).create();
    }

    ExecutorService pool = Executors.newFixedThreadPool(ENVIRONMENTS + 1);
    var sampling = pool.submit(() -> sampleTheGate(envs));
    List<Future<?>> pipelines = new ArrayList<>();
    for (String env : envs) {
      pipelines.add(pool.submit(() -> {
        int index = 0;
        for (Drawn drawn : plans.get(env)) {
          deploy(env, ++index, drawn);
        }
        return null;
      }));
    }
    try {
      for (Future<?> pipeline : pipelines) {
        pipeline.get(30, TimeUnit.MINUTES);
      }
    } finally {
      sampling.cancel(true);
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
    }

    Figures figures = judge();
    System.out.print(table(figures));
    assertThat(figures.hungByOperator).as("deployments that hung because of the operator").isEmpty();
    assertThat(figures.lostEvidence).as("exit statuses and Failed stages purged without a ledger entry").isEmpty();
    assertThat(EPISODES.values().stream().mapToInt(List::size).sum())
        .as("moments Deployable=True while a message or instance existed").isZero();
    assertThat(figures.notCleaned).as("deployments whose leftovers were not cleaned within " + CLEAN_WAIT.toSeconds() + " s")
        .isEmpty();
  }

  // ---- one deployment --------------------------------------------------------------------------------------------

  /** What was drawn for a deployment: the pipeline simulator's outcome and its arguments. */
  record Drawn(String label, List<String> args) {

    /** When the pipeline gives up waiting for Finished: soon after a failed run (which sends none), late otherwise. */
    Duration deadline() {
      return label.startsWith("exit") ? PIPELINE_DEADLINE : PIPELINE_DEADLINE_UNTIL_FINISHED;
    }

    static Drawn at(Random random) {
      double p = random.nextDouble();
      if (p < 0.30) {
        return new Drawn("success", List.of("--outcome", "success"));
      }
      if (p < 0.62) {
        int exit = 1 + (int) ((p - 0.30) / 0.08);
        return new Drawn("exit " + exit, List.of("--outcome", "exit" + exit));
      }
      if (p < 0.82) {
        String at = List.of("launch", "monitor", "destroy", "purge").get(random.nextInt(4));
        int polls = random.nextInt(4);
        return new Drawn("abort at " + at + (at.equals("monitor") ? " after " + polls + " polls" : ""),
            List.of("--outcome", "abort", "--abort-at", at, "--abort-after-polls", String.valueOf(polls)));
      }
      int after = 1 + random.nextInt(8);
      return new Drawn("reboot after " + after + " messages", List.of("--outcome", "reboot", "--reboot-after",
          String.valueOf(after)));
    }
  }

  /** One deployment of one environment: what was drawn, what the pipeline reported, what was measured. */
  static final class Deployment {
    final String env;
    final int index;
    final Drawn drawn;
    Double waitedForDeployable;
    JsonNode report;
    String ended = "-";
    Instant endedAt;
    boolean leftovers;
    Double cleanedAfter;
    String leftoversWhat = "";
    String hung;
    String problem;

    Deployment(String env, int index, Drawn drawn) {
      this.env = env;
      this.index = index;
      this.drawn = drawn;
    }
  }

  private static void deploy(String env, int index, Drawn drawn) throws Exception {
    var deployment = new Deployment(env, index, drawn);
    DEPLOYMENTS.add(deployment);
    // AWS allows one PurgeQueue per queue per 60 s, and that is not scaled: a real deployment takes longer than 60 s,
    // so the pipeline's own final purge never meets its previous one. Scaled deployments would (PurgeQueueInProgress).
    Instant spacing = LAST_PIPELINE_PURGE.getOrDefault(env, Instant.EPOCH).plus(PURGE_SPACING);
    while (Instant.now().isBefore(spacing)) {
      Thread.sleep(250);
    }
    Instant asked = Instant.now();
    if (awaitDeployable(env, DEPLOYABLE_WAIT)) {
      deployment.waitedForDeployable = seconds(asked, Instant.now());
    }
    Path report = Files.createTempFile("pipeline-" + env + "-" + index + "-", ".json");
    Path log = Files.createTempFile("pipeline-" + env + "-" + index + "-", ".log");
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
      command.addAll(List.of("/usr/bin/setpriv", "--pdeathsig", "KILL", "--"));
    }
    command.addAll(List.of(bed.projectRoot().resolve(".venv/bin/python").toString(),
        bed.projectRoot().resolve("hack/pipeline_sim.py").toString(), "deploy", env, "--infrastructure",
        "--poll-wait", String.valueOf(POLL_WAIT_SECONDS), "--sleep", String.valueOf(SLEEP_SECONDS),
        "--step", String.valueOf(STEP_SECONDS), "--deadline", String.valueOf(drawn.deadline().toSeconds()),
        "--migrator-wait", String.valueOf(MIGRATOR_WAIT.toSeconds()),
        "--seed", String.valueOf(seed ^ env.hashCode() ^ index), "--report", report.toString()));
    command.addAll(drawn.args());
    var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("AWS_ENDPOINT_URL", bed.moto().endpoint().toString());
    builder.environment().put("AWS_ACCESS_KEY_ID", "migrator");
    builder.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
    builder.environment().put("AWS_DEFAULT_REGION", "us-east-1");
    Process process = builder.start();
    RUNNING.add(process);
    try {
      if (!process.waitFor(drawn.deadline().plus(MIGRATOR_WAIT).toSeconds() + 60, TimeUnit.SECONDS)) {
        deployment.problem = "the pipeline simulator did not end; its log: " + log;
        return;
      }
      if (process.exitValue() != 0 || Files.size(report) == 0) {
        deployment.problem = "the pipeline simulator failed (exit " + process.exitValue() + "): " + Files.readString(log);
        return;
      }
    } finally {
      process.destroyForcibly();
      RUNNING.remove(process);
    }
    deployment.report = JSON.readTree(report.toFile());
    deployment.ended = deployment.report.path("ended").asText();
    // Its end: the pipeline's, or the migrator's where that came later (it runs on after an abort).
    double end = deployment.report.path("endedAt").asDouble();
    for (JsonNode run : deployment.report.path("runs")) {
      end = Math.max(end, run.path("endedAt").asDouble(0));
    }
    deployment.endedAt = epoch(end);
    if (deployment.report.path("purgedAt").isNumber()) {
      LAST_PIPELINE_PURGE.put(env, epoch(deployment.report.path("purgedAt").asDouble()));
    }
    measureLeftovers(deployment);
    Files.deleteIfExists(report);
    Files.deleteIfExists(log);
  }

  private static void measureLeftovers(Deployment deployment) throws InterruptedException {
    String what = leftovers(deployment.env);
    if (what.isEmpty()) {
      return;
    }
    deployment.leftovers = true;
    deployment.leftoversWhat = what;
    long deadline = System.nanoTime() + CLEAN_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (leftovers(deployment.env).isEmpty()) {
        deployment.cleanedAfter = seconds(deployment.endedAt, Instant.now());
        return;
      }
      Thread.sleep(250);
    }
  }

  /** What moto holds for the environment: messages in its queue, migrator instances not terminated ("" if none). */
  private static String leftovers(String env) {
    int messages = realism.messages(queue(env)).size();
    List<String> instances = liveInstances(List.of(env)).stream().map(Instance::instanceId).toList();
    return (messages > 0 ? messages + " message(s) " : "") + (instances.isEmpty() ? "" : "instance " + instances);
  }

  private static boolean awaitDeployable(String env, Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() < deadline) {
      if (latest(env).filter(v -> v.is(ConditionTypes.DEPLOYABLE, "True")).isPresent()) {
        return true;
      }
      Thread.sleep(250);
    }
    return false;
  }

  // ---- the gate, sampled -----------------------------------------------------------------------------------------

  /** One stretch of time during which an environment said Deployable=True while moto held what blocks it. */
  record Episode(String env, Instant from, Instant to, String what) {}

  /**
   * Every second: for each environment whose latest status says Deployable=True, whether moto holds a message or a
   * migrator instance older than {@link #GRACE} (one poll and a status write: what the operator could know).
   */
  private static Void sampleTheGate(List<String> envs) {
    Map<String, Episode> open = new HashMap<>();
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Instant now = Instant.now();
        Instant knowable = now.minus(GRACE);
        Map<String, List<Instance>> instances = liveInstances(envs).stream().collect(Collectors.groupingBy(
            i -> i.tags().stream().filter(t -> t.key().equals("Name")).findFirst().map(t -> t.value()).orElse("")));
        for (String env : envs) {
          boolean deployable = latest(env).filter(v -> v.is(ConditionTypes.DEPLOYABLE, "True")).isPresent();
          String what = "";
          if (deployable) {
            what = realism.messages(queue(env)).stream()
                .filter(m -> Instant.ofEpochMilli(m.sentTimestamp()).isBefore(knowable))
                .map(m -> "message " + abbreviate(m.body())).findFirst()
                .or(() -> instances.getOrDefault("bfd-" + env + "-migrator", List.of()).stream()
                    .filter(i -> i.launchTime().isBefore(knowable))
                    .map(i -> "instance " + i.instanceId() + " " + i.state().nameAsString()).findFirst())
                .orElse("");
          }
          Episode episode = open.get(env);
          if (!what.isEmpty()) {
            open.put(env, episode == null ? new Episode(env, now, now, what) : new Episode(env, episode.from(), now,
                episode.what()));
          } else if (episode != null) {
            EPISODES.computeIfAbsent(env, k -> new CopyOnWriteArrayList<>()).add(episode);
            open.remove(env);
          }
        }
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        System.err.println("gate sampler: " + e);
      }
    }
    open.values().forEach(e -> EPISODES.computeIfAbsent(e.env(), k -> new CopyOnWriteArrayList<>()).add(e));
    return null;
  }

  // ---- judging ---------------------------------------------------------------------------------------------------

  /** The figures, from the reports, the journal and every status version. */
  static final class Figures {
    final List<String> hungByOperator = new ArrayList<>();
    final List<String> hungOtherwise = new ArrayList<>();
    final List<String> lostEvidence = new ArrayList<>();
    final List<String> notCleaned = new ArrayList<>();
    final List<String> finalPurgeRefused = new ArrayList<>();
    final List<Double> cleaned = new ArrayList<>();
    int evidencePurged;
    int operatorPurges;
    int leftoverDeployments;
    /** Deployments whose pipeline read Finished, but whose instance the operator had terminated before its destroy. */
    final List<String> terminatedBeforeThePipeline = new ArrayList<>();
  }

  private static Figures judge() {
    var figures = new Figures();
    client.resources(MigratorEnvironment.class).list().getItems().forEach(CoexistenceProcessIT::remember);
    List<RealismLayer.Entry> journal = realism.journal(0);
    // Which purge removed each message (the layer names its caller), and what the operator terminated.
    Map<String, RealismLayer.Entry> purgedBy = new HashMap<>();
    Set<String> terminatedByOperator = ConcurrentHashMap.newKeySet();
    for (RealismLayer.Entry entry : journal) {
      if (entry.op().equals("PurgeQueue")) {
        entry.raw().path("deleted").forEach(m -> purgedBy.put(m.path("messageId").asText(), entry));
        if ("operator".equals(entry.by())) {
          figures.operatorPurges++;
        }
      }
      if (entry.op().equals("TerminateInstances") && "operator".equals(entry.by())) {
        entry.raw().path("instanceIds").forEach(i -> terminatedByOperator.add(i.asText()));
      }
    }

    for (Deployment d : DEPLOYMENTS) {
      if (d.report == null) {
        continue;
      }
      if (d.ended.startsWith("timed out")) {
        Set<String> read = new java.util.HashSet<>();
        d.report.path("read").forEach(m -> read.add(m.path("messageId").asText()));
        for (JsonNode run : d.report.path("runs")) {
          for (JsonNode sent : run.path("sent")) {
            if (stage(sent.path("body").asText()).equals("Finished") && !read.contains(sent.path("messageId").asText())) {
              var purge = purgedBy.get(sent.path("messageId").asText());
              // The operator made it hang only if it purged the Finished while the pipeline still read the queue;
              // after the pipeline's (test-only) deadline the message was a leftover whoever removed it.
              double pipelineEnd = d.report.path("endedAt").asDouble();
              boolean whileReading = purge != null && purge.at() < pipelineEnd;
              String why = "Finished of pid " + run.path("pid").asText() + " never read: "
                  + (purge == null ? "removed by nobody the journal knows" : "purged by " + purge.by()
                      + (whileReading ? " while the pipeline still read the queue"
                          : String.format(" %.1f s after the pipeline stopped at its deadline", purge.at() - pipelineEnd)));
              (whileReading && "operator".equals(purge.by()) ? figures.hungByOperator : figures.hungOtherwise)
                  .add(d.env + "#" + d.index + " " + why);
              d.hung = why;
            }
          }
          String killed = run.path("killedBy").asText("");
          boolean byOperator = killed.contains("stopped by operator")
              || (killed.contains("its instance is") && terminatedByOperator.contains(run.path("instanceId").asText()));
          if (byOperator && d.hung == null) {
            d.hung = "the migrator died before Finished: " + killed;
            figures.hungByOperator.add(d.env + "#" + d.index + " " + d.hung);
          }
        }
      }
      if (d.ended.startsWith("failed at the final purge")) {
        // AWS refused the pipeline's own PurgeQueue: another purge of the queue ran in the 60 s before it.
        double at = d.report.path("endedAt").asDouble();
        String queue = queue(d.env);
        Optional<RealismLayer.Entry> before = journal.stream().filter(e -> e.op().equals("PurgeQueue"))
            .filter(e -> queue.equals(e.raw().path("queue").asText()) && e.at() <= at && e.at() > at - 60)
            .reduce((a, b) -> b);
        figures.finalPurgeRefused.add(d.env + "#" + d.index + " after a purge by "
            + before.map(RealismLayer.Entry::by).orElse("nobody the journal knows") + before.map(e -> String.format(
                " %.1f s earlier", at - e.at())).orElse(""));
      }
      if (d.report.path("destroyedAt").isNumber()) {
        for (JsonNode instance : d.report.path("instanceIds")) {
          if (terminatedByOperator.contains(instance.asText())) {
            figures.terminatedBeforeThePipeline.add(d.env + "#" + d.index + " " + instance.asText());
          }
        }
      }
      if (d.leftovers) {
        figures.leftoverDeployments++;
        if (d.cleanedAfter == null) {
          figures.notCleaned.add(d.env + "#" + d.index + " (" + d.drawn.label() + "): " + d.leftoversWhat);
        } else {
          figures.cleaned.add(d.cleanedAfter);
        }
      }
    }

    // Evidence the operator's purges removed: each in a ledger entry (status.history's evidence) of some version.
    for (RealismLayer.Entry entry : journal) {
      if (!entry.op().equals("PurgeQueue") || !"operator".equals(entry.by())) {
        continue;
      }
      String env = entry.raw().path("queue").asText().replaceFirst("^bfd-", "").replaceFirst("-migrator$", "");
      for (JsonNode message : entry.raw().path("deleted")) {
        String body = message.path("body").asText();
        String stage = stage(body);
        if (!stage.equals("Finished") && !stage.equals("Failed")) {
          continue;
        }
        figures.evidencePurged++;
        String mention = "pid " + field(body, "pid") + " #" + field(body, "messageId") + " " + stage;
        Optional<Instant> recorded = ledgerMentions(env, mention);
        // S2/S10: what was in the queue when the purge was sent is in a ledger entry written before it; a message
        // sent inside the purge's 60-second window can only be named after (the verification adds it).
        boolean sentBefore = message.path("sentTimestamp").asLong() < (long) (entry.at() * 1000);
        Instant purgedAt = epoch(entry.at());
        if (recorded.isEmpty()) {
          figures.lostEvidence.add(env + ": " + mention + " purged at " + purgedAt + " without a ledger entry");
        } else if (sentBefore && recorded.get().isAfter(purgedAt.plusMillis(500))) {
          figures.lostEvidence.add(env + ": " + mention + " purged at " + purgedAt + ", in the ledger only from "
              + recorded.get());
        }
      }
    }
    return figures;
  }

  /**
   * Whether the operator's ledger held this evidence at some moment: the MigratorEnvironment's status.ledger, which
   * only the operator writes and which the safety rules read (the MigratorDeployment's status.history is a copy).
   */
  private static Optional<Instant> ledgerMentions(String env, String mention) {
    return LEDGER.getOrDefault(env, Map.of()).entrySet().stream().filter(e -> e.getKey().contains(mention))
        .map(Map.Entry::getValue).min(Instant::compareTo);
  }

  private static void remember(MigratorEnvironment environment) {
    if (environment == null || environment.getStatus() == null || environment.getStatus().ledger == null) {
      return;
    }
    Map<String, Instant> items = LEDGER.computeIfAbsent(environment.getMetadata().getName(),
        k -> new ConcurrentHashMap<>());
    for (HistoryEntry entry : environment.getStatus().ledger) {
      if (entry.evidence != null && entry.time != null) {
        Instant time = Instant.parse(entry.time);
        entry.evidence.forEach(item -> items.merge(item, time, (a, b) -> a.isBefore(b) ? a : b));
      }
    }
  }

  // ---- the table -------------------------------------------------------------------------------------------------

  private static String table(Figures figures) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("%nCoexistence: %d deployments of %d environments beside the packaged operator, every realism "
            + "behaviour on (%s); pipeline long poll %d s, sleep %.0f s (20 s and 30 s scaled 1/10), migrator step %.1f s, "
            + "pipeline deadline %d s after a failed run, %d s otherwise (the real one has none); operator pollInterval %s, activePollInterval %s, leftoverAfter %s (5m scaled 1/10); "
            + "an environment's next deployment at least %d s after its pipeline's last purge; seed %d "
            + "(-Dcoexistence.seed)%n",
        DEPLOYMENTS.size(), ENVIRONMENTS, TIMINGS, POLL_WAIT_SECONDS, SLEEP_SECONDS, STEP_SECONDS,
        PIPELINE_DEADLINE.toSeconds(), PIPELINE_DEADLINE_UNTIL_FINISHED.toSeconds(), POLL, ACTIVE_POLL, LEFTOVER_AFTER, PURGE_SPACING.toSeconds(), seed));
    String format = "%-7s | %-2s | %-32s | %9s | %-58s | %-40s | %s%n";
    out.append(String.format(format, "env", "#", "drawn", "waited s", "how the deployment ended", "leftovers",
        "cleaned after s / hung"));
    for (Deployment d : DEPLOYMENTS.stream().sorted((a, b) -> a.env.equals(b.env) ? a.index - b.index
        : a.env.compareTo(b.env)).toList()) {
      out.append(String.format(format, d.env, d.index, d.drawn.label(),
          d.waitedForDeployable == null ? "never" : String.format("%.1f", d.waitedForDeployable),
          d.problem != null ? "PROBLEM: " + d.problem : d.ended, d.leftovers ? d.leftoversWhat : "-",
          (d.leftovers ? (d.cleanedAfter == null ? "not cleaned" : String.format("%.1f", d.cleanedAfter)) : "-")
              + (d.hung == null ? "" : "; HUNG: " + d.hung)));
    }
    List<Double> times = figures.cleaned.stream().sorted().toList();
    List<Episode> episodes = EPISODES.values().stream().flatMap(List::stream).toList();
    double episodeSeconds = episodes.stream().mapToDouble(e -> seconds(e.from(), e.to()) + 0.5).sum();
    out.append(String.format("%nFigures (goal):%n"));
    out.append(String.format("  deployments that hung because of the operator: %d (0)%s%n", figures.hungByOperator.size(),
        list(figures.hungByOperator)));
    out.append(String.format("  deployments that hung otherwise (not counted against the operator): %d%s%n",
        figures.hungOtherwise.size(), list(figures.hungOtherwise)));
    out.append(String.format("  messages with an exit status or Failed stage lost without a ledger entry: %d (0); "
        + "the operator purged %d such message(s) in %d purge(s)%s%n", figures.lostEvidence.size(), figures.evidencePurged,
        figures.operatorPurges, list(figures.lostEvidence)));
    out.append(String.format("  moments Deployable=True while a message or instance existed (older than %d s): %d (0), "
            + "%.1f s in all%s%n", GRACE.toSeconds(), episodes.size(), episodeSeconds,
        list(episodes.stream().map(e -> e.env() + " " + e.from() + " for " + String.format("%.1f", seconds(e.from(), e.to())
            + 0.5) + " s: " + e.what()).toList())));
    out.append(String.format("  leftovers cleaned: %d of %d deployments left some; time p50 %s s, max %s s; "
            + "not cleaned within %d s: %d%s%n", figures.cleaned.size(), figures.leftoverDeployments,
        times.isEmpty() ? "-" : String.format("%.1f", times.get((times.size() - 1) / 2)),
        times.isEmpty() ? "-" : String.format("%.1f", times.get(times.size() - 1)), CLEAN_WAIT.toSeconds(),
        figures.notCleaned.size(), list(figures.notCleaned)));
    out.append(String.format("  successful migrations whose deployment failed at the pipeline's own final purge "
        + "(PurgeQueueInProgress: another purge within 60 s): %d%s%n", figures.finalPurgeRefused.size(),
        list(figures.finalPurgeRefused)));
    out.append(String.format("  healthy deployments whose instance the operator stopped and terminated before the "
        + "pipeline destroyed it (no goal: the run had ended; it costs actions of maxActionsPerHour): %d%s%n",
        figures.terminatedBeforeThePipeline.size(), list(figures.terminatedBeforeThePipeline)));
    long failedRuns = DEPLOYMENTS.stream().filter(d -> d.drawn.label().startsWith("exit")
        && d.ended.startsWith("timed out")).count();
    out.append(String.format("  failed runs (exit 1 to 4) whose monitor waited for Finished until its deadline, as the "
        + "real one would forever (the pipeline's own flaw, facts §5.3; not a hang the operator caused): %d%n",
        failedRuns));
    long never = DEPLOYMENTS.stream().filter(d -> d.waitedForDeployable == null).count();
    long halted = DEPLOYMENTS.stream().filter(d -> d.ended.equals("halted")).count();
    out.append(String.format("  deployments that waited %d s for Deployable=True in vain: %d; halted by the pre-check: %d; "
        + "elapsed %.0f s%n", DEPLOYABLE_WAIT.toSeconds(), never, halted, (System.nanoTime() - started) / 1e9));
    return out.toString();
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  private static MigratorDeployment resource(String env) {
    var md = new MigratorDeployment();
    md.setMetadata(new ObjectMetaBuilder().withName(env).withNamespace(NAMESPACE).withAnnotations(new HashMap<>()).build());
    md.setSpec(spec(env));
    return md;
  }

  /** Auto, every remediation on, failures cleaned without a person: leftovers are the operator's to clean. */
  static MigratorDeploymentSpec spec(String env) {
    var spec = new MigratorDeploymentSpec();
    spec.environment = env;
    spec.timing = new TimingSpec();
    spec.timing.pollInterval = POLL;
    spec.timing.activePollInterval = ACTIVE_POLL;
    spec.timing.leftoverAfter = LEFTOVER_AFTER;
    spec.remediation = new RemediationSpec();
    spec.remediation.mode = RemediationMode.Auto;
    spec.remediation.purgeQueue = true;
    spec.remediation.stopService = true;
    spec.remediation.terminateInstance = true;
    spec.remediation.afterFailure = AfterFailure.Auto;
    spec.remediation.maxActionsPerHour = 60;
    return spec;
  }

  private static Optional<StatusLog.Version> latest(String env) {
    List<StatusLog.Version> versions = statuses.of(env);
    return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
  }

  private static List<Instance> liveInstances(List<String> envs) {
    return ec2.describeInstances(b -> b.filters(
            Filter.builder().name("tag:Name").values(envs.stream().map(e -> "bfd-" + e + "-migrator").toList()).build(),
            Filter.builder().name("instance-state-name").values("pending", "running", "stopping", "stopped").build()))
        .reservations().stream().flatMap(r -> r.instances().stream()).toList();
  }

  private static String queue(String env) {
    return "bfd-" + env + "-migrator";
  }

  private static String stage(String body) {
    return field(body, "appStage");
  }

  private static String field(String body, String name) {
    try {
      return JSON.readTree(body).path(name).asText("");
    } catch (IOException e) {
      return "";
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "…";
  }

  private static String list(List<String> items) {
    return items.isEmpty() ? "" : items.stream().limit(12).map(i -> "\n      " + i).collect(Collectors.joining())
        + (items.size() > 12 ? "\n      (" + (items.size() - 12) + " more)" : "");
  }

  private static Instant epoch(double seconds) {
    return Instant.ofEpochMilli((long) (seconds * 1000));
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }
}

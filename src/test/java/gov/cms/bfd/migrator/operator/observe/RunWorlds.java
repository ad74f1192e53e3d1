package gov.cms.bfd.migrator.operator.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generated worlds for the run-identity, systemd, S11 and S12 properties: instances launched at any time (terminated
 * ones too, as EC2 lists them for a while), runs whose messages were sent before or after each launch, systemd's answer
 * for any instance (running with or without a start time, exited, killed, never started, not loaded, silent, an instance
 * SSM does not manage), and log streams of the run's instance or of another.
 */
public final class RunWorlds {

  public static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  static final List<String> IDS = List.of("i-1", "i-2", "i-3");
  private static final Map<String, String> TAGS = Map.of("Name", "bfd-test-migrator");

  private RunWorlds() {}

  /** Minutes ago, mostly within the last two hours (staleAfter 15m, maxMigrationDuration 2h). */
  public static Arbitrary<Instant> times() {
    return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.integers().between(0, 20)),
        Tuple.of(4, Arbitraries.integers().between(0, 150)), Tuple.of(1, Arbitraries.integers().between(150, 400)))
        .map(m -> NOW.minus(Duration.ofMinutes(m)));
  }

  public static Arbitrary<List<Instance>> instances() {
    Arbitrary<Instance> instance = Combinators.combine(Arbitraries.of(IDS), Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just(Instance.State.running)), Tuple.of(1, Arbitraries.of(Instance.State.class))),
            times())
        .as((id, state, launched) -> new Instance(id, state, launched, TAGS));
    return instance.list().ofMaxSize(3).uniqueElements(Instance::id);
  }

  /** The messages of up to two runs (native or monitor), each sent from some time on, oldest first. */
  public static Arbitrary<List<RawMessage>> messages() {
    Arbitrary<List<RawMessage>> nativeRun = Combinators.combine(Arbitraries.of(5046L, 6001L), times(),
            Arbitraries.integers().between(1, 4), Arbitraries.of("Started", "Migrating", "Finished", "Failed"))
        .as((pid, first, count, last) -> {
          List<RawMessage> run = new ArrayList<>();
          for (int i = 1; i <= count; i++) {
            String stage = i == count ? last : i == 1 ? "Started" : "Migrating";
            run.add(new RawMessage("m-" + pid + "-" + i, "{\"appStage\":\"" + stage + "\",\"messageId\":" + i
                + ",\"pid\":" + pid + "}", first.plusSeconds(60L * (i - 1))));
          }
          return run;
        });
    Arbitrary<List<RawMessage>> monitorRun = Combinators.combine(Arbitraries.of("4242", "777"), times(),
            Arbitraries.of("(null)|0/0", "exited|0", "exited|1", "exited|2", "killed|9"))
        .as((pid, sent, end) -> List.of(new RawMessage("m-" + pid, "{\"pid\":\"" + pid + "\",\"code\":\""
            + end.split("\\|")[0] + "\",\"status\":\"" + end.split("\\|")[1] + "\"}", sent)));
    return Arbitraries.oneOf(nativeRun, monitorRun).list().ofMaxSize(2).map(runs -> {
      List<RawMessage> all = new ArrayList<>();
      runs.forEach(all::addAll);
      all.sort(java.util.Comparator.comparing(RawMessage::sentAt));
      return all;
    });
  }

  /** What systemd says on one of the ids (maybe one no instance has), or nothing asked. */
  public static Arbitrary<Observed<SystemdState>> systemd() {
    Arbitrary<SystemdState> state = Combinators.combine(Arbitraries.of(IDS), Arbitraries.integers().between(0, 8),
            times(), Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 6))
        .as((id, kind, started, status, askedMinutesAgo) -> {
          Instant asked = NOW.minus(Duration.ofMinutes(askedMinutesAgo));
          return switch (kind) {
            case 0 -> SystemdStates.running(id, asked, started);
            case 1 -> SystemdStates.running(id, asked);
            case 2 -> SystemdStates.exited(id, asked, status, started);
            case 3 -> SystemdStates.exited(id, asked, status);
            case 4 -> SystemdStates.killed(id, asked);
            case 5 -> SystemdStates.neverStarted(id, asked);
            case 6 -> SystemdStates.notLoaded(id, asked);
            case 7 -> SystemdStates.silent(id, asked);
            default -> SystemdStates.unreachable(id, asked);
          };
        });
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(Observed.skipped())), Tuple.of(3, state.map(Observed::seen)));
  }

  /** A log stream of one of the ids (the run's instance's, or another's): a start, maybe progress, maybe an exit line. */
  public static Arbitrary<Observed<LogExcerpt>> logs() {
    Arbitrary<LogExcerpt> excerpt = Combinators.combine(Arbitraries.of(IDS), times(), Arbitraries.of(
            "Migration failed, shutting down", "Validation failed, shutting down", "Migration and validation passed,"
                + " shutting down", "app terminating due to exception: message=Invalid app configuration",
            "app terminating due to unhandled exception: message=x", "Successfully applied 3 migrations"))
        .as((id, start, last) -> Observations.log(id, start, "Successfully started", last));
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(Observed.skipped())), Tuple.of(2, excerpt.map(Observed::seen)));
  }

  /** A whole world: queue (read whole), instances, systemd, log. */
  public static Arbitrary<Observation> observations() {
    return Combinators.combine(messages(), instances(), systemd(), logs()).as((messages, instances, systemd, log) ->
        Observation.basic(NOW, Observed.seen(queue(messages)), Observed.seen(instances)).withSystemd(systemd).withLog(log));
  }

  public static QueueState queue(List<RawMessage> messages) {
    return new QueueState.Present(Observations.URL, messages.size(), 0, 0, messages, messages.isEmpty())
        .withBrowse(new QueueState.Browse(NOW, messages, true, messages.size(), 0, 0));
  }
}

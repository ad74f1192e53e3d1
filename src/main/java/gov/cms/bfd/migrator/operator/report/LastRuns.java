package gov.cms.bfd.migrator.operator.report;

import gov.cms.bfd.migrator.operator.api.LastRun;
import gov.cms.bfd.migrator.operator.diagnose.Diagnosis;
import gov.cms.bfd.migrator.operator.diagnose.LastRunMemory;
import gov.cms.bfd.migrator.operator.diagnose.LogReading;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage;
import gov.cms.bfd.migrator.operator.diagnose.Run;
import gov.cms.bfd.migrator.operator.diagnose.Verdict;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.RunMemory;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.Instance;
import java.util.List;
import java.util.Optional;

/**
 * status.lastRun from a verdict: what is known of the most recent run, when the evidence names one; and the same as
 * the ledger keeps it with a clean-up ({@link RunMemory}, S12).
 */
public final class LastRuns {

  private LastRuns() {}

  static Optional<LastRun> of(Verdict verdict, Optional<LogReading> log) {
    if (verdict instanceof Verdict.Finished f) {
      LastRun last = of(f.run(), f.instance());
      last.exitStatus = f.exitStatus().orElse(null);
      last.exitStatusSource = f.source().orElse(null);
      last.migrationFile = f.exitStatus().filter(s -> s != 0)
          .flatMap(s -> f.run().flatMap(Run::lastMigrationFile).or(() -> log.flatMap(LogReading::migrationFile)))
          .orElse(null);
      return Optional.of(last);
    }
    if (verdict instanceof Verdict.InProgress p) {
      return Optional.of(of(p.run(), p.instance()));
    }
    if (verdict instanceof Verdict.Stalled s) {
      return Optional.of(of(s.run(), s.instance()));
    }
    return Optional.empty();
  }

  /**
   * What an action records of the last run before it runs (S12): the run status names as the last one now, the
   * verdict's, or the one an earlier clean-up remembers while no newer run appeared (a termination after a purge).
   */
  public static Optional<RunMemory> toRemember(Diagnosis diagnosis, Observation seen, List<ActionRecord> history) {
    return LastRunMemory.recall(diagnosis.verdict(), seen, history).map(LastRunMemory.Recalled::run)
        .or(() -> of(diagnosis.verdict(), diagnosis.log()).map(LastRuns::memory));
  }

  /** A stored lastRun as a record. */
  static RunMemory memory(LastRun last) {
    return new RunMemory(Optional.ofNullable(last.pid), Optional.ofNullable(last.messageFormat),
        Optional.ofNullable(last.instanceId), Optional.ofNullable(last.exitStatus),
        Optional.ofNullable(last.exitStatusSource), Optional.ofNullable(last.stage), Optional.ofNullable(last.migrationFile),
        Optional.ofNullable(last.schemaVersion), Optional.ofNullable(last.startTime),
        Optional.ofNullable(last.lastProgressTime), Optional.ofNullable(last.stopTime));
  }

  /** A remembered run as status.lastRun shows it. */
  static LastRun bean(RunMemory run) {
    LastRun last = new LastRun();
    last.pid = run.pid().orElse(null);
    last.messageFormat = run.format().orElse(null);
    last.instanceId = run.instanceId().orElse(null);
    last.exitStatus = run.exitStatus().orElse(null);
    last.exitStatusSource = run.source().orElse(null);
    last.stage = run.stage().orElse(null);
    last.migrationFile = run.migrationFile().orElse(null);
    last.schemaVersion = run.schemaVersion().orElse(null);
    last.startTime = run.startTime().orElse(null);
    last.lastProgressTime = run.lastProgressTime().orElse(null);
    last.stopTime = run.stopTime().orElse(null);
    return last;
  }

  private static LastRun of(Optional<Run> run, Optional<Instance> instance) {
    LastRun last = new LastRun();
    instance.ifPresent(i -> {
      last.instanceId = i.id();
      last.startTime = i.launchTime().toString();
    });
    run.ifPresent(r -> {
      last.pid = r.pid().matches("[0-9]{1,18}") ? Long.parseLong(r.pid()) : null;
      last.stage = r.stage();
      last.messageFormat = r.format();
      last.schemaVersion = r.schemaVersion().orElse(null);
      last.lastProgressTime = r.lastSentAt().toString();
      if (r.last() instanceof MigratorMessage.Monitor m) {
        last.startTime = m.startTime().orElse(last.startTime);
        last.stopTime = m.stopTime().filter(t -> !t.isBlank()).orElse(null);
      } else {
        last.startTime = r.firstSentAt().toString();
      }
    });
    return last;
  }
}

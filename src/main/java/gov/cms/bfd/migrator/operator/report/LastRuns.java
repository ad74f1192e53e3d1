package gov.cms.bfd.migrator.operator.report;

import gov.cms.bfd.migrator.operator.api.LastRun;
import gov.cms.bfd.migrator.operator.diagnose.LogReading;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage;
import gov.cms.bfd.migrator.operator.diagnose.Run;
import gov.cms.bfd.migrator.operator.diagnose.Verdict;
import gov.cms.bfd.migrator.operator.observe.Instance;
import java.util.Optional;

/** status.lastRun from a verdict: what is known of the most recent run, when the evidence names one. */
final class LastRuns {

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

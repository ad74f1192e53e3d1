package gov.cms.bfd.migrator.operator.report;

import gov.cms.bfd.migrator.operator.api.MessageFormat;
import gov.cms.bfd.migrator.operator.api.QueueMessage;
import gov.cms.bfd.migrator.operator.api.RunSummary;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage;
import gov.cms.bfd.migrator.operator.diagnose.Run;

/** A parsed message as status shows it: its fields, or its raw body (bounded) when unrecognized. */
final class QueueMessages {

  private QueueMessages() {}

  /** Whether the message is evidence to keep whole: it ends a run, or nobody could read it. */
  static boolean isEvidence(MigratorMessage message) {
    if (message instanceof MigratorMessage.Native n) {
      return n.appStage() == MigratorMessage.AppStage.Finished || n.appStage() == MigratorMessage.AppStage.Failed;
    }
    if (message instanceof MigratorMessage.Monitor m) {
      return !m.running();
    }
    return true;
  }

  static RunSummary summary(Run run) {
    RunSummary summary = new RunSummary();
    summary.format = run.format();
    summary.pid = run.pid();
    summary.messages = run.messages().size();
    summary.firstSent = run.firstSentAt().toString();
    summary.lastSent = run.lastSentAt().toString();
    summary.lastStage = run.stage();
    summary.exitStatus = run.exitStatusFromMessages().orElse(null);
    summary.migrationFile = run.lastMigrationFile().orElse(null);
    return summary;
  }

  static QueueMessage of(MigratorMessage message) {
    QueueMessage out = new QueueMessage();
    out.sqsMessageId = message.sqsMessageId();
    out.sentTime = message.sentAt().toString();
    if (message instanceof MigratorMessage.Native n) {
      out.format = MessageFormat.Native;
      out.pid = n.pid();
      out.messageId = n.messageId();
      out.appStage = n.appStage().name();
      n.migrationStage().ifPresent(s -> {
        out.migrationStage = s.stage();
        out.migrationVersion = s.version().orElse(null);
        out.migrationFile = s.migrationFile().orElse(null);
      });
    } else if (message instanceof MigratorMessage.Monitor m) {
      out.format = MessageFormat.Monitor;
      out.pid = m.pid().matches("[0-9]{1,18}") ? Long.parseLong(m.pid()) : null;
      out.startTime = m.startTime().orElse(null);
      out.stopTime = m.stopTime().orElse(null);
      out.code = m.code();
      out.exitStatus = m.status();
      out.schemaVersion = m.schemaVersion().orElse(null);
    } else {
      MigratorMessage.Unrecognized u = (MigratorMessage.Unrecognized) message;
      out.format = MessageFormat.Unrecognized;
      out.raw = u.raw();
      out.truncated = u.truncated() ? Boolean.TRUE : null;
    }
    return out;
  }
}

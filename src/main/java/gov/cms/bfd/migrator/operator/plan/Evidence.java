package gov.cms.bfd.migrator.operator.plan;

import gov.cms.bfd.migrator.operator.diagnose.Diagnosis;
import gov.cms.bfd.migrator.operator.diagnose.MessageParser;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage;
import gov.cms.bfd.migrator.operator.model.Text;
import gov.cms.bfd.migrator.operator.observe.QueueObserver;
import java.util.ArrayList;
import java.util.List;

/**
 * What an action's history entry keeps (S2): every message the queue was seen holding, one short item each, before
 * anything is purged. A purge runs only after the whole-queue read, so these are the messages it removes (and any
 * sent in AWS's 60-second window after it, which its verification adds).
 */
public final class Evidence {

  /** Every message a whole-queue read and a sample can hold. */
  static final int MAX_ITEMS = QueueObserver.BROWSE_MAX + QueueObserver.SAMPLE_MAX;
  static final int MAX_BYTES = 300;

  private Evidence() {}

  public static List<String> of(Diagnosis diagnosis) {
    List<String> results = new ArrayList<>();
    List<String> progress = new ArrayList<>();
    for (MigratorMessage message : diagnosis.messages()) {
      (carriesResult(message) ? results : progress).add(item(message));
    }
    // Never more than MAX_ITEMS (a browse reads no more); results first, then the newest progress messages.
    List<String> items = new ArrayList<>(results.subList(Math.max(0, results.size() - MAX_ITEMS), results.size()));
    int room = MAX_ITEMS - items.size();
    items.addAll(progress.subList(Math.max(0, progress.size() - room), progress.size()));
    return items;
  }

  /** An exit status, a Failed stage, or a body nobody could read: what a person must be able to read later. */
  static boolean carriesResult(MigratorMessage message) {
    return message instanceof MigratorMessage.Native n && (n.appStage() == MigratorMessage.AppStage.Finished
        || n.appStage() == MigratorMessage.AppStage.Failed)
        || message instanceof MigratorMessage.Monitor m && !m.running()
        || message instanceof MigratorMessage.Unrecognized;
  }

  /** One message, short (at most {@value #MAX_BYTES} bytes): its run, number and stage, or the start of its body. */
  public static String item(MigratorMessage message) {
    String item;
    if (message instanceof MigratorMessage.Native n) {
      item = "native pid " + n.pid() + " #" + n.messageId() + " " + n.appStage()
          + n.migrationStage().map(s -> " " + s.stage() + s.version().map(v -> " " + v).orElse("")).orElse("")
          + " sent " + n.sentAt();
    } else if (message instanceof MigratorMessage.Monitor m) {
      item = "monitor pid " + m.pid() + " code " + m.code() + " status " + m.status()
          + m.schemaVersion().map(v -> " schema_version " + v).orElse("") + " sent " + m.sentAt();
    } else {
      MigratorMessage.Unrecognized u = (MigratorMessage.Unrecognized) message;
      item = "unrecognized " + u.sqsMessageId() + " sent " + u.sentAt()
          + (u.truncated() ? " (longer than " + MessageParser.MAX_RAW_BYTES + " bytes; its start)" : "") + ": " + u.raw();
    }
    return Text.bound(item, MAX_BYTES);
  }
}

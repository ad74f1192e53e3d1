package gov.cms.bfd.migrator.operator.plan;

import gov.cms.bfd.migrator.operator.diagnose.Diagnosis;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * What an action's history entry keeps (S2): every message that carries an exit status, a Failed stage or
 * that nobody could read, in short form, before anything is purged.
 */
public final class Evidence {

  static final int MAX_ITEMS = 20;
  static final int MAX_CHARS = 300;

  private Evidence() {}

  public static List<String> of(Diagnosis diagnosis) {
    List<String> items = new ArrayList<>();
    for (MigratorMessage message : diagnosis.messages()) {
      String item = null;
      if (message instanceof MigratorMessage.Native n && (n.appStage() == MigratorMessage.AppStage.Finished
          || n.appStage() == MigratorMessage.AppStage.Failed)) {
        item = "native pid " + n.pid() + " #" + n.messageId() + " " + n.appStage() + " sent " + n.sentAt();
      } else if (message instanceof MigratorMessage.Monitor m && !m.running()) {
        item = "monitor pid " + m.pid() + " code " + m.code() + " status " + m.status()
            + m.schemaVersion().map(v -> " schema_version " + v).orElse("") + " sent " + m.sentAt();
      } else if (message instanceof MigratorMessage.Unrecognized u) {
        item = "unrecognized " + u.sqsMessageId() + " sent " + u.sentAt() + ": " + u.raw();
      }
      if (item != null) {
        items.add(item.length() <= MAX_CHARS ? item : item.substring(0, MAX_CHARS) + "…");
      }
    }
    return items.size() <= MAX_ITEMS ? items : items.subList(items.size() - MAX_ITEMS, items.size());
  }
}

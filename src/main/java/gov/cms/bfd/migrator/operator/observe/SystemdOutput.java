package gov.cms.bfd.migrator.operator.observe;

import gov.cms.bfd.migrator.operator.model.SystemdCommands;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Reads what {@code systemctl show -p ...} printed ({@link SystemdCommands#show}). */
public final class SystemdOutput {

  private SystemdOutput() {}

  /**
   * The state, as asked at {@code askedAt}; unknown unless SSM says Success and the output names ActiveState,
   * ExecMainStatus and ExecMainCode.
   */
  public static SystemdState parse(String instanceId, String commandId, Instant askedAt,
      CommandPort.Invocation invocation) {
    if (!"Success".equals(invocation.status())) {
      return SystemdState.unknown(instanceId, commandId, askedAt, invocation.status(), "SSM command ended "
          + invocation.status() + (invocation.standardError().isBlank() ? "" : ": " + firstLine(invocation.standardError())));
    }
    Map<String, String> properties = new HashMap<>();
    for (String line : invocation.standardOutput().split("\\R")) {
      int eq = line.indexOf('=');
      if (eq > 0 && SystemdCommands.PROPERTIES.contains(line.substring(0, eq).trim())) {
        properties.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    boolean named = !properties.getOrDefault("ActiveState", "").isEmpty()
        && properties.getOrDefault("ExecMainStatus", "").matches("[0-9]{1,3}")
        && !properties.getOrDefault("ExecMainCode", "").isEmpty();
    if (!named) {
      // An SSM "Success" that printed nothing usable proves nothing (DESIGN §3).
      return SystemdState.unknown(instanceId, commandId, askedAt, invocation.status(), "SSM reported Success but the"
          + " output did not name ActiveState, ExecMainStatus and ExecMainCode (" + (invocation.standardOutput().isBlank()
              ? "no output" : "\"" + firstLine(invocation.standardOutput()) + "\"") + ")");
    }
    return SystemdState.shown(instanceId, commandId, askedAt, properties);
  }

  static String firstLine(String text) {
    String line = text.strip().split("\\R", 2)[0];
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}

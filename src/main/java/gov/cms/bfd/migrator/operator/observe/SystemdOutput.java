package gov.cms.bfd.migrator.operator.observe;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Reads what {@code systemctl show -p ActiveState -p ExecMainStatus -p ExecMainCode} printed. */
public final class SystemdOutput {

  private SystemdOutput() {}

  /** The state; unknown unless SSM says Success and the output names the properties. */
  public static SystemdState parse(String instanceId, String commandId, CommandPort.Invocation invocation) {
    if (!"Success".equals(invocation.status())) {
      return unknown(instanceId, commandId, invocation.status(), "SSM command ended " + invocation.status()
          + (invocation.standardError().isBlank() ? "" : ": " + firstLine(invocation.standardError())));
    }
    Map<String, String> properties = new HashMap<>();
    for (String line : invocation.standardOutput().split("\\R")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        properties.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    Optional<String> active = Optional.ofNullable(properties.get("ActiveState")).filter(s -> !s.isEmpty());
    Optional<Integer> status = Optional.ofNullable(properties.get("ExecMainStatus")).filter(s -> s.matches("[0-9]{1,3}"))
        .map(Integer::parseInt);
    Optional<String> code = Optional.ofNullable(properties.get("ExecMainCode")).filter(s -> !s.isEmpty());
    if (active.isEmpty() || status.isEmpty() || code.isEmpty()) {
      // An SSM "Success" that printed nothing usable proves nothing (DESIGN §3).
      return unknown(instanceId, commandId, invocation.status(), "SSM reported Success but the output did not name "
          + "ActiveState, ExecMainStatus and ExecMainCode (" + (invocation.standardOutput().isBlank() ? "no output"
          : "\"" + firstLine(invocation.standardOutput()) + "\"") + ")");
    }
    return new SystemdState(instanceId, commandId, invocation.status(), active, status, code, true,
        "ActiveState=" + active.get() + " ExecMainStatus=" + status.get() + " ExecMainCode=" + code.get());
  }

  private static SystemdState unknown(String instanceId, String commandId, String ssmStatus, String why) {
    return new SystemdState(instanceId, commandId, ssmStatus, Optional.empty(), Optional.empty(), Optional.empty(),
        false, why);
  }

  private static String firstLine(String text) {
    String line = text.strip().split("\\R", 2)[0];
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}

package gov.cms.bfd.migrator.operator.model;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The shell scripts the operator sends through SSM Run Command, which run as root on the migrator's instance. The
 * unit name is checked against what a systemd service unit may be called (again: the CRD's rule is one guard, this
 * is the other), quoted, and passed after {@code --}, so it is never read as an option or as shell. Commands are
 * joined with {@code &&}, never {@code ;}: a step that fails ends the script with its exit status, so SSM reports
 * the command Failed instead of the last step's Success.
 */
public final class SystemdCommands {

  /**
   * What is asked of the unit: whether it is loaded at all, whether it runs, which process ran last and when it
   * started (the run it belongs to), and how that process ended.
   */
  public static final List<String> PROPERTIES = List.of("LoadState", "ActiveState", "ExecMainPID",
      "ExecMainStartTimestamp", "ExecMainCode", "ExecMainStatus");

  static final String SHOW_PROPERTIES = PROPERTIES.stream().map(p -> "-p " + p).collect(Collectors.joining(" "));

  private SystemdCommands() {}

  /** Prints the unit's state and its main process's pid, start and exit status. */
  public static String show(String unit) {
    return "systemctl show " + SHOW_PROPERTIES + " -- " + Shell.quote(checked(unit));
  }

  /**
   * Stops the unit and, only when the stop succeeded, prints its state as {@link #show} does. A stop that fails (a
   * unit not loaded, a stop job that failed or timed out) fails the script: SSM reports Failed, with systemctl's
   * words on standard error.
   */
  public static String stop(String unit) {
    return "systemctl stop -- " + Shell.quote(checked(unit)) + " && " + show(unit);
  }

  private static String checked(String unit) {
    if (unit == null || !Settings.UNIT.matcher(unit).matches()) {
      throw new IllegalArgumentException("not a systemd service unit name: " + Text.bound(String.valueOf(unit), 80));
    }
    return unit;
  }
}

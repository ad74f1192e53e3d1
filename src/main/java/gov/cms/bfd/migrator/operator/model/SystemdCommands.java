package gov.cms.bfd.migrator.operator.model;

/**
 * The shell scripts the operator sends through SSM Run Command, which run as root on the migrator's instance. The
 * unit name is checked against what a systemd service unit may be called (again: the CRD's rule is one guard, this
 * is the other), quoted, and passed after {@code --}, so it is never read as an option or as shell.
 */
public final class SystemdCommands {

  static final String SHOW_PROPERTIES = "-p ActiveState -p ExecMainStatus -p ExecMainCode";

  private SystemdCommands() {}

  /** Prints the unit's state and its main process's exit status. */
  public static String show(String unit) {
    return "systemctl show " + SHOW_PROPERTIES + " -- " + Shell.quote(checked(unit));
  }

  /** Stops the unit, then prints its state as {@link #show} does. */
  public static String stop(String unit) {
    return "systemctl stop -- " + Shell.quote(checked(unit)) + "; " + show(unit);
  }

  private static String checked(String unit) {
    if (unit == null || !Settings.UNIT.matcher(unit).matches()) {
      throw new IllegalArgumentException("not a systemd service unit name: " + Text.bound(String.valueOf(unit), 80));
    }
    return unit;
  }
}

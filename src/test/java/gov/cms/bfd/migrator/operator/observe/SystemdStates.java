package gov.cms.bfd.migrator.operator.observe;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What systemd on an instance says of the migrator's unit, as tests need it: builders with real systemd values. */
public final class SystemdStates {

  /** The pid a running or ended unit's main process had. */
  public static final String PID = "4242";

  private SystemdStates() {}

  /** What {@code systemctl show} printed, as {@code Name=value} pairs. */
  public static SystemdState shown(String instanceId, Instant askedAt, String... pairs) {
    Map<String, String> properties = new LinkedHashMap<>();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      properties.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return SystemdState.shown(instanceId, "c-" + instanceId, askedAt, properties);
  }

  /** The unit runs (active), its process started at {@code started}. */
  public static SystemdState running(String instanceId, Instant askedAt, Instant started) {
    return shown(instanceId, askedAt, "LoadState=loaded", "ActiveState=active", "ExecMainPID=" + PID,
        "ExecMainStartTimestamp=" + timestamp(started), "ExecMainCode=0", "ExecMainStatus=0");
  }

  /** The unit runs; when its process started is not said. */
  public static SystemdState running(String instanceId, Instant askedAt) {
    return shown(instanceId, askedAt, "LoadState=loaded", "ActiveState=active", "ExecMainPID=" + PID,
        "ExecMainCode=0", "ExecMainStatus=0");
  }

  /** Its process exited with {@code status}. */
  public static SystemdState exited(String instanceId, Instant askedAt, int status) {
    return shown(instanceId, askedAt, "LoadState=loaded", "ActiveState=" + (status == 0 ? "inactive" : "failed"),
        "ExecMainPID=" + PID, "ExecMainCode=1", "ExecMainStatus=" + status);
  }

  /** Its process exited with {@code status}, having started at {@code started}. */
  public static SystemdState exited(String instanceId, Instant askedAt, int status, Instant started) {
    return shown(instanceId, askedAt, "LoadState=loaded", "ActiveState=" + (status == 0 ? "inactive" : "failed"),
        "ExecMainPID=" + PID, "ExecMainStartTimestamp=" + timestamp(started), "ExecMainCode=1",
        "ExecMainStatus=" + status);
  }

  /** Its process was killed (by a stop: SIGTERM). */
  public static SystemdState killed(String instanceId, Instant askedAt) {
    return shown(instanceId, askedAt, "LoadState=loaded", "ActiveState=inactive", "ExecMainPID=" + PID,
        "ExecMainCode=2", "ExecMainStatus=15");
  }

  /** Loaded, and its process never ran (the migrator has not started yet). */
  public static SystemdState neverStarted(String instanceId, Instant askedAt) {
    return shown(instanceId, askedAt, "LoadState=loaded", "ActiveState=inactive", "ExecMainPID=0",
        "ExecMainStartTimestamp=", "ExecMainCode=0", "ExecMainStatus=0");
  }

  /** No such unit on the instance: what systemd prints for a unit it does not know. */
  public static SystemdState notLoaded(String instanceId, Instant askedAt) {
    return shown(instanceId, askedAt, "LoadState=not-found", "ActiveState=inactive", "ExecMainPID=0",
        "ExecMainStartTimestamp=", "ExecMainCode=0", "ExecMainStatus=0");
  }

  /** SSM answered Success and printed nothing. */
  public static SystemdState silent(String instanceId, Instant askedAt) {
    return SystemdState.unknown(instanceId, "c-" + instanceId, askedAt, "Success", "no output");
  }

  /** SSM does not manage the instance. */
  public static SystemdState unreachable(String instanceId, Instant askedAt) {
    return SystemdState.unreachable(instanceId, askedAt, "InvalidInstanceId: Instances [[" + instanceId + "]] not in a"
        + " valid state for account 123456789012");
  }

  /** As systemctl show prints a timestamp: {@code Mon 2023-03-13 18:00:01 UTC}. */
  public static String timestamp(Instant at) {
    return java.time.format.DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss 'UTC'", java.util.Locale.ROOT)
        .withZone(java.time.ZoneOffset.UTC).format(at);
  }
}

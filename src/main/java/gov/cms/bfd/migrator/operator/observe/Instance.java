package gov.cms.bfd.migrator.operator.observe;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** A migrator EC2 instance found by the spec's tags. */
public record Instance(String id, State state, Instant launchTime, Map<String, String> tags) {

  /** EC2 instance states. */
  public enum State {
    pending, running, stopping, stopped, shutting_down, terminated;

    /** EC2's spelling ({@code shutting-down}). */
    public String ec2Name() {
      return name().replace('_', '-');
    }

    public static State fromEc2(String name) {
      return valueOf(name.replace('-', '_'));
    }

    /** Whether an instance in this state keeps the environment undeployable. */
    public boolean blocksDeploy() {
      return this != terminated;
    }

    /** Whether a migrator may be running on it right now. */
    public boolean mayRun() {
      return this == pending || this == running;
    }
  }

  public Instance {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(launchTime, "launchTime");
    tags = Map.copyOf(tags);
  }
}

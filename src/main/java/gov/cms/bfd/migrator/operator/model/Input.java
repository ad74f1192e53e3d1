package gov.cms.bfd.migrator.operator.model;

import java.time.Instant;
import java.util.Map;

/**
 * Everything one reconcile starts from, converted once from the resource: its identity, generation,
 * annotations, the resolved spec (or why it cannot be resolved), and the time the reconcile began.
 */
public record Input(
    String namespace,
    String name,
    long generation,
    Map<String, String> annotations,
    Resolved settings,
    Prior prior,
    Instant now) {

  public Input {
    annotations = Map.copyOf(annotations);
  }

  /**
   * What the previous status said that this reconcile builds on: whether the queue was already confirmed
   * empty (for this generation), whether a migration was running, and the actions taken (newest first).
   */
  public record Prior(boolean queueConfirmedEmpty, boolean migrationRunning, java.util.List<ActionRecord> history) {
    public static final Prior NONE = new Prior(false, false, java.util.List.of());

    public Prior {
      history = java.util.List.copyOf(history);
    }
  }

  /** The resolved spec, or the reason it could not be resolved. */
  public sealed interface Resolved {
    /** A usable spec. */
    record Valid(Settings settings) implements Resolved {}

    /** A spec only a person can fix. */
    record Invalid(InvalidSpecException problem) implements Resolved {}
  }
}

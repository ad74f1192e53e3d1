package gov.cms.bfd.migrator.operator.diagnose;

import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.Monitor;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.Native;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Puts queue messages in the order they happened, as far as their contents and SQS timestamps tell. */
public final class MessageOrder {

  // A monitor's final message (with stop_time) follows a heartbeat sent in the same millisecond.
  private static final Comparator<MigratorMessage> BY_SENT_AT =
      Comparator.comparing(MigratorMessage::sentAt)
          .thenComparing(message -> message instanceof Monitor monitor && monitor.stopTime().isPresent())
          .thenComparing(MigratorMessage::sqsMessageId);

  private static final Comparator<Native> BY_COUNTER =
      Comparator.comparingLong(Native::messageId).thenComparing(Native::sqsMessageId);

  private MessageOrder() {}

  /**
   * The messages, once each, by the time SQS received them; except that the native messages of one pid are
   * put in the order of their {@code messageId} among the places they hold, as a standard queue reorders.
   */
  public static List<MigratorMessage> chronological(Collection<MigratorMessage> messages) {
    List<MigratorMessage> ordered = new ArrayList<>(dedupe(messages));
    ordered.sort(BY_SENT_AT);
    Map<Long, List<Integer>> placesByPid = new TreeMap<>();
    for (int i = 0; i < ordered.size(); i++) {
      if (ordered.get(i) instanceof Native message) {
        placesByPid.computeIfAbsent(message.pid(), pid -> new ArrayList<>()).add(i);
      }
    }
    for (List<Integer> places : placesByPid.values()) {
      List<Native> run = new ArrayList<>();
      places.forEach(place -> run.add((Native) ordered.get(place)));
      run.sort(BY_COUNTER);
      for (int i = 0; i < places.size(); i++) {
        ordered.set(places.get(i), run.get(i));
      }
    }
    return List.copyOf(ordered);
  }

  /** The messages without repeats of an SQS id (a receive with visibility 0 may return one twice); first kept. */
  public static List<MigratorMessage> dedupe(Collection<MigratorMessage> messages) {
    Map<String, MigratorMessage> bySqsId = new LinkedHashMap<>();
    messages.forEach(message -> bySqsId.putIfAbsent(message.sqsMessageId(), message));
    return List.copyOf(bySqsId.values());
  }
}

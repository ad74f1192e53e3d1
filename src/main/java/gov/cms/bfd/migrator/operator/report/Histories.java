package gov.cms.bfd.migrator.operator.report;

import gov.cms.bfd.migrator.operator.api.HistoryEntry;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** status.history to and from {@link ActionRecord}s, newest first and bounded. */
public final class Histories {

  private Histories() {}

  /** The records of a status history; entries a person mangled are skipped rather than guessed at. */
  public static List<ActionRecord> from(List<HistoryEntry> entries) {
    if (entries == null) {
      return List.of();
    }
    return entries.stream().filter(e -> e != null && e.time != null && e.action != null && e.outcome != null)
        .flatMap(e -> {
          try {
            return java.util.stream.Stream.of(new ActionRecord(Instant.parse(e.time), e.action,
                e.target == null ? "" : e.target, e.outcome, Optional.ofNullable(e.approvedBy),
                e.planFingerprint == null ? "" : e.planFingerprint, e.detail == null ? "" : e.detail,
                Optional.ofNullable(e.reference), e.evidence == null ? List.of() : e.evidence));
          } catch (RuntimeException invalid) {
            return java.util.stream.Stream.empty();
          }
        })
        .toList();
  }

  static List<HistoryEntry> to(List<ActionRecord> records) {
    return records.stream().limit(ActionRecord.MAX_HISTORY).map(r -> {
      HistoryEntry e = new HistoryEntry();
      e.time = r.time().toString();
      e.action = r.action();
      e.target = r.target();
      e.outcome = r.outcome();
      e.approvedBy = r.approvedBy().orElse(null);
      e.planFingerprint = r.fingerprint();
      e.detail = r.detail();
      e.reference = r.reference().orElse(null);
      e.evidence = r.evidence().isEmpty() ? null : r.evidence();
      return e;
    }).toList();
  }
}

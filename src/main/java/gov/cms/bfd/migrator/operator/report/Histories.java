package gov.cms.bfd.migrator.operator.report;

import gov.cms.bfd.migrator.operator.api.HistoryEntry;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.Text;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Action records to and from their stored form: the ledger on the MigratorEnvironment (the safety record, kept
 * by what the rules need) and its copy in the MigratorDeployment's status (for readers, smaller).
 */
public final class Histories {

  /** Entries of the status copy, newest first. */
  public static final int COPY_ENTRIES = 5;
  /** Evidence items each entry of the status copy shows; the ledger keeps them all. */
  static final int COPY_EVIDENCE = 3;
  /** The ledger keeps at least this many newest entries, with their evidence. */
  public static final int LEDGER_NEWEST = 20;
  /** Entries with an approval kept, so that an approval is used once. */
  static final int LEDGER_APPROVALS = 50;
  /** The hard bound of the ledger. */
  public static final int LEDGER_MAX = 120;
  /** S6 counts the actions of the last hour; the ledger keeps them all (at most maxActionsPerHour, 60). */
  static final Duration LEDGER_WINDOW = Duration.ofHours(1);
  static final int TARGET_BYTES = 320;
  static final int DETAIL_BYTES = 512;
  static final int PERSON_BYTES = 256;
  static final int REFERENCE_BYTES = 128;
  static final int EVIDENCE_BYTES = 300;
  /**
   * The evidence the ledger carries in all: 120 items of 300 bytes for each of the newest 20 entries, and room for
   * pending ones, far under etcd's 1.5 MiB. Past it, older entries keep their outcome and a note, not their items.
   */
  static final int LEDGER_EVIDENCE_BYTES = 800 * 1024;

  private Histories() {}

  /** The records of a stored history or ledger; entries mangled by hand are skipped rather than guessed at. */
  public static List<ActionRecord> from(List<HistoryEntry> entries) {
    if (entries == null) {
      return List.of();
    }
    return entries.stream().filter(e -> e != null && e.time != null && e.action != null && e.outcome != null)
        .flatMap(e -> {
          try {
            return Stream.of(new ActionRecord(Instant.parse(e.time), e.action,
                e.target == null ? "" : e.target, e.outcome, Optional.ofNullable(e.approvedBy),
                e.planFingerprint == null ? "" : e.planFingerprint, e.detail == null ? "" : e.detail,
                Optional.ofNullable(e.reference), e.evidence == null ? List.of() : e.evidence,
                Optional.ofNullable(e.run).map(LastRuns::memory),
                instant(e.answeredAt)));
          } catch (RuntimeException invalid) {
            return Stream.empty();
          }
        })
        .toList();
  }

  /** A stored moment, or none when it is missing or mangled (the intent's time stands in for it). */
  private static Optional<Instant> instant(String stored) {
    try {
      return Optional.ofNullable(stored).map(Instant::parse);
    } catch (DateTimeParseException mangled) {
      return Optional.empty();
    }
  }

  /**
   * The ledger to store: every pending intent, every entry of the last hour (S6), the newest
   * {@value #LEDGER_NEWEST} with their evidence, and the newest {@value #LEDGER_APPROVALS} approved ones (an
   * approval is used once); older entries keep their outcome but not their evidence.
   */
  public static List<HistoryEntry> toLedger(List<ActionRecord> records, Instant now) {
    List<HistoryEntry> kept = new ArrayList<>();
    int approvals = 0;
    long evidenceBytes = 0;
    for (int i = 0; i < records.size() && kept.size() < LEDGER_MAX; i++) {
      ActionRecord r = records.get(i);
      boolean approved = r.approvedBy().isPresent() && approvals < LEDGER_APPROVALS;
      if (r.approvedBy().isPresent()) {
        approvals++;
      }
      if (r.pending() || i < LEDGER_NEWEST || r.time().isAfter(now.minus(LEDGER_WINDOW)) || approved) {
        long bytes = r.evidence().stream().mapToLong(item -> Text.jsonBytes(Text.bound(item, EVIDENCE_BYTES))).sum();
        boolean withEvidence = (i < LEDGER_NEWEST || r.pending()) && evidenceBytes + bytes <= LEDGER_EVIDENCE_BYTES;
        evidenceBytes += withEvidence ? bytes : 0;
        HistoryEntry entry = entry(r, withEvidence ? r.evidence().size() : 0, r.evidence().size());
        if (!withEvidence) {
          entry.run = null; // kept with the evidence: only the newest clean-up's run is ever recalled (S12)
        }
        kept.add(entry);
      }
    }
    return kept;
  }

  /** The copy for the MigratorDeployment's status: the newest entries, each bounded. */
  static List<HistoryEntry> to(List<ActionRecord> records) {
    return records.stream().limit(COPY_ENTRIES).map(r -> entry(r, COPY_EVIDENCE, r.evidence().size())).toList();
  }

  private static HistoryEntry entry(ActionRecord r, int evidenceShown, int evidenceTotal) {
    HistoryEntry e = new HistoryEntry();
    e.time = r.time().toString();
    e.action = r.action();
    e.target = Text.bound(r.target(), TARGET_BYTES);
    e.outcome = r.outcome();
    e.approvedBy = r.approvedBy().map(p -> Text.bound(p, PERSON_BYTES)).orElse(null);
    e.planFingerprint = Text.bound(r.fingerprint(), REFERENCE_BYTES);
    e.detail = Text.bound(r.detail(), DETAIL_BYTES);
    e.reference = r.reference().map(ref -> Text.bound(ref, REFERENCE_BYTES)).orElse(null);
    e.answeredAt = r.answeredAt().map(Instant::toString).orElse(null);
    List<String> evidence = new ArrayList<>(r.evidence().stream().limit(evidenceShown)
        .map(item -> Text.bound(item, EVIDENCE_BYTES)).toList());
    if (evidenceTotal > evidenceShown) {
      evidence.add((evidenceTotal - evidenceShown) + " more item(s) of evidence: "
          + (evidenceShown == 0 ? "no longer kept (the ledger keeps the evidence of its newest entries)"
              : "in the MigratorEnvironment's status.ledger"));
    }
    e.evidence = evidence.isEmpty() ? null : evidence;
    e.run = r.run().map(LastRuns::bean).orElse(null);
    return e;
  }
}

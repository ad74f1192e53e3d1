package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Poll intervals and the limits past which a run counts as stalled; Go-style durations. */
@ValidationRule(value = TimingSpec.ALL_PARSE
    + " || duration(self.activePollInterval) <= duration(self.pollInterval)",
    fieldPath = ".activePollInterval", reason = "FieldValueInvalid",
    message = "must not be longer than pollInterval: a running migration is polled at least as often as an idle one")
@ValidationRule(value = TimingSpec.ALL_PARSE
    + " || duration(self.activePollInterval) >= duration('1s')",
    fieldPath = ".activePollInterval", reason = "FieldValueInvalid",
    message = "must be at least 1s")
@ValidationRule(value = TimingSpec.ALL_PARSE
    + " || duration(self.pollInterval) <= duration('24h')",
    fieldPath = ".pollInterval", reason = "FieldValueInvalid",
    message = "must be at most 24h")
@ValidationRule(value = TimingSpec.ALL_PARSE
    + " || duration(self.staleAfter) >= duration('1m')",
    fieldPath = ".staleAfter", reason = "FieldValueInvalid",
    message = "must be at least 1m: the migrator sends nothing during long silent steps")
@ValidationRule(value = TimingSpec.ALL_PARSE
    + " || duration(self.maxMigrationDuration) >= duration('1m')",
    fieldPath = ".maxMigrationDuration", reason = "FieldValueInvalid",
    message = "must be at least 1m")
public class TimingSpec {

  /** A Go duration made of whole or decimal numbers of h, m, s and ms; what CEL's duration() parses. */
  public static final String DURATION = "^([0-9]+(\\\\.[0-9]+)?(h|m|s|ms))+$";
  private static final String MUST_BE_DURATION = "must be a Go duration such as 30s, 5m or 1h30m";
  // The cross-field rules only judge durations that are there and parse; the field rules report those that
  // do not. (The API server also checks the rules against the bare `default: {}`, before nested defaults.)
  static final String ALL_PARSE = "!has(self.pollInterval) || !self.pollInterval.matches('" + DURATION + "')"
      + " || !has(self.activePollInterval) || !self.activePollInterval.matches('" + DURATION + "')"
      + " || !has(self.staleAfter) || !self.staleAfter.matches('" + DURATION + "')"
      + " || !has(self.maxMigrationDuration) || !self.maxMigrationDuration.matches('" + DURATION + "')";

  @Default("30s")
  @Size(min = 1, max = 32)
  @ValidationRule(value = "self.matches('" + DURATION + "')", message = MUST_BE_DURATION)
  @JsonPropertyDescription("How often an idle environment is checked.")
  public String pollInterval;

  @Default("5s")
  @Size(min = 1, max = 32)
  @ValidationRule(value = "self.matches('" + DURATION + "')", message = MUST_BE_DURATION)
  @JsonPropertyDescription("How often an environment is checked while a migrator runs.")
  public String activePollInterval;

  @Default("15m")
  @Size(min = 1, max = 32)
  @ValidationRule(value = "self.matches('" + DURATION + "')", message = MUST_BE_DURATION)
  @JsonPropertyDescription("A running migrator that sent no progress for this long counts as stalled.")
  public String staleAfter;

  @Default("2h")
  @Size(min = 1, max = 32)
  @ValidationRule(value = "self.matches('" + DURATION + "')", message = MUST_BE_DURATION)
  @JsonPropertyDescription("A migrator running longer than this counts as stalled.")
  public String maxMigrationDuration;

  @Default("5m")
  @Size(min = 1, max = 32)
  @ValidationRule(value = "self.matches('" + DURATION + "')", message = MUST_BE_DURATION)
  @JsonPropertyDescription("A finished run's messages are leftovers, to be purged, only once the newest is older than"
      + " this: until then the deploy pipeline, which long-polls the same queue (20 s) and sleeps between polls (30 s),"
      + " may still be about to read them. 0s only where the operator is the queue's only reader.")
  public String leftoverAfter;
}

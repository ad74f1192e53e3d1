package gov.cms.bfd.migrator.operator.observe;

import java.util.Objects;
import java.util.Optional;

/** One part of an observation: a value, a typed failure, or not looked at because nothing needed it. */
public sealed interface Observed<T> {

  /** The part was observed. */
  record Seen<T>(T value) implements Observed<T> {
    public Seen {
      Objects.requireNonNull(value, "value");
    }
  }

  /** The AWS call failed; nothing is known of this part. */
  record Failed<T>(AwsFailure failure) implements Observed<T> {
    public Failed {
      Objects.requireNonNull(failure, "failure");
    }
  }

  /** Not looked at: the diagnosis did not need it. */
  record Skipped<T>() implements Observed<T> {}

  static <T> Observed<T> seen(T value) {
    return new Seen<>(value);
  }

  static <T> Observed<T> failed(AwsFailure failure) {
    return new Failed<>(failure);
  }

  static <T> Observed<T> skipped() {
    return new Skipped<>();
  }

  /** The value, if seen. */
  default Optional<T> seenValue() {
    return this instanceof Seen<T> seen ? Optional.of(seen.value()) : Optional.empty();
  }

  /** The failure, if failed. */
  default Optional<AwsFailure> failedWith() {
    return this instanceof Failed<T> failed ? Optional.of(failed.failure()) : Optional.empty();
  }
}

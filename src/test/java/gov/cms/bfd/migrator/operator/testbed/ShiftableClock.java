package gov.cms.bfd.migrator.operator.testbed;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The operator's clock in tests: real time, shifted forward on demand to make a run look stale. */
@Alternative
@Priority(1)
@Singleton
public class ShiftableClock extends Clock {

  private volatile Duration shift = Duration.ZERO;

  public void shift(Duration by) {
    shift = by;
  }

  public void reset() {
    shift = Duration.ZERO;
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(shift);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}

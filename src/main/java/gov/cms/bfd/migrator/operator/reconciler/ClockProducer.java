package gov.cms.bfd.migrator.operator.reconciler;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;

/** The one place the operator reads the wall clock; everything else is handed an {@link java.time.Instant}. */
@ApplicationScoped
public class ClockProducer {
  @Produces
  @ApplicationScoped
  Clock clock() {
    return Clock.systemUTC();
  }
}

package gov.cms.bfd.migrator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The poll interval runs from one look at AWS to the next, not from the end of a reconcile. */
class PollScheduleTest {

  @Test
  void theReconcilesOwnTimeIsTakenOffTheInterval() {
    assertThat(MigratorDeploymentReconciler.fromStart(Duration.ofSeconds(5), Duration.ofMillis(800)))
        .isEqualTo(Duration.ofMillis(4200));
    assertThat(MigratorDeploymentReconciler.fromStart(Duration.ofSeconds(30), Duration.ZERO))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aReconcileLongerThanTheIntervalStillLeavesAPause() {
    assertThat(MigratorDeploymentReconciler.fromStart(Duration.ofSeconds(5), Duration.ofSeconds(9)))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(MigratorDeploymentReconciler.fromStart(Duration.ofSeconds(5), Duration.ofMillis(4500)))
        .isEqualTo(Duration.ofSeconds(1));
  }
}

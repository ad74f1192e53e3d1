package gov.cms.bfd.migrator.operator.report;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.Condition;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.Reasons;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventPlannerTest {

  @Test
  void suspendAndResumeAreEventsNamingWhoAndWhy() {
    var running = status("True", Reasons.READY_TO_DEPLOY);
    var suspended = status("False", Reasons.SUSPENDED);

    var paused = EventPlanner.between(running, suspended, Map.of(EventPlanner.SUSPENDED_BY, "alice",
        EventPlanner.SUSPEND_REASON, "INC-1234: Aurora maintenance"));
    var resumed = EventPlanner.between(suspended, running, Map.of(EventPlanner.RESUMED_BY, "bob"));

    assertThat(paused).filteredOn(e -> e.reason().equals("Suspended")).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("by alice").contains("INC-1234: Aurora maintenance"));
    assertThat(resumed).filteredOn(e -> e.reason().equals("Resumed")).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("by bob"));
    assertThat(EventPlanner.between(suspended, suspended, Map.of())).isEmpty();
  }

  @Test
  void aSuspendWithoutTheAnnotationsSaysNobodySaidWho() {
    var events = EventPlanner.between(status("True", Reasons.READY_TO_DEPLOY), status("False", Reasons.SUSPENDED),
        Map.of());

    assertThat(events).singleElement().satisfies(e -> assertThat(e.message()).contains("did not say"));
  }

  private static MigratorDeploymentStatus status(String ready, String reason) {
    Condition condition = new Condition();
    condition.type = ConditionTypes.READY;
    condition.status = ready;
    condition.reason = reason;
    condition.message = "m";
    var status = new MigratorDeploymentStatus();
    status.conditions = List.of(condition);
    return status;
  }
}

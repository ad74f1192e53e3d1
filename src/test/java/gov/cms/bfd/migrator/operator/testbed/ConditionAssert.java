package gov.cms.bfd.migrator.operator.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.Condition;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import java.util.Optional;

/** Reads and asserts one condition of a MigratorDeployment's status. */
public final class ConditionAssert {

  private ConditionAssert() {}

  public static Optional<Condition> condition(MigratorDeployment md, String type) {
    if (md == null || md.getStatus() == null || md.getStatus().conditions == null) {
      return Optional.empty();
    }
    return md.getStatus().conditions.stream().filter(c -> type.equals(c.type)).findFirst();
  }

  public static boolean has(MigratorDeployment md, String type, String status, String reason) {
    return condition(md, type).filter(c -> status.equals(c.status) && reason.equals(c.reason)).isPresent();
  }

  public static Condition assertCondition(MigratorDeployment md, String type, String status, String reason) {
    Condition condition = condition(md, type).orElseThrow(() -> new AssertionError("no " + type + " condition"));
    assertThat(condition.status).as(type + " status (" + condition.message + ")").isEqualTo(status);
    assertThat(condition.reason).as(type + " reason (" + condition.message + ")").isEqualTo(reason);
    return condition;
  }
}

package gov.cms.bfd.migrator.operator.report;

import static gov.cms.bfd.migrator.operator.observe.Observations.anObservation;
import static gov.cms.bfd.migrator.operator.observe.Observations.nativeMessage;
import static gov.cms.bfd.migrator.operator.observe.Observations.running;
import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.diagnose.Diagnoser;
import gov.cms.bfd.migrator.operator.model.Input;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.SettingsFixtures;
import gov.cms.bfd.migrator.operator.model.Text;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.SystemdStates;
import gov.cms.bfd.migrator.operator.plan.Planner;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * runbook.nextSteps as a person on call reads them: every step of the runbook's section with real names, both routes
 * to the instance (SSH only where SSM does not manage it) and how to read a command's output, the "if failures
 * persist" checks made concrete; none of it cut.
 */
class NextStepsTest {

  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private static final Settings SETTINGS = SettingsFixtures.defaults("test");

  private static MigratorDeploymentStatus compose(Observation seen) {
    var input = new Input("bfd", "test", 1, Map.of(), new Input.Resolved.Valid(SETTINGS), Input.Prior.NONE, NOW);
    var diagnosis = new Diagnoser().diagnose(seen, SETTINGS, NOW);
    var plan = new Planner().plan(diagnosis, seen, SETTINGS, Optional.empty(), List.of(), NOW);
    return new StatusComposer().compose(input, null, seen, diagnosis, Optional.of(plan), List.of());
  }

  private static String condition(MigratorDeploymentStatus status, String type, boolean reason) {
    var c = status.conditions.stream().filter(x -> x.type.equals(type)).findFirst().orElseThrow();
    return reason ? c.reason : c.status;
  }

  @Test
  void exit1StepsCoverTheRunbooksSectionWithBothRoutesAndTheConcreteEscalation() {
    // Exit 1 sends no message: systemd on the instance told it.
    var seen = anObservation(NOW).instance(running("i-0abc", NOW.minus(Duration.ofMinutes(30))))
        .systemd(SystemdStates.exited("i-0abc", NOW, 1)).build();

    var steps = compose(seen).runbook.nextSteps;
    String all = String.join("\n", steps);

    assertThat(steps).allSatisfy(s -> assertThat(s).as("cut").doesNotEndWith(Text.CUT));
    assertThat(steps.size()).isLessThanOrEqualTo(StatusComposer.MAX_STEPS);
    assertThat(all)
        .contains("sudo cat /var/lib/cloud/instance/user-data.txt")
        .contains("sudo bash /var/lib/cloud/instance/user-data.txt")
        .contains("/var/log/cloud-init.log").contains("/var/log/cloud-init-output.log")
        .contains("common_vars.json").contains("extra_vars.json").contains("migrator_vars.json")
        .contains("/opt/bfd-db-migrator/bfd-db-migrator-service.sh")
        .contains("launch_bfd-db-migrator.yml").contains("bfd-db-migrator.service.j2")
        .contains("bfd-db-migrator-service.sh.j2")
        .contains("systemctl status --no-pager -- bfd-db-migrator.service")
        .contains("Re-deploy from Jenkins")
        .contains("through SSM: ").contains("aws ssm get-command-invocation").contains("or over SSH: ssh")
        .contains("ran as the operator's role, not the migrator's")
        .contains("--with-decryption")
        .contains("aws iam simulate-principal-policy").contains("cloudbees-jenkins")
        .contains("aws cloudtrail lookup-events").contains("errorCode")
        .contains("Console Output").contains("Deploy Migrator to")
        .contains("aws health describe-events");
  }

  @Test
  void anInstanceSsmDoesNotManageIsReachedOverSshAndStallsWithoutCallingItAnOutage() {
    var seen = anObservation(NOW).instance(running("i-0abc", NOW.minus(Duration.ofMinutes(40))))
        .message(nativeMessage(5046, 14, "Finished", NOW.minus(Duration.ofMinutes(30))))
        .systemd(SystemdStates.unreachable("i-0abc", NOW)).build();

    var status = compose(seen);

    assertThat(status.runbook.nextSteps.get(0)).contains("not reachable through SSM").contains("over SSH")
        .doesNotContain("through SSM: aws ssm send-command");
    assertThat(String.join("\n", status.runbook.nextSteps)).contains("ssh \"$(aws ec2 describe-instances")
        .contains("aws ssm describe-instance-information");
    assertThat(condition(status, ConditionTypes.STALLED, false)).isEqualTo("True");
    assertThat(condition(status, ConditionTypes.READY, true)).isNotEqualTo(Reasons.AWS_UNAVAILABLE);
    assertThat(condition(status, ConditionTypes.INSTANCE_ABSENT, false)).isEqualTo("False");
    assertThat(status.conditions.stream().filter(c -> c.type.equals(ConditionTypes.INSTANCE_ABSENT)).findFirst()
        .orElseThrow().message).contains("not reachable through SSM");
    assertThat(status.diagnostics.checks).anySatisfy(c -> {
      assertThat(c.name).isEqualTo("SystemdState");
      assertThat(c.passed).isFalse();
      assertThat(c.detail).contains("InvalidInstanceId");
    });
  }

  @Test
  void aKmsErrorBehindTheEncryptedQueueStallsAsAccessDeniedAndNamesTheKey() {
    var seen = Observation.basic(NOW, gov.cms.bfd.migrator.operator.observe.Observed.failed(
        new gov.cms.bfd.migrator.operator.observe.AwsFailure("sqs", "ReceiveMessage",
            gov.cms.bfd.migrator.operator.observe.AwsFailure.Kind.ACCESS_DENIED, "KmsDisabled: key is disabled")),
        gov.cms.bfd.migrator.operator.observe.Observed.seen(List.of()));

    var status = compose(seen);

    assertThat(condition(status, ConditionTypes.STALLED, false)).isEqualTo("True");
    assertThat(condition(status, ConditionTypes.STALLED, true)).isEqualTo(Reasons.ACCESS_DENIED);
    assertThat(condition(status, ConditionTypes.QUEUE_EMPTY, true)).isEqualTo(Reasons.ACCESS_DENIED);
    assertThat(status.conditions.stream().filter(c -> c.type.equals(ConditionTypes.READY)).findFirst().orElseThrow()
        .message).contains("KMS key").contains("kms:Decrypt").contains("KmsDisabled");
  }

  @Test
  void theLogOfARunWhoseInstanceIsUnknownIsNotTheStreamWrittenToLast() {
    // Exit 2 told by a monitor message; EC2 no longer lists the instance it ran on.
    var seen = anObservation(NOW).message(gov.cms.bfd.migrator.operator.observe.Observations.monitorExit("4242", 2,
        NOW.minus(Duration.ofMinutes(30)))).build();

    String all = String.join("\n", compose(seen).runbook.nextSteps);

    assertThat(all).doesNotContain("--max-items 1").contains("pick the run's instance");
  }
}

package gov.cms.bfd.migrator.operator.diagnose;

import gov.cms.bfd.migrator.operator.api.FailureMode;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.Shell;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The runbook's steps for a verdict, with this environment's names filled in. Where the runbook is out of
 * date (facts §7) the steps follow the facts: the migrator's log is migrator-log.json, the SSM paths are
 * /bfd/ENV/common/nonsensitive/ and /bfd/ENV/migrator/nonsensitive/, exit status 4 gets steps of its own.
 */
final class Runbook {

  private Runbook() {}

  static RunbookAdvice advise(Verdict verdict, Optional<FailureMode> failureMode, Observation seen,
      Settings settings, Optional<LogReading> log) {
    var names = new Names(seen, settings);
    if (verdict instanceof Verdict.Unobserved unobserved) {
      return new RunbookAdvice("Undeployable State", RunbookAdvice.PAGE + "#undeployable-state", List.of(
          "The operator could not observe AWS (" + unobserved.failures().get(0).describe() + "); it retries by itself.",
          "Check by hand meanwhile: " + names.receive()));
    }
    if (verdict instanceof Verdict.Clean) {
      return new RunbookAdvice("None", RunbookAdvice.PAGE, List.of(
          "Nothing to do: " + names.queueWord() + " and no migrator instance exists; the next deployment can run."));
    }
    if (verdict instanceof Verdict.InProgress progress) {
      return new RunbookAdvice("None", RunbookAdvice.PAGE, List.of(
          "A migration is running (" + progress.detail() + "): do not purge the queue or stop the service.",
          "Follow it: " + names.receive(),
          "Its log: " + names.logs(progress.instance())));
    }
    FailureMode mode = failureMode.orElse(FailureMode.UndeployableState);
    Optional<Instance> instance = instanceOf(verdict);
    List<String> steps = new ArrayList<>();
    switch (mode) {
      case InvalidAppConfiguration -> {
        steps.add("Exit status 1: the migrator could not load its configuration. Read its log: " + names.logs(instance));
        instance.ifPresent(i -> steps.add("On " + i.id() + " (" + names.ssmShell(i, "sudo cat /var/lib/cloud/instance/user-data.txt; sudo tail -n 100 /var/log/cloud-init-output.log") + "): inspect user-data, /var/log/cloud-init.log, /var/log/cloud-init-output.log and /opt/bfd-db-migrator/bfd-db-migrator-service.sh."));
        steps.add("Verify SSM access as the migrator's role bfd-" + settings.environment() + "-migrator: aws sts get-caller-identity; "
            + names.parameters("/bfd/" + settings.environment() + "/common/nonsensitive/") + " ; "
            + names.parameters("/bfd/" + settings.environment() + "/migrator/nonsensitive/")
            + " (status.diagnostics.checks holds the operator's own view).");
        steps.add("Verify the KMS key named by /bfd/" + settings.environment() + "/common/nonsensitive/kms_key_alias is enabled and the role may decrypt with it.");
        steps.add("Check /beneficiary-fhir-data/ops/ansible/playbooks-ccs/migrator_vars.json and the IAM policies of bfd-"
            + settings.environment() + "-migrator; fix through a pull request.");
        steps.add("Purge the queue before the next deployment: " + names.purge());
      }
      case MigrationFailed, ValidationFailed -> {
        steps.add("Exit status " + (mode == FailureMode.MigrationFailed ? 2 : 3) + ": "
            + (mode == FailureMode.MigrationFailed ? "a Flyway migration failed" : "Hibernate validation failed")
            + ". Read the error lines (status.diagnostics.logExcerpt) or the whole log: " + names.logs(instance));
        steps.add("Help the migration author fix it through a pull request.");
        steps.add("Purge the queue before the next deployment: " + names.purge());
        instance.ifPresent(i -> steps.add("Instance " + i.id() + " is still " + i.state().ec2Name()
            + "; once its log is kept, terminate it: " + names.terminate(i)));
      }
      case UnhandledException -> {
        steps.add("Exit status 4: the migrator stopped on an unhandled exception (the runbook has no section for it). "
            + "Read the \"app terminating due to unhandled exception\" line and what precedes it: " + names.logs(instance));
        steps.add("A common cause is SQS itself: check that " + settings.queueName() + " exists and that the role bfd-"
            + settings.environment() + "-migrator may sqs:GetQueueUrl and sqs:SendMessage on it.");
        steps.add("Fix the cause, then purge the queue before the next deployment: " + names.purge());
        instance.ifPresent(i -> steps.add("Instance " + i.id() + " is still " + i.state().ec2Name() + ": "
            + names.terminate(i) + " once its log is kept."));
      }
      default -> undeployable(verdict, names, settings, instance, steps);
    }
    return new RunbookAdvice(section(mode), url(mode), steps);
  }

  private static void undeployable(Verdict verdict, Names names, Settings settings, Optional<Instance> instance,
      List<String> steps) {
    steps.add("Make sure no migration is running: " + names.describeInstances());
    if (verdict instanceof Verdict.Finished finished && finished.exitStatus().filter(s -> s == 0).isPresent()) {
      steps.add("The last run succeeded (" + finished.evidence() + "); read the messages: " + names.receive());
      steps.add("Purge the queue: " + names.purge());
    } else {
      steps.add("Read the messages: " + names.receive());
      String why = verdict instanceof Verdict.Stalled s ? s.why()
          : verdict instanceof Verdict.Finished f ? f.evidence()
          : verdict instanceof Verdict.Orphaned o ? "instance " + o.instance().id() + " has no run evidence"
          : verdict instanceof Verdict.NoEvidence n ? n.what() : "no exit status seen";
      steps.add("No exit status settles it: " + why + ".");
      instance.ifPresent(i -> {
        steps.add("Check the service on " + i.id() + ": " + names.ssmShell(i, "systemctl status -- " + names.unit()));
        steps.add("Make sure it is stopped: " + names.ssmShell(i, "sudo systemctl stop -- " + names.unit()));
        steps.add("Read its log: " + names.logs(Optional.of(i)));
      });
      steps.add("Then purge the queue: " + names.purge());
    }
    steps.add("Re-deploy. If it still fails, check the deploying role's IAM permissions and AWS health.");
  }

  private static Optional<Instance> instanceOf(Verdict verdict) {
    if (verdict instanceof Verdict.Finished f) {
      return f.instance();
    }
    if (verdict instanceof Verdict.Stalled s) {
      return s.instance();
    }
    if (verdict instanceof Verdict.Orphaned o) {
      return Optional.of(o.instance());
    }
    return Optional.empty();
  }

  static String section(FailureMode mode) {
    return switch (mode) {
      case None -> "None";
      case UndeployableState -> "Undeployable State";
      case InvalidAppConfiguration -> "Invalid App Configuration (1)";
      case MigrationFailed -> "Migration Failed (2)";
      case ValidationFailed -> "Validation Failed (3)";
      case UnhandledException -> "Unhandled Exception (4): not in the runbook";
    };
  }

  static String url(FailureMode mode) {
    return switch (mode) {
      case None, UnhandledException -> RunbookAdvice.PAGE;
      case UndeployableState -> RunbookAdvice.PAGE + "#undeployable-state";
      case InvalidAppConfiguration -> RunbookAdvice.PAGE + "#invalid-app-configuration-1";
      case MigrationFailed -> RunbookAdvice.PAGE + "#migration-failed-2";
      case ValidationFailed -> RunbookAdvice.PAGE + "#validation-failed-3";
    };
  }

  /**
   * The environment's real names, and the commands that use them: every value shell-quoted (a person pastes these
   * commands), the JSON parameters JSON-encoded first.
   */
  private record Names(Observation seen, Settings settings) {

    String region() {
      return Shell.quote(settings.region());
    }

    String queueUrl() {
      return seen.queue().seenValue().filter(QueueState.Present.class::isInstance)
          .map(q -> Shell.quote(((QueueState.Present) q).url()))
          .orElse("\"$(aws sqs get-queue-url --region " + region() + " --queue-name " + Shell.quote(settings.queueName())
              + " --output text)\"");
    }

    String queueWord() {
      return seen.queue().seenValue().filter(QueueState.Missing.class::isInstance).isPresent()
          ? "queue " + settings.queueName() + " does not exist" : "queue " + settings.queueName() + " is empty";
    }

    String receive() {
      return "aws sqs receive-message --region " + region() + " --queue-url " + queueUrl()
          + " --visibility-timeout 0 --max-number-of-messages 10 --attribute-names SentTimestamp";
    }

    String purge() {
      return "aws sqs purge-queue --region " + region() + " --queue-url " + queueUrl();
    }

    /** EC2 reads {@code *} and {@code ?} in a filter value as wildcards: the tags are matched as written. */
    String describeInstances() {
      String filters = settings.instanceTags().entrySet().stream().sorted(Map.Entry.comparingByKey())
          .map(t -> "{\"Name\":" + Shell.json("tag:" + t.getKey()) + ",\"Values\":["
              + Shell.json(t.getValue().replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")) + "]}")
          .collect(Collectors.joining(","));
      return "aws ec2 describe-instances --region " + region() + " --filters " + Shell.quote("[" + filters
          + ",{\"Name\":\"instance-state-name\",\"Values\":[\"pending\",\"running\",\"stopping\",\"stopped\"]}]");
    }

    String terminate(Instance instance) {
      return "aws ec2 terminate-instances --region " + region() + " --instance-ids " + Shell.quote(instance.id());
    }

    String parameters(String path) {
      return "aws ssm get-parameters-by-path --region " + region() + " --path " + Shell.quote(path);
    }

    String logs(Optional<Instance> instance) {
      return "aws logs get-log-events --region " + region() + " --log-group-name " + Shell.quote(settings.logGroup())
          + " --log-stream-name " + instance.map(i -> Shell.quote(i.id())).orElse("<instance id: the stream written to last>")
          + " --no-start-from-head --limit 100 (the migrator's own log, /opt/bfd-db-migrator/migrator-log.json on the instance)";
    }

    String unit() {
      return Shell.quote(settings.serviceUnit());
    }

    String ssmShell(Instance instance, String command) {
      return "aws ssm send-command --region " + region() + " --instance-ids " + Shell.quote(instance.id())
          + " --document-name AWS-RunShellScript --parameters "
          + Shell.quote("{\"commands\":[" + Shell.json(command) + "]}");
    }
  }
}

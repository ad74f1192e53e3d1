package gov.cms.bfd.migrator.operator.diagnose;

import gov.cms.bfd.migrator.operator.api.FailureMode;
import gov.cms.bfd.migrator.operator.diagnose.RunbookAdvice.Kind;
import gov.cms.bfd.migrator.operator.diagnose.RunbookAdvice.Step;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.Shell;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The runbook's steps for a verdict, with this environment's names filled in. Where the runbook is out of
 * date (facts §7) the steps follow the facts: the migrator's log is migrator-log.json, the SSM paths are
 * /bfd/ENV/common/nonsensitive/ and /bfd/ENV/migrator/nonsensitive/, exit status 4 gets steps of its own.
 */
final class Runbook {

  private Runbook() {}

  static RunbookAdvice advise(Verdict verdict, Optional<FailureMode> failureMode, Observation seen,
      Settings settings, Optional<LogReading> log) {
    var names = new Commands(seen, settings);
    List<Step> steps = new ArrayList<>();
    if (verdict instanceof Verdict.Unobserved unobserved) {
      steps.add(new Step(Kind.NOTE, "The operator could not observe AWS (" + unobserved.failures().get(0).describe()
          + "); it retries by itself."));
      steps.add(new Step(Kind.READ_MESSAGES, "Check by hand meanwhile: " + names.receive()));
      return new RunbookAdvice("Undeployable State", RunbookAdvice.PAGE + "#undeployable-state", steps);
    }
    if (verdict instanceof Verdict.Clean && Diagnoser.misnamed(seen)) {
      steps.add(new Step(Kind.FIX, "Nothing of environment '" + names.environment() + "' exists in region "
          + settings.region() + ": no queue " + names.queueName() + ", no migrator instance, no log group "
          + settings.logGroup() + ". Unless this environment is new, check its name and region: "
          + "kubectl get migratorenvironment " + Shell.quote(names.environment()) + " -o yaml"));
      steps.add(new Step(Kind.NOTE, "The gate is open, as the deploy pipeline's pre-check would be on a missing queue."));
      return new RunbookAdvice("None", RunbookAdvice.PAGE, steps);
    }
    if (verdict instanceof Verdict.Clean) {
      steps.add(new Step(Kind.NOTE, "Nothing to do: " + names.queueWord()
          + " and no migrator instance exists; the next deployment can run."));
      return new RunbookAdvice("None", RunbookAdvice.PAGE, steps);
    }
    if (verdict instanceof Verdict.InProgress progress) {
      steps.add(new Step(Kind.NOTE, "A migration is running (" + progress.detail()
          + "): do not purge the queue or stop the service."));
      steps.add(new Step(Kind.READ_MESSAGES, "Follow it: " + names.receive()));
      steps.add(new Step(Kind.READ_LOG, "Its log: " + names.logs(progress.instance())));
      return new RunbookAdvice("None", RunbookAdvice.PAGE, steps);
    }
    FailureMode mode = failureMode.orElse(FailureMode.UndeployableState);
    Optional<Instance> instance = instanceOf(verdict);
    Optional<String> file = migrationFile(verdict, log);
    String inFile = file.map(f -> " (" + f + ")").orElse("");
    // What systemd's answer found comes first: it changes how the instance is reached, or what "stopped" can mean.
    Diagnoser.systemdFinding(seen).ifPresent(finding -> steps.add(new Step(Kind.NOTE, finding
        + seen.systemd().seenValue().filter(sd -> sd.unit() == gov.cms.bfd.migrator.operator.observe.SystemdState.Unit.UNREACHABLE)
            .flatMap(sd -> instanceById(seen, sd.instanceId()))
            .map(i -> " Reach it as the runbook does, over SSH from the VPN: " + names.ssh(i, names.serviceStatus())
                + " ; SSM manages it again once its agent runs and is registered: aws ssm describe-instance-information"
                + " --region " + names.region() + " --filters " + Shell.quote("Key=InstanceIds,Values=" + i.id()))
            .orElse(""))));
    switch (mode) {
      case InvalidAppConfiguration -> invalidConfiguration(names, instance, steps);
      case MigrationFailed, ValidationFailed -> {
        boolean migration = mode == FailureMode.MigrationFailed;
        steps.add(new Step(Kind.READ_LOG, "Exit status " + (migration ? 2 : 3) + ": "
            + (migration ? "a Flyway migration failed" + inFile : "Hibernate validation failed")
            + ". Read the error lines (status.diagnostics.logExcerpt) or the whole log: " + names.logs(instance)));
        instance.filter(i -> i.state().mayRun()).ifPresent(i -> steps.add(new Step(Kind.READ_LOG,
            "Or read the log file on " + i.id() + " itself, " + names.logOnInstance(i))));
        steps.add(new Step(Kind.FIX, "Help the author of " + file.orElse(migration ? "the migration" : "the entities")
            + " fix it through a pull request; the next deployment runs it again."));
      }
      case UnhandledException -> {
        steps.add(new Step(Kind.READ_LOG, "Exit status 4: the migrator stopped on an unhandled exception (the runbook"
            + " has no section for it). Read the \"app terminating due to unhandled exception\" line and what precedes"
            + " it: " + names.logs(instance)));
        instance.filter(i -> i.state().mayRun()).ifPresent(i -> steps.add(new Step(Kind.READ_LOG,
            "Or read the log file on " + i.id() + " itself, " + names.logOnInstance(i))));
        steps.add(new Step(Kind.FIX, "A common cause is SQS itself: check that " + names.queueName()
            + " exists and that the role bfd-" + names.environment() + "-migrator may sqs:GetQueueUrl and"
            + " sqs:SendMessage on it; fix the cause through a pull request."));
      }
      default -> undeployable(verdict, names, instance, steps);
    }
    if (mode != FailureMode.UndeployableState) {
      steps.add(new Step(Kind.PURGE, "Purge the queue before the next deployment: " + names.purge()));
    }
    instance.ifPresent(i -> steps.add(new Step(Kind.TERMINATE, "Instance " + i.id() + " is still "
        + i.state().ec2Name() + " (the runbook calls a lingering migrator instance anomalous): once no migration runs"
        + " and its log is read, terminate it: " + names.terminate(i))));
    steps.add(new Step(Kind.REDEPLOY, "Re-deploy from Jenkins" + (mode == FailureMode.UndeployableState ? "."
        : " once the fix is merged.")));
    escalate(names).forEach(text -> steps.add(new Step(Kind.ESCALATE, text)));
    return new RunbookAdvice(section(mode), url(mode), steps);
  }

  /**
   * The runbook's "if failures persist", made concrete: the deploy job's console log around the migrator stage, the
   * deploy role's IAM (the runbook's cloudbees-jenkins role) simulated for what deployMigrator calls, CloudTrail's
   * errors on the queue, and AWS Health for the services the migrator uses.
   */
  static List<String> escalate(Commands names) {
    String role = "cloudbees-jenkins";
    String health = "{\"eventStatusCodes\":[\"open\"],\"services\":[\"SQS\",\"EC2\",\"SSM\",\"KMS\",\"RDS\"],"
        + "\"regions\":[" + gov.cms.bfd.migrator.operator.model.Shell.json(names.regionName()) + "]}";
    return List.of("If failures persist: (1) read the failed Jenkins build's Console Output for the stage \"Deploy"
        + " Migrator to <env>\" and what runs before it (awsAuth.assumeRole, the Terraform plan and apply of"
        + " ops/terraform/services/migrator, \"Queue " + names.queueName() + " has messages\", the [Migrator monitor]"
        + " lines); (2) check the deploy role's IAM permissions (the runbook's " + role + " role): aws iam"
        + " list-attached-role-policies --role-name " + role + " && aws iam simulate-principal-policy"
        + " --policy-source-arn \"$(aws iam get-role --role-name " + role + " --query Role.Arn --output text)\""
        + " --action-names sqs:GetQueueUrl sqs:ReceiveMessage sqs:DeleteMessage sqs:PurgeQueue ssm:GetParameter"
        + " ssm:PutParameter ec2:RunInstances ec2:TerminateInstances --query"
        + " 'EvaluationResults[?EvalDecision!=`allowed`].[EvalActionName,EvalDecision]' --output text (no line: all"
        + " allowed).",
        "If failures persist, also: (3) look for errors in CloudTrail (the Splunk AWS CloudTrail Errors dashboard, or:"
        + " aws cloudtrail lookup-events --region " + names.region() + " --lookup-attributes"
        + " AttributeKey=ResourceName,AttributeValue=" + Shell.quote(names.queueName()) + " --max-results 50 --query"
        + " 'Events[].CloudTrailEvent' --output text | grep -o '\"errorCode\":\"[^\"]*\",\"errorMessage\":\"[^\"]*\"');"
        + " (4) AWS Health: aws health describe-events --region us-east-1 --filter " + Shell.quote(health) + ".");
  }

  /** Every step of the runbook's section for exit 1, with the instance's real names and both routes to it. */
  private static void invalidConfiguration(Commands names, Optional<Instance> instance, List<Step> steps) {
    String env = names.environment();
    String role = "bfd-" + env + "-migrator";
    String vars = "/beneficiary-fhir-data/ops/ansible/playbooks-ccs/";
    steps.add(new Step(Kind.READ_LOG, "Exit status 1: the migrator could not load its configuration (it sends no queue"
        + " message for exit 1). Read its log: " + names.logs(instance)));
    // What the migrator itself reads at start (facts §2.4); the sensitive paths decrypted with the CMK as it does.
    String access = "aws sts get-caller-identity && " + names.parameters("/bfd/" + env + "/common/nonsensitive/")
        + " --query 'length(Parameters)' && " + names.parameters("/bfd/" + env + "/migrator/nonsensitive/")
        + " --query 'length(Parameters)'";
    String decrypted = names.parameters("/bfd/" + env + "/migrator/sensitive/") + " --with-decryption --query"
        + " 'length(Parameters)' && " + names.parameters("/bfd/" + env + "/common/sensitive/new_relic/")
        + " --with-decryption --query 'length(Parameters)'";
    String notOurs = "the operator's checks in status.diagnostics.checks ran as the operator's role, not the migrator's";
    if (instance.isPresent()) {
      Instance i = instance.get();
      steps.add(new Step(Kind.INSPECT_INSTANCE, "On " + i.id() + ", read the user-data and what cloud-init logged, "
          + names.onInstance(i, "sudo cat /var/lib/cloud/instance/user-data.txt; sudo tail -n 100 "
              + "/var/log/cloud-init.log /var/log/cloud-init-output.log")));
      steps.add(new Step(Kind.INSPECT_INSTANCE, "Re-apply the user-data and look for errors, then at the generated"
          + " service script and the unit, " + names.onInstance(i, "sudo bash /var/lib/cloud/instance/user-data.txt;"
              + " sudo cat /opt/bfd-db-migrator/bfd-db-migrator-service.sh; sudo systemctl status --no-pager -- "
              + names.unitName())));
      steps.add(new Step(Kind.INSPECT_INSTANCE, "Inspect the variables cloud-init derived, " + names.onInstance(i,
          "sudo cat " + vars + "common_vars.json " + vars + "extra_vars.json " + vars + "migrator_vars.json")));
      steps.add(new Step(Kind.VERIFY_ACCESS, "Verify SSM access as the migrator's own role " + role + " (its instance"
          + " profile; " + notOurs + "), on the instance, " + names.onInstance(i, access)));
      steps.add(new Step(Kind.VERIFY_ACCESS, "And the sensitive paths, decrypted with the key as the migrator does, "
          + names.onInstance(i, decrypted)));
    } else {
      // No instance left to look at: what the runbook reads on it is still where the next one will have it.
      steps.add(new Step(Kind.INSPECT_INSTANCE, "No migrator instance is left to inspect: on the next one, read"
          + " /var/lib/cloud/instance/user-data.txt (re-apply it: sudo bash /var/lib/cloud/instance/user-data.txt),"
          + " /var/log/cloud-init.log, /var/log/cloud-init-output.log, /opt/bfd-db-migrator/bfd-db-migrator-service.sh,"
          + " the variables cloud-init derived (" + vars + "common_vars.json, extra_vars.json, migrator_vars.json) and"
          + " sudo systemctl status --no-pager -- " + names.unit() + ", over SSH or SSM Run Command as above."));
      steps.add(new Step(Kind.VERIFY_ACCESS, "Verify SSM access as the migrator's own role " + role + " (" + notOurs
          + "), with that role's credentials: " + access + " && " + decrypted));
    }
    steps.add(new Step(Kind.VERIFY_ACCESS, "Verify the KMS key named by /bfd/" + env + "/common/nonsensitive/kms_key_alias"
        + " is enabled and " + role + " may use it: aws kms describe-key --region " + names.region() + " --key-id"
        + " \"$(aws ssm get-parameter --region " + names.region() + " --name " + Shell.quote("/bfd/" + env
            + "/common/nonsensitive/kms_key_alias") + " --query Parameter.Value --output text)\""));
    steps.add(new Step(Kind.FIX, "Adjust what is wrong: the IAM policies attached to " + role + ", or the Ansible files "
        + "/beneficiary-fhir-data/ops/ansible/playbooks-ccs/launch_bfd-db-migrator.yml and "
        + "/beneficiary-fhir-data/ops/ansible/roles/bfd-db-migrator/templates/{bfd-db-migrator.service.j2,"
        + "bfd-db-migrator-service.sh.j2}; record the adjustments in a new branch and ask BFD engineers to review"
        + " the pull request."));
  }

  private static void undeployable(Verdict verdict, Commands names, Optional<Instance> instance, List<Step> steps) {
    steps.add(new Step(Kind.CHECK_RUNNING, "Make sure no migration is running: " + names.describeInstances()));
    if (verdict instanceof Verdict.Finished finished && finished.exitStatus().filter(s -> s == 0).isPresent()) {
      steps.add(new Step(Kind.READ_MESSAGES, "The last run succeeded (" + finished.evidence() + "); read the messages: "
          + names.receive()));
    } else {
      steps.add(new Step(Kind.READ_MESSAGES, "Read the messages: " + names.receive()));
      String why = verdict instanceof Verdict.Stalled s ? s.why()
          : verdict instanceof Verdict.Finished f ? f.evidence()
          : verdict instanceof Verdict.Orphaned o ? "instance " + o.instance().id() + " has no run evidence: " + o.why()
          : verdict instanceof Verdict.NoEvidence n ? n.what() : "no exit status seen";
      steps.add(new Step(Kind.NOTE, "No exit status settles it: " + why + "."));
      instance.ifPresent(i -> {
        steps.add(new Step(Kind.CHECK_RUNNING, "Check the service on " + i.id() + ", "
            + names.onInstance(i, names.serviceStatus())));
        steps.add(new Step(Kind.STOP_SERVICE, "Make sure no migration runs: stop it, "
            + names.onInstance(i, names.serviceStop())));
        steps.add(new Step(Kind.READ_LOG, "Read its log: " + names.logs(Optional.of(i))));
      });
    }
    steps.add(new Step(Kind.PURGE, "Purge the queue: " + names.purge()));
  }

  /**
   * The migration file the run failed in: the native format's last file before Failed (facts §2.2), else what
   * Flyway's error line names.
   */
  static Optional<String> migrationFile(Verdict verdict, Optional<LogReading> log) {
    Optional<Run> run = verdict instanceof Verdict.Finished f ? f.run() : verdict instanceof Verdict.Stalled s
        ? s.run() : Optional.empty();
    Optional<String> fromMessages = run.flatMap(Run::lastMigrationFile);
    return fromMessages.isPresent() ? fromMessages : log.flatMap(LogReading::migrationFile);
  }

  private static Optional<Instance> instanceById(Observation seen, String id) {
    return seen.instances().seenValue().orElse(List.of()).stream().filter(i -> i.id().equals(id)).findFirst();
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
}

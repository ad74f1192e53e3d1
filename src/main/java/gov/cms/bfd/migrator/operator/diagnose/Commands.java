package gov.cms.bfd.migrator.operator.diagnose;

import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.Shell;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.observe.SystemdState;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The environment's real names, and the commands a person runs with them: every value shell-quoted (a person pastes
 * these commands), the JSON parameters JSON-encoded first. Pure.
 */
public final class Commands {

  private final Observation seen;
  private final Settings settings;

  public Commands(Observation seen, Settings settings) {
    this.seen = seen;
    this.settings = settings;
  }

  public String region() {
    return Shell.quote(settings.region());
  }

  /** The region as it is, unquoted (to go inside a JSON value that is quoted as a whole). */
  public String regionName() {
    return settings.region();
  }

  public String queueUrl() {
    return seen.queue().seenValue().filter(QueueState.Present.class::isInstance)
        .map(q -> Shell.quote(((QueueState.Present) q).url()))
        .orElse("\"$(aws sqs get-queue-url --region " + region() + " --queue-name " + Shell.quote(settings.queueName())
            + " --output text)\"");
  }

  public String queueWord() {
    return seen.queue().seenValue().filter(QueueState.Missing.class::isInstance).isPresent()
        ? "queue " + settings.queueName() + " does not exist" : "queue " + settings.queueName() + " is empty";
  }

  public String receive() {
    return "aws sqs receive-message --region " + region() + " --queue-url " + queueUrl()
        + " --visibility-timeout 0 --max-number-of-messages 10 --attribute-names SentTimestamp";
  }

  public String purge() {
    return "aws sqs purge-queue --region " + region() + " --queue-url " + queueUrl();
  }

  /** EC2 reads {@code *} and {@code ?} in a filter value as wildcards: the tags are matched as written. */
  public String describeInstances() {
    String filters = settings.instanceTags().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(t -> "{\"Name\":" + Shell.json("tag:" + t.getKey()) + ",\"Values\":["
            + Shell.json(t.getValue().replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")) + "]}")
        .collect(Collectors.joining(","));
    return "aws ec2 describe-instances --region " + region() + " --filters " + Shell.quote("[" + filters
        + ",{\"Name\":\"instance-state-name\",\"Values\":[\"pending\",\"running\",\"stopping\",\"stopped\"]}]");
  }

  public String terminate(Instance instance) {
    return "aws ec2 terminate-instances --region " + region() + " --instance-ids " + Shell.quote(instance.id());
  }

  public String parameters(String path) {
    return "aws ssm get-parameters-by-path --region " + region() + " --path " + Shell.quote(path);
  }

  /**
   * The run's log: the stream named after its instance, or the stream written to last (looked up in the same line).
   * Every page: the CLI follows the tokens itself.
   */
  public String logs(Optional<Instance> instance) {
    if (instance.isEmpty()) {
      // One stream per instance id: the stream written to last may be another instance's, so the person picks.
      return "aws logs describe-log-streams --region " + region() + " --log-group-name " + Shell.quote(settings.logGroup())
          + " --order-by LastEventTime --descending --max-items 5 --query 'logStreams[].[logStreamName,lastEventTimestamp]'"
          + " --output text (one stream per instance id: pick the run's instance), then aws logs get-log-events --region "
          + region() + " --log-group-name " + Shell.quote(settings.logGroup()) + " --log-stream-name INSTANCE_ID"
          + " --start-from-head --output text --query 'events[].message'";
    }
    return "aws logs get-log-events --region " + region() + " --log-group-name " + Shell.quote(settings.logGroup())
        + " --log-stream-name " + Shell.quote(instance.get().id()) + " --start-from-head --output text"
        + " --query 'events[].message'";
  }

  /** The log file on the instance itself (facts §2.5), the runbook's route through the instance. */
  public String logOnInstance(Instance instance) {
    return onInstance(instance, "sudo tail -n 200 /opt/bfd-db-migrator/migrator-log.json");
  }

  /** A shell command on the instance through SSM Run Command, and how to read what it printed. */
  public String ssmRun(Instance instance, String command) {
    return "id=$(" + ssmShell(instance, command) + " --query Command.CommandId --output text) && sleep 5 && "
        + "aws ssm get-command-invocation --region " + region() + " --instance-id " + Shell.quote(instance.id())
        + " --command-id \"$id\" --query '[Status,StandardOutputContent,StandardErrorContent]' --output text";
  }

  /**
   * The same command over SSH, the runbook's own route (and the one left when SSM does not manage the instance):
   * the instance has no public address, so its private one, from the VPN.
   */
  public String ssh(Instance instance, String command) {
    return "ssh \"$(aws ec2 describe-instances --region " + region() + " --instance-ids " + Shell.quote(instance.id())
        + " --query 'Reservations[0].Instances[0].PrivateIpAddress' --output text)\" " + Shell.quote(command);
  }

  /**
   * Both routes to a command on the instance; only SSH when SSM does not manage it (SendCommand answered
   * InvalidInstanceId), the runbook's own route.
   */
  public String onInstance(Instance instance, String command) {
    if (unreachable(instance)) {
      return "over SSH (SSM does not manage " + instance.id() + "): " + ssh(instance, command);
    }
    return "through SSM: " + ssmRun(instance, command) + " ; or over SSH: " + ssh(instance, command);
  }

  /** Whether SSM answered that it does not manage the instance. */
  public boolean unreachable(Instance instance) {
    return seen.systemd().seenValue().filter(s -> s.instanceId().equals(instance.id()))
        .filter(s -> s.unit() == SystemdState.Unit.UNREACHABLE).isPresent();
  }

  public String serviceStatus() {
    return "sudo systemctl status --no-pager -- " + unit();
  }

  public String serviceStop() {
    return "sudo systemctl stop -- " + unit();
  }

  public String unitName() {
    return settings.serviceUnit();
  }

  public String queueName() {
    return settings.queueName();
  }

  public String logGroup() {
    return settings.logGroup();
  }

  public String environment() {
    return settings.environment();
  }

  public String describeInstance(Instance instance) {
    return "aws ec2 describe-instances --region " + region() + " --instance-ids " + Shell.quote(instance.id());
  }

  public String unit() {
    return Shell.quote(settings.serviceUnit());
  }

  public String ssmShell(Instance instance, String command) {
    return "aws ssm send-command --region " + region() + " --instance-ids " + Shell.quote(instance.id())
        + " --document-name AWS-RunShellScript --parameters "
        + Shell.quote("{\"commands\":[" + Shell.json(command) + "]}");
  }
}

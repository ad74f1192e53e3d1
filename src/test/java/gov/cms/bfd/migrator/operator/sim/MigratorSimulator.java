package gov.cms.bfd.migrator.operator.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gov.cms.bfd.migrator.operator.testbed.RealismLayer;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Plays the BFD migrator against moto the way the real one behaves (facts §2–§4): the queue, the messages
 * of both formats, the EC2 instance with its tags, the CloudWatch log stream named after the instance, and
 * the SSM parameters and KMS key around it.
 */
public final class MigratorSimulator implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final String environment;
  private final SqsClient sqs;
  private final Ec2Client ec2;
  private final CloudWatchLogsClient logs;
  private final SsmClient ssm;
  private final KmsClient kms;
  private final RealismLayer realism;
  private final String region;

  public MigratorSimulator(URI endpoint, String region, String environment) {
    this.environment = environment;
    this.realism = new RealismLayer(endpoint);
    this.region = region;
    var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
    Region r = Region.of(region);
    sqs = SqsClient.builder().endpointOverride(endpoint).region(r).credentialsProvider(credentials).build();
    ec2 = Ec2Client.builder().endpointOverride(endpoint).region(r).credentialsProvider(credentials).build();
    logs = CloudWatchLogsClient.builder().endpointOverride(endpoint).region(r).credentialsProvider(credentials).build();
    ssm = SsmClient.builder().endpointOverride(endpoint).region(r).credentialsProvider(credentials).build();
    kms = KmsClient.builder().endpointOverride(endpoint).region(r).credentialsProvider(credentials).build();
  }

  public String queueName() {
    return "bfd-" + environment + "-migrator";
  }

  public String logGroup() {
    return "/bfd/" + environment + "/bfd-db-migrator/migrator-log.json";
  }

  /** The standard queue Terraform creates (facts §4.1). */
  public String createQueue() {
    return sqs.createQueue(b -> b.queueName(queueName())).queueUrl();
  }

  public void send(String body) {
    String url = sqs.getQueueUrl(b -> b.queueName(queueName())).queueUrl();
    sqs.sendMessage(b -> b.queueUrl(url).messageBody(body));
  }

  /** A person purging the queue by hand (runbook step 4). */
  public void purgeQueue() {
    String url = sqs.getQueueUrl(b -> b.queueName(queueName())).queueUrl();
    sqs.purgeQueue(b -> b.queueUrl(url));
  }

  /**
   * What the queue holds, every message (in flight too), read from the realism layer in front of moto without
   * receiving: a receive with visibility timeout 0 would return only a subset (a short poll, as in AWS) and raise
   * each message's receive count.
   */
  public List<String> peekBodies() {
    return realism.messages(region, queueName()).stream().map(RealismLayer.TruthMessage::body).toList();
  }

  /** The app's message (Jackson, alphabetical, nulls omitted): {"appStage":..,"messageId":..,"pid":..}. */
  public static String nativeMessage(long pid, long messageId, String appStage) {
    ObjectNode node = JSON.createObjectNode().put("appStage", appStage).put("messageId", messageId);
    node.put("pid", pid);
    return node.toString();
  }

  public static String nativeMigrating(long pid, long messageId, String stage, String version, String file) {
    ObjectNode node = JSON.createObjectNode().put("appStage", "Migrating").put("messageId", messageId);
    ObjectNode migration = node.putObject("migrationStage");
    migration.put("migrationFile", file).put("stage", stage).put("version", version);
    node.put("pid", pid);
    return node.toString();
  }

  /** The migrator-monitor's message (facts §3): all strings; running is code (null), status 0/0. */
  public static String monitorMessage(String pid, String code, String status, String schemaVersion) {
    ObjectNode node = JSON.createObjectNode().put("pid", pid).put("start_time", "Mon 2023-03-13 18:00:01 UTC")
        .put("stop_time", "0/0".equals(status) ? "" : "Mon 2023-03-13 18:03:10 UTC").put("code", code)
        .put("status", status);
    if (schemaVersion != null) {
      node.put("schema_version", schemaVersion);
    }
    return node.toString();
  }

  /** A migrator instance as Terraform launches it (facts §4.2), tagged Name=bfd-ENV-migrator. */
  public String launchInstance() {
    return launchInstance(Map.of("Name", "bfd-" + environment + "-migrator", "role", "migrator", "Layer", "data"));
  }

  public String launchInstance(Map<String, String> tags) {
    return ec2.runInstances(b -> b.imageId("ami-12c6146b").minCount(1).maxCount(1).instanceType(InstanceType.M6_A_LARGE)
        .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
            .tags(tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())
            .build()))
        .instances().get(0).instanceId();
  }

  /**
   * A migrator instance whose SSM agent never registered: SendCommand to it is InvalidInstanceId (the realism layer
   * plays it for instances tagged so).
   */
  public String launchInstanceSsmDoesNotManage() {
    return launchInstance(Map.of("Name", "bfd-" + environment + "-migrator", "role", "migrator", "Layer", "data",
        "moto-realism/ssm-managed", "false"));
  }

  /**
   * What systemd on the instance says of bfd-db-migrator.service from now on (ActiveState, ExecMainCode, ...; stopFails
   * makes its stop fail), for Run Command through the realism layer.
   */
  public void systemd(String instanceId, Map<String, String> properties) {
    realism.unit(instanceId, "bfd-db-migrator.service", properties);
  }

  /** The unit as systemd holds it now (stoppedBy once someone stopped it). */
  public java.util.Optional<com.fasterxml.jackson.databind.JsonNode> systemd(String instanceId) {
    return realism.unit(instanceId, "bfd-db-migrator.service");
  }

  public void stopInstance(String instanceId) {
    ec2.stopInstances(b -> b.instanceIds(instanceId));
  }

  public void terminateInstance(String instanceId) {
    ec2.terminateInstances(b -> b.instanceIds(instanceId));
  }

  /** The environment's log group, as Terraform creates it before any migrator ran. */
  public void createLogGroup() {
    try {
      logs.createLogGroup(b -> b.logGroupName(logGroup()));
    } catch (ResourceAlreadyExistsException e) {
      // already there
    }
  }

  /** Log lines as logback writes them (JSON, facts §2.5) into the instance's stream. */
  public void log(String instanceId, List<String> messages) {
    createLogGroup();
    try {
      logs.createLogStream(b -> b.logGroupName(logGroup()).logStreamName(instanceId));
    } catch (ResourceAlreadyExistsException e) {
      // already there
    }
    long now = Instant.now().toEpochMilli();
    List<InputLogEvent> events = new java.util.ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      String level = messages.get(i).contains("failed") || messages.get(i).contains("terminating")
          || messages.get(i).contains("Exception") ? "ERROR" : "INFO";
      ObjectNode line = JSON.createObjectNode().put("timestamp", Instant.ofEpochMilli(now + i).toString())
          .put("level", level).put("logger", "gov.cms.bfd.migrator.app.MigratorApp").put("message", messages.get(i));
      events.add(InputLogEvent.builder().timestamp(now + i).message(line.toString()).build());
    }
    logs.putLogEvents(b -> b.logGroupName(logGroup()).logStreamName(instanceId).logEvents(events));
  }

  public void putParameter(String name, String value) {
    ssm.putParameter(b -> b.name(name).value(value).type(ParameterType.STRING).overwrite(true));
  }

  /** The CMK and its alias parameter (facts §4.1), and a few non-sensitive parameters. */
  public void configuration() {
    String keyId = kms.createKey(b -> b.description("bfd-" + environment + "-cmk")).keyMetadata().keyId();
    kms.createAlias(b -> b.aliasName("alias/bfd-" + environment + "-cmk").targetKeyId(keyId));
    putParameter("/bfd/" + environment + "/common/nonsensitive/kms_key_alias", "alias/bfd-" + environment + "-cmk");
    putParameter("/bfd/" + environment + "/common/nonsensitive/env_name_std", environment);
    putParameter("/bfd/" + environment + "/migrator/nonsensitive/sqs_queue_name", queueName());
  }

  @Override
  public void close() {
    sqs.close();
    ec2.close();
    logs.close();
    ssm.close();
    kms.close();
  }
}

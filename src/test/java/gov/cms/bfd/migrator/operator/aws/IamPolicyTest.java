package gov.cms.bfd.migrator.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gov.cms.bfd.migrator.operator.aws.IamPolicy.Request;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DescribeKeyRequest;
import software.amazon.awssdk.services.kms.model.DescribeKeyResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * deploy/iam-policy.json and the code stay in step: the policy allows every AWS operation the compiled operator
 * (target/classes) can call, and nothing else; no wildcard actions, never sqs:DeleteMessage; and each action is
 * scoped to the migrator's resources as tightly as AWS allows.
 */
class IamPolicyTest {

  static final Path POLICY = Path.of("deploy", "iam-policy.json");
  static final Path CLASSES = Path.of("target", "classes");

  /**
   * Permissions AWS checks on the caller for a call, beyond the call's own action. The migrator queue is
   * encrypted with the environment's KMS key (SSE-KMS, see reference/bfd-migrator-facts.md 4.1): SQS decrypts
   * every message it returns to ReceiveMessage with the receiver's own kms:Decrypt.
   */
  static final Map<String, Set<String>> ALSO_NEEDED = Map.of("sqs:ReceiveMessage", Set.of("kms:Decrypt"));

  /**
   * The actions whose resource can only be "*", and why. Anything else with Resource "*" fails.
   */
  static final Map<String, String> UNSCOPABLE = Map.of(
      "ec2:DescribeInstances", "DescribeInstances supports no resource-level permissions",
      "ssm:GetCommandInvocation", "GetCommandInvocation supports no resource-level permissions",
      "sts:GetCallerIdentity", "GetCallerIdentity needs no permission at all and cannot be denied");

  private static final String ACCOUNT = "111122223333";
  private static final String QUEUE = "arn:aws:sqs:us-east-1:" + ACCOUNT + ":";
  private static final String INSTANCE = "arn:aws:ec2:us-east-1:" + ACCOUNT + ":instance/i-0123456789abcdef0";
  private static final String PARAMETER = "arn:aws:ssm:us-east-1:" + ACCOUNT + ":parameter";
  private static final String LOG_GROUP = "arn:aws:logs:us-east-1:" + ACCOUNT + ":log-group:";
  private static final String KEY = "arn:aws:kms:us-east-1:" + ACCOUNT + ":key/1234abcd-12ab-34cd-56ef-1234567890ab";

  /** What each action must be allowed on (the operator's real targets), and what it must be refused. */
  static final List<Probe> PROBES = Stream.concat(Stream.of("GetQueueUrl", "GetQueueAttributes", "ReceiveMessage",
      "ChangeMessageVisibility", "PurgeQueue").flatMap(operation -> Stream.of(
          allowed(sqs(operation, "bfd-test-migrator")),
          allowed(sqs(operation, "bfd-prod-sbx-migrator")),
          allowed(sqs(operation, "bfd-pr-1234-migrator")),
          refused(sqs(operation, "bfd-test-pipeline"), "another BFD queue"),
          refused(sqs(operation, "bfd-test-migrator-dlq"), "a queue whose name only starts like the migrator's"),
          refused(sqs(operation, "payments-migrator"), "a migrator queue of another application"))),
      Stream.of(
          allowed(new Request("kms:Decrypt", KEY).with("kms:ViaService", "sqs.us-east-1.amazonaws.com")),
          refused(new Request("kms:Decrypt", KEY), "decrypting anything directly, not through SQS"),
          refused(new Request("kms:Decrypt", KEY).with("kms:ViaService", "s3.us-east-1.amazonaws.com"),
              "decrypting through another service"),
          allowed(new Request("ec2:DescribeInstances", "*")),
          allowed(new Request("ec2:TerminateInstances", INSTANCE).with("aws:ResourceTag/Name", "bfd-test-migrator")),
          refused(new Request("ec2:TerminateInstances", INSTANCE).with("aws:ResourceTag/Name", "bfd-test-server"),
              "an instance that is not a migrator"),
          refused(new Request("ec2:TerminateInstances", INSTANCE), "an instance without a Name tag"),
          allowed(new Request("ssm:SendCommand", "arn:aws:ssm:us-east-1::document/AWS-RunShellScript")),
          allowed(new Request("ssm:SendCommand", INSTANCE).with("ssm:resourceTag/Name", "bfd-prod-migrator")),
          refused(new Request("ssm:SendCommand", "arn:aws:ssm:us-east-1::document/AWS-RunPowerShellScript"),
              "another AWS document"),
          refused(new Request("ssm:SendCommand", "arn:aws:ssm:us-east-1:" + ACCOUNT + ":document/AWS-RunShellScript"),
              "an account's own document that borrows the AWS document's name"),
          refused(new Request("ssm:SendCommand", INSTANCE).with("ssm:resourceTag/Name", "bfd-prod-server"),
              "a command on an instance that is not a migrator"),
          refused(new Request("ssm:SendCommand", INSTANCE), "a command on an instance without a Name tag"),
          allowed(new Request("ssm:GetCommandInvocation", "*")),
          allowed(new Request("ssm:GetParameter", PARAMETER + "/bfd/test/common/nonsensitive/kms_key_alias")),
          allowed(new Request("ssm:GetParameter", PARAMETER + "/bfd/test/common/nonsensitive/database_schema_version")),
          allowed(new Request("ssm:GetParametersByPath", PARAMETER + "/bfd/prod/migrator/nonsensitive/")),
          allowed(new Request("ssm:GetParametersByPath", PARAMETER + "/bfd/prod/common/nonsensitive/")),
          refused(new Request("ssm:GetParametersByPath", PARAMETER + "/bfd/prod/migrator/sensitive/"),
              "the migrator's sensitive parameters"),
          refused(new Request("ssm:GetParametersByPath", PARAMETER + "/bfd/prod/common/sensitive/new_relic/"),
              "the environment's sensitive parameters"),
          refused(new Request("ssm:GetParameter", PARAMETER + "/bfd/prod/migrator/sensitive/db/password"),
              "a secret of the migrator"),
          refused(new Request("ssm:GetParameter", PARAMETER + "/bfd/prod/common/nonsensitive/db_url"),
              "a parameter the code does not read"),
          refused(new Request("ssm:GetParameter", PARAMETER + "/other/app/password"),
              "another application's parameter"),
          refused(new Request("ssm:GetParametersByPath", PARAMETER + "/"), "every parameter of the account"),
          allowed(new Request("logs:DescribeLogStreams", LOG_GROUP + "/bfd/test/bfd-db-migrator/migrator-log.json")),
          allowed(new Request("logs:GetLogEvents",
              LOG_GROUP + "/bfd/test/bfd-db-migrator/migrator-log.json:log-stream:i-0123456789abcdef0")),
          refused(new Request("logs:GetLogEvents",
              LOG_GROUP + "/bfd/test/var/log/secure:log-stream:i-0123456789abcdef0"),
              "the instance's other logs"),
          refused(new Request("logs:DescribeLogStreams", LOG_GROUP + "/aws/lambda/anything"), "another log group"),
          allowed(new Request("kms:DescribeKey", KEY).with("kms:RequestAlias", "alias/bfd-test-cmk")),
          refused(new Request("kms:DescribeKey", KEY).with("kms:RequestAlias", "alias/payments"),
              "another key's alias"),
          refused(new Request("kms:DescribeKey", KEY), "a key named by id, not by a BFD alias"),
          allowed(new Request("sts:GetCallerIdentity", "*")),
          allowed(new Request("sts:AssumeRole", "arn:aws:iam::123456789012:role/bfd-migrator-operator")),
          refused(new Request("sts:AssumeRole", "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole"),
              "any other role")))
      .toList();

  private static IamPolicy policy;
  private static SortedMap<String, SortedSet<String>> calls;

  @BeforeAll
  static void read() throws IOException {
    policy = IamPolicy.read(POLICY);
    calls = SdkCallScanner.scan(CLASSES);
  }

  @Test
  void theScanFindsTheOperatorsCalls() {
    // A sanity floor, so an empty or misdirected scan cannot pass the comparisons below.
    assertThat(calls).containsKeys("sqs:ReceiveMessage", "sqs:PurgeQueue", "ec2:DescribeInstances",
        "ssm:SendCommand", "sts:AssumeRole");
  }

  @Test
  void policyAllowsEveryOperationTheCodeCalls() {
    assertThat(missing(required(calls), policy.allowedActions()))
        .as("deploy/iam-policy.json lacks actions the code needs: add them, scoped as tightly as AWS allows")
        .isEmpty();
  }

  @Test
  void policyAllowsNothingTheCodeDoesNotCall() {
    assertThat(extra(required(calls), policy.allowedActions()))
        .as("deploy/iam-policy.json allows actions the code never calls: remove them")
        .isEmpty();
  }

  @Test
  void noWildcardActionAndNeverDeleteMessage() {
    for (IamPolicy.Statement statement : policy.statements()) {
      assertThat(statement.actions()).as("actions of %s", statement.sid())
          .isNotEmpty()
          .allSatisfy(action -> assertThat(action).as("action in %s", statement.sid())
              .matches("[a-z0-9-]+:[A-Za-z0-9]+"))
          .noneMatch(action -> action.toLowerCase().startsWith("sqs:deletemessage"));
    }
    assertThat(policy.allows(new Request("sqs:DeleteMessage", QUEUE + "bfd-test-migrator")))
        .as("sqs:DeleteMessage on the migrator queue").isFalse();
  }

  @Test
  void eachActionIsAllowedOnItsRealTargetsAndRefusedElsewhere() {
    List<String> wrong = new ArrayList<>();
    for (Probe probe : PROBES) {
      if (policy.allows(probe.request()) != probe.allowed()) {
        wrong.add((probe.allowed() ? "refuses " : "allows ") + probe.request()
            + (probe.allowed() ? "" : " (" + probe.why() + ")"));
      }
    }
    assertThat(wrong).as("deploy/iam-policy.json is scoped wrongly").isEmpty();
  }

  @Test
  void everyAllowedActionHasProbes() {
    Set<String> probedAllowed = new HashSet<>();
    Set<String> probedRefused = new HashSet<>();
    PROBES.forEach(p -> (p.allowed() ? probedAllowed : probedRefused).add(p.request().action()));
    for (String action : policy.allowedActions()) {
      assertThat(probedAllowed).as("IamPolicyTest.PROBES has no request %s must be allowed", action)
          .contains(action);
      if (!UNSCOPABLE.containsKey(action)) {
        assertThat(probedRefused).as("IamPolicyTest.PROBES has no request %s must be refused", action)
            .contains(action);
      }
    }
  }

  @Test
  void onlyActionsAwsCannotScopeHaveResourceStar() {
    for (IamPolicy.Statement statement : policy.statements()) {
      assertThat(statement.resources()).as("resources of %s", statement.sid()).isNotEmpty();
      if (statement.resources().contains("*")) {
        assertThat(statement.actions())
            .as("%s has Resource \"*\"; only these actions may: %s", statement.sid(), UNSCOPABLE)
            .allMatch(UNSCOPABLE::containsKey);
        assertThat(statement.conditions()).as("conditions of %s", statement.sid()).isEmpty();
      }
    }
  }

  @Test
  void sqsResourcesAreOnlyMigratorQueues() {
    for (IamPolicy.Statement statement : policy.statements()) {
      if (statement.actions().stream().anyMatch(a -> a.startsWith("sqs:"))) {
        assertThat(statement.resources()).as("SQS resources of %s", statement.sid())
            .allMatch(r -> r.matches("arn:aws:sqs:[a-z0-9-*]+:[0-9*]+:bfd-\\*-migrator"));
      }
    }
  }

  @Test
  void terminateAndSendCommandOnInstancesNeedTheMigratorNameTag() {
    for (IamPolicy.Statement statement : policy.statements()) {
      boolean onInstances = statement.resources().stream().anyMatch(r -> r.contains(":instance/"));
      if (onInstances) {
        assertThat(statement.conditions()).as("conditions of %s", statement.sid())
            .containsOnlyKeys("StringLike");
        assertThat(statement.conditions().get("StringLike")).as("tag condition of %s", statement.sid())
            .hasSize(1)
            .satisfiesAnyOf(
                c -> assertThat(c).containsEntry("aws:ResourceTag/Name", List.of("bfd-*-migrator")),
                c -> assertThat(c).containsEntry("ssm:resourceTag/Name", List.of("bfd-*-migrator")));
      }
    }
  }

  @Test
  void policyIsWellFormedForIam() throws IOException {
    assertThat(policy.version()).isEqualTo("2012-10-17");
    Set<String> sids = new HashSet<>();
    for (IamPolicy.Statement statement : policy.statements()) {
      // IAM accepts only ASCII letters and digits in an identity policy's Sid.
      assertThat(statement.sid()).as("Sid").isNotNull().matches("[A-Za-z0-9]+");
      assertThat(sids.add(statement.sid())).as("Sid %s is unique", statement.sid()).isTrue();
    }
    // A customer managed policy may hold 6,144 characters, whitespace not counted.
    assertThat(Files.readString(POLICY).replaceAll("\\s", "")).hasSizeLessThanOrEqualTo(6144);
  }

  // The checks above must name the drift they find. These feed them a policy and code that disagree.

  @Test
  void aMissingActionIsNamedWithWhereTheCodeCallsIt() {
    SortedSet<String> allowed = new TreeSet<>(required(calls).keySet());
    allowed.remove("sqs:PurgeQueue");
    allowed.remove("kms:Decrypt");

    assertThat(missing(required(calls), allowed)).satisfiesExactly(
        m -> assertThat(m).isEqualTo("kms:Decrypt (needed by sqs:ReceiveMessage)"),
        m -> assertThat(m).startsWith("sqs:PurgeQueue (called by RemediationAdapter.lambda$purgeQueue$"));
  }

  @Test
  void anExtraActionIsNamed() {
    SortedSet<String> allowed = new TreeSet<>(required(calls).keySet());
    allowed.add("ec2:StopInstances");

    assertThat(extra(required(calls), allowed)).containsExactly("ec2:StopInstances");
  }

  @Test
  void theScannerFindsCallsInLambdasMethodReferencesPaginatorsAndStsProviders() {
    assertThat(SdkCallScanner.scan(ScannerFixture.class)).containsOnlyKeys(
        "sqs:DeleteMessage", "ec2:DescribeInstances", "kms:DescribeKey", "sts:AssumeRole");
  }

  @Test
  void aClientMethodTheScannerCannotClassifyIsAnError() {
    assertThatThrownBy(() -> SdkCallScanner.scan(UnknownClientMethodFixture.class))
        .hasMessageContaining("Ec2Client.waiter");
  }

  /** Every action the code needs: what it calls, and what AWS checks on the caller besides. */
  static SortedMap<String, String> required(SortedMap<String, SortedSet<String>> calls) {
    SortedMap<String, String> required = new TreeMap<>();
    calls.forEach((action, where) -> {
      required.put(action, "called by " + String.join(", ", where));
      ALSO_NEEDED.getOrDefault(action, Set.of())
          .forEach(also -> required.putIfAbsent(also, "needed by " + action));
    });
    return required;
  }

  static List<String> missing(SortedMap<String, String> required, Set<String> allowed) {
    return required.entrySet().stream()
        .filter(e -> !allowed.contains(e.getKey()))
        .map(e -> e.getKey() + " (" + e.getValue() + ")")
        .toList();
  }

  static List<String> extra(SortedMap<String, String> required, Set<String> allowed) {
    return allowed.stream().filter(a -> !required.containsKey(a)).sorted().toList();
  }

  record Probe(Request request, boolean allowed, String why) {}

  static Probe allowed(Request request) {
    return new Probe(request, true, "");
  }

  static Probe refused(Request request, String why) {
    return new Probe(request, false, why);
  }

  private static Request sqs(String operation, String queue) {
    return new Request("sqs:" + operation, QUEUE + queue);
  }

  /** Compiled only to be scanned: the shapes in which the operator's code calls AWS. Never run. */
  @SuppressWarnings("unused")
  static final class ScannerFixture {
    void calls(SqsClient sqs, Ec2Client ec2, KmsClient kms, StsClient sts) {
      Consumer<String> inALambda = url -> sqs.deleteMessage(b -> b.queueUrl(url));
      ec2.describeInstancesPaginator(b -> b.maxResults(5)).reservations();
      Function<DescribeKeyRequest, DescribeKeyResponse> reference = kms::describeKey;
      StsAssumeRoleCredentialsProvider.builder().stsClient(sts).build();
      sqs.close();
      sqs.serviceName();
    }
  }

  /** Compiled only to be scanned: a client method that is no API operation and that the scanner must refuse. */
  @SuppressWarnings("unused")
  static final class UnknownClientMethodFixture {
    void calls(Ec2Client ec2) {
      ec2.waiter();
    }
  }
}

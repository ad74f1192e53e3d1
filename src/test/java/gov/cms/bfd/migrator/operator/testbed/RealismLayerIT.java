package gov.cms.bfd.migrator.operator.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gov.cms.bfd.migrator.operator.model.SystemdCommands;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.InvalidInstanceIdException;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;

/**
 * Each behaviour of the realism layer (hack/moto_realism.py) as AWS documents it, through AWS SDK v2 clients pointed
 * at the test bed's moto, one test per behaviour; and for each, that its switch turns it off (moto's own answer).
 * Timings are shortened through the layer's settings; a reset before each test restores the test bed's.
 */
@ExtendWith(MotoReset.class)
class RealismLayerIT {

  private static final String UNIT = "bfd-db-migrator.service";
  private static SqsClient sqs;
  private static Ec2Client ec2;
  private static SsmClient ssm;
  private static CloudWatchLogsClient logs;
  private static RealismLayer realism;

  @BeforeAll
  static void clients() {
    URI endpoint = TestBed.get().moto().endpoint();
    realism = TestBed.get().moto().realism();
    // An access key of its own, so that the layer's journal names this test as the caller.
    var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("realism-test", "testing"));
    sqs = SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials).build();
    ec2 = Ec2Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials).build();
    ssm = SsmClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials).build();
    logs = CloudWatchLogsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials)
        .build();
  }

  @AfterAll
  static void close() {
    sqs.close();
    ec2.close();
    ssm.close();
    logs.close();
  }

  // ---- shortPollsReturnASubset ---------------------------------------------------------------------------------

  @Test
  void shortPollsReturnAChangingSubsetAndSometimesNothingWhileMessagesExistMotoReturnsAll() {
    realism.set(Realism.SHORT_POLLS_RETURN_A_SUBSET, true); // whatever the test bed's default
    String queue = queue("short-polls");
    IntStream.range(0, 6).forEach(i -> send(queue, "m" + i));
    List<Integer> sizes = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      List<Message> got = shortPoll(queue);
      sizes.add(got.size());
      got.forEach(m -> seen.add(m.body()));
    }
    assertThat(sizes).as("40 short polls of a queue holding 6 messages").anyMatch(n -> n < 6);
    assertThat(seen).as("what the short polls found together").hasSize(6);
    assertThat(longPoll(queue)).as("a long poll asks every server").hasSize(6);

    String single = queue("short-polls-single");
    send(single, "only");
    assertThat(IntStream.range(0, 40).map(i -> shortPoll(single).size()).boxed().toList())
        .as("40 short polls of a queue holding one message").contains(0, 1);
  }

  @Test
  void shortPollsSwitchedOffReturnEveryMessage() {
    realism.set(Realism.SHORT_POLLS_RETURN_A_SUBSET, false);
    String queue = queue("short-polls-off");
    IntStream.range(0, 6).forEach(i -> send(queue, "m" + i));
    assertThat(IntStream.range(0, 20).map(i -> shortPoll(queue).size()).boxed().toList()).containsOnly(6);
  }

  // ---- approximateCountsLag ------------------------------------------------------------------------------------

  @Test
  void approximateCountsLagUpToAMinuteScaledToCountsLagSecondsMotoCountsAtOnce() throws InterruptedException {
    realism.set(Realism.APPROXIMATE_COUNTS_LAG, true); // whatever the test bed's default
    realism.settings(Map.of("countsLagSeconds", 2));
    String queue = queue("counts-lag");
    IntStream.range(0, 3).forEach(i -> send(queue, "m" + i));
    List<Integer> atOnce = IntStream.range(0, 10).map(i -> visible(queue)).boxed().toList();
    assertThat(atOnce).as("ApproximateNumberOfMessages right after 3 sends").anyMatch(n -> n < 3);
    Thread.sleep(2_200);
    assertThat(IntStream.range(0, 10).map(i -> visible(queue)).boxed().toList())
        .as("ApproximateNumberOfMessages once countsLagSeconds passed").containsOnly(3);

    sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).visibilityTimeout(30).waitTimeSeconds(1));
    List<Integer> notVisible = IntStream.range(0, 10).map(i -> attribute(queue,
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).boxed().toList();
    assertThat(notVisible).as("ApproximateNumberOfMessagesNotVisible right after a receive").anyMatch(n -> n == 0);
  }

  @Test
  void approximateCountsSwitchedOffAreExactAtOnce() {
    realism.set(Realism.APPROXIMATE_COUNTS_LAG, false);
    String queue = queue("counts-exact");
    IntStream.range(0, 3).forEach(i -> send(queue, "m" + i));
    assertThat(IntStream.range(0, 10).map(i -> visible(queue)).boxed().toList()).containsOnly(3);
  }

  // ---- receivesRaiseTheReceiveCount ----------------------------------------------------------------------------

  @Test
  void receivesRaiseTheReceiveCountAndARedrivePolicyMovesTheMessageToTheDeadLetterQueueAtMaxReceiveCount() {
    realism.set(Realism.RECEIVES_RAISE_THE_RECEIVE_COUNT, true); // whatever the test bed's default
    String dlq = queue("redrive-dlq");
    String source = redrivenQueue("redrive-source", dlq, 2);
    send(source, "evidence");
    assertThat(receiveCount(source)).as("first receive, visibility timeout 0").isEqualTo(List.of(1));
    assertThat(receiveCount(source)).as("second receive").isEqualTo(List.of(2));
    assertThat(receiveCount(source)).as("a third receive: maxReceiveCount reached, moved away").isEmpty();
    assertThat(longPoll(dlq)).extracting(Message::body).containsExactly("evidence");
  }

  @Test
  void receivesSwitchedOffCountNothingAndRedriveNothing() {
    realism.set(Realism.RECEIVES_RAISE_THE_RECEIVE_COUNT, false);
    String dlq = queue("redrive-off-dlq");
    String source = redrivenQueue("redrive-off-source", dlq, 2);
    send(source, "evidence");
    for (int i = 0; i < 4; i++) {
      assertThat(receiveCount(source)).as("receive " + (i + 1)).isEqualTo(List.of(1));
    }
    assertThat(realism.messages(queueName(dlq))).isEmpty();
  }

  // ---- purgeDeletesWhatArrivesWithinSixtySeconds ---------------------------------------------------------------

  @Test
  void purgeDeletesWhatArrivesWithinSixtySecondsScaledToPurgeWindowSecondsMotoKeepsIt() throws InterruptedException {
    realism.set(Realism.PURGE_DELETES_WHAT_ARRIVES_WITHIN_SIXTY_SECONDS, true); // whatever the test bed's default
    realism.settings(Map.of("purgeWindowSeconds", 2));
    realism.set(Realism.PURGE_TAKES_UP_TO_SIXTY_SECONDS, false);
    String queue = queue("purge-window");
    send(queue, "before");
    sqs.purgeQueue(b -> b.queueUrl(queue));
    send(queue, "within the window");
    assertThat(realism.messages(queueName(queue))).extracting(RealismLayer.TruthMessage::body)
        .as("accepted, and receivable until the purge reaches it").containsExactly("within the window");
    Thread.sleep(2_200);
    assertThat(realism.messages(queueName(queue))).as("once the window ended").isEmpty();
    send(queue, "after the window");
    assertThat(realism.messages(queueName(queue))).extracting(RealismLayer.TruthMessage::body)
        .containsExactly("after the window");
    var purge = realism.journal(0).stream().filter(e -> e.op().equals("PurgeQueue")).findFirst().orElseThrow();
    assertThat(purge.by()).isEqualTo("realism-test");
    assertThat(purge.raw().path("deleted").findValuesAsText("body")).containsExactly("before", "within the window");
  }

  @Test
  void purgeDeletesFromSecondsKeepsWhatThePurgeDoomsUntilThen() throws InterruptedException {
    realism.set(Realism.PURGE_DELETES_WHAT_ARRIVES_WITHIN_SIXTY_SECONDS, true);
    realism.set(Realism.PURGE_TAKES_UP_TO_SIXTY_SECONDS, true);
    realism.settings(Map.of("purgeWindowSeconds", 1, "purgeDeletesFromSeconds", 2));
    String queue = queue("purge-deletes-from");
    send(queue, "before");
    sqs.purgeQueue(b -> b.queueUrl(queue));
    send(queue, "within the window");
    Thread.sleep(1_200);
    assertThat(realism.messages(queueName(queue))).as("past the window, before the earliest deletion")
        .extracting(RealismLayer.TruthMessage::body).containsExactlyInAnyOrder("before", "within the window");
    assertThat(realism.messages(queueName(queue))).allSatisfy(m -> assertThat(m.doomedAt()).isPresent());
    Thread.sleep(1_000);
    assertThat(realism.messages(queueName(queue))).as("2 s after the purge").isEmpty();
    send(queue, "after the window");
    assertThat(realism.messages(queueName(queue))).extracting(RealismLayer.TruthMessage::body)
        .containsExactly("after the window");
  }

  @Test
  void purgeWindowSwitchedOffKeepsWhatArrivesAfterThePurge() throws InterruptedException {
    realism.settings(Map.of("purgeWindowSeconds", 1));
    realism.set(Realism.PURGE_DELETES_WHAT_ARRIVES_WITHIN_SIXTY_SECONDS, false);
    realism.set(Realism.PURGE_TAKES_UP_TO_SIXTY_SECONDS, false);
    String queue = queue("purge-window-off");
    sqs.purgeQueue(b -> b.queueUrl(queue));
    send(queue, "right after the purge");
    Thread.sleep(1_200);
    assertThat(realism.messages(queueName(queue))).extracting(RealismLayer.TruthMessage::body)
        .containsExactly("right after the purge");
  }

  // ---- purgeTakesUpToSixtySeconds -----------------------------------------------------------------------------

  @Test
  void purgeTakesUpToSixtySecondsScaledWhatWasThereCanStillBeReceivedMotoDeletesAtOnce() throws InterruptedException {
    realism.set(Realism.PURGE_TAKES_UP_TO_SIXTY_SECONDS, true); // whatever the test bed's default
    realism.settings(Map.of("purgeWindowSeconds", 2));
    String queue = queue("purge-takes");
    IntStream.range(0, 5).forEach(i -> send(queue, "m" + i));
    sqs.purgeQueue(b -> b.queueUrl(queue));
    assertThat(longPoll(queue)).as("received right after the purge").isNotEmpty();
    Thread.sleep(2_200);
    assertThat(realism.messages(queueName(queue))).as("once the window ended").isEmpty();
    assertThat(sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages()).isEmpty();
  }

  @Test
  void purgeTakesSwitchedOffDeletesAtOnce() {
    realism.set(Realism.PURGE_TAKES_UP_TO_SIXTY_SECONDS, false);
    String queue = queue("purge-takes-off");
    IntStream.range(0, 5).forEach(i -> send(queue, "m" + i));
    sqs.purgeQueue(b -> b.queueUrl(queue));
    assertThat(realism.messages(queueName(queue))).isEmpty();
  }

  // ---- sendCommandToAnUnmanagedInstanceIsInvalidInstanceId -----------------------------------------------------

  @Test
  void sendCommandToAnInstanceSsmDoesNotManageIsInvalidInstanceIdMotoAcceptsAny() {
    realism.set(Realism.SEND_COMMAND_TO_AN_UNMANAGED_INSTANCE_IS_INVALID_INSTANCE_ID, true); // whatever the test bed's default
    String managed = launch(Map.of("Name", "managed"));
    String tagged = launch(Map.of("Name", "no-agent", "moto-realism/ssm-managed", "false"));
    String listed = launch(Map.of("Name", "listed"));
    String stopped = launch(Map.of("Name", "stopped"));
    ec2.stopInstances(b -> b.instanceIds(stopped));
    realism.unmanagedInstances(List.of(listed));

    assertThat(sendShow(managed)).isNotBlank();
    for (String instance : List.of(tagged, listed, stopped, "i-0123456789abcdef0")) {
      assertThatThrownBy(() -> sendShow(instance)).as(instance).isInstanceOf(InvalidInstanceIdException.class)
          .hasMessageContaining("not in a valid state");
    }
  }

  @Test
  void sendCommandSwitchedOffAcceptsAnyInstance() {
    realism.set(Realism.SEND_COMMAND_TO_AN_UNMANAGED_INSTANCE_IS_INVALID_INSTANCE_ID, false);
    String tagged = launch(Map.of("Name", "no-agent", "moto-realism/ssm-managed", "false"));
    assertThat(sendShow(tagged)).isNotBlank();
  }

  // ---- invocationDoesNotExistForAWhile -------------------------------------------------------------------------

  @Test
  void getCommandInvocationIsInvocationDoesNotExistForAWhileAfterSendCommandMotoAnswersAtOnce()
      throws InterruptedException {
    realism.set(Realism.INVOCATION_DOES_NOT_EXIST_FOR_A_WHILE, true);
    realism.settings(Map.of("invocationDoesNotExistSeconds", 1.5));
    String instance = launch(Map.of("Name", "invocation"));
    String command = sendShow(instance);
    assertThatThrownBy(() -> ssm.getCommandInvocation(b -> b.commandId(command).instanceId(instance)))
        .isInstanceOf(InvocationDoesNotExistException.class);
    Thread.sleep(1_700);
    assertThat(ssm.getCommandInvocation(b -> b.commandId(command).instanceId(instance)).statusAsString())
        .isEqualTo("Success");
  }

  @Test
  void invocationDoesNotExistSwitchedOffAnswersAtOnce() {
    realism.set(Realism.INVOCATION_DOES_NOT_EXIST_FOR_A_WHILE, false);
    String instance = launch(Map.of("Name", "invocation-off"));
    String command = sendShow(instance);
    assertThat(ssm.getCommandInvocation(b -> b.commandId(command).instanceId(instance)).statusAsString())
        .isEqualTo("Success");
  }

  // ---- runCommandRunsOnTheInstance -----------------------------------------------------------------------------

  @Test
  void runCommandPrintsWhatSystemdOnTheInstanceSaysAndStopsTheUnitMotoPrintsNothing() throws InterruptedException {
    realism.set(Realism.RUN_COMMAND_RUNS_ON_THE_INSTANCE, true); // whatever the test bed's default
    realism.set(Realism.INVOCATION_DOES_NOT_EXIST_FOR_A_WHILE, false);
    String instance = launch(Map.of("Name", "systemd"));
    String unregistered = launch(Map.of("Name", "systemd-unknown"));
    String neighbour = launch(Map.of("Name", "systemd-neighbour"));
    realism.unit(instance, UNIT, Map.of("ActiveState", "active", "ExecMainStatus", "0", "ExecMainCode", "0"));
    realism.unit(neighbour, UNIT, Map.of("ActiveState", "active", "ExecMainStatus", "0", "ExecMainCode", "0"));

    assertThat(output(instance, sendShow(instance))).isEqualTo("ActiveState=active\nExecMainStatus=0\nExecMainCode=0\n");
    // As the operator writes it: options first, the unit after --, the show only if the stop succeeded.
    String stop = command(instance, "systemctl stop -- '" + UNIT + "' && systemctl show -p LoadState -p ActiveState"
        + " -p ExecMainStatus -p ExecMainCode -- '" + UNIT + "'");
    assertThat(output(instance, stop)).isEqualTo("LoadState=loaded\nActiveState=inactive\nExecMainStatus=15\n"
        + "ExecMainCode=2\n");
    assertThat(realism.unit(instance, UNIT).orElseThrow().path("stoppedBy").asText()).isEqualTo("realism-test");
    // Only on the instance named (moto alone would address every instance of the region).
    assertThat(realism.unit(neighbour, UNIT).orElseThrow().path("ActiveState").asText()).isEqualTo("active");
    assertThat(ssm.listCommands(b -> b.commandId(stop)).commands().get(0).instanceIds()).containsExactly(instance);
    assertThat(output(instance, command(instance, "systemctl show 'other.service' -p LoadState -p ActiveState")))
        .as("a unit the instance does not have").isEqualTo("LoadState=not-found\nActiveState=inactive\n");
    assertThat(output(unregistered, sendShow(unregistered))).as("an instance no simulator described").isEmpty();
  }

  /**
   * AWS-RunShellScript reports a script that exits non-zero as Failed (moto answers Success to anything): a stop of a
   * unit the instance does not have, or one whose stop job fails, fails the script at the stop.
   */
  @Test
  void aScriptThatFailsIsFailedWithSystemctlsWordsMotoSaysSuccess() {
    realism.set(Realism.RUN_COMMAND_RUNS_ON_THE_INSTANCE, true);
    realism.set(Realism.INVOCATION_DOES_NOT_EXIST_FOR_A_WHILE, false);
    String instance = launch(Map.of("Name", "systemd-fails"));
    realism.unit(instance, UNIT, Map.of("ActiveState", "active", "ExecMainStatus", "0", "ExecMainCode", "0",
        "stopFails", "true"));

    String other = command(instance, "systemctl stop -- other.service && systemctl show -p ActiveState -- other.service");
    var notLoaded = ssm.getCommandInvocation(b -> b.commandId(other).instanceId(instance));
    assertThat(notLoaded.statusAsString()).isEqualTo("Failed");
    assertThat(notLoaded.responseCode()).isEqualTo(5);
    assertThat(notLoaded.standardOutputContent()).isEmpty();
    assertThat(notLoaded.standardErrorContent()).contains("Unit other.service not loaded");

    String stop = command(instance, "systemctl stop -- '" + UNIT + "' && systemctl show -p ActiveState -- '" + UNIT + "'");
    var failed = ssm.getCommandInvocation(b -> b.commandId(stop).instanceId(instance));
    assertThat(failed.statusAsString()).isEqualTo("Failed");
    assertThat(failed.standardErrorContent()).contains("Job for " + UNIT + " failed");
    assertThat(realism.unit(instance, UNIT).orElseThrow().path("ActiveState").asText()).isEqualTo("active");

    // Chained with ';' the show after a failed stop hides the failure: exit 0, Success.
    String hidden = command(instance, "systemctl stop -- '" + UNIT + "'; systemctl show -p ActiveState -- '" + UNIT + "'");
    assertThat(ssm.getCommandInvocation(b -> b.commandId(hidden).instanceId(instance)).statusAsString())
        .isEqualTo("Success");
  }

  @Test
  void runCommandReadsTheOperatorsOwnScriptsAsSystemctlDoes() throws InterruptedException {
    realism.set(Realism.RUN_COMMAND_RUNS_ON_THE_INSTANCE, true);
    realism.set(Realism.INVOCATION_DOES_NOT_EXIST_FOR_A_WHILE, false);
    String instance = launch(Map.of("Name", "systemd-operator"));
    realism.unit(instance, UNIT, Map.of("ActiveState", "active", "ExecMainStatus", "0", "ExecMainCode", "0"));

    // Options before the unit and `--` before it, as SystemdCommands writes them (systemctl reads options anywhere):
    // the unit is found, and every property the operator asks for is printed.
    String shown = output(instance, command(instance, SystemdCommands.show(UNIT)));
    assertThat(shown).contains("LoadState=loaded\n", "ActiveState=active\n");
    assertThat(SystemdCommands.PROPERTIES).allSatisfy(p -> assertThat(shown).contains(p + "="));
    assertThat(output(instance, command(instance, SystemdCommands.stop(UNIT)))).contains("ActiveState=inactive\n");
    assertThat(realism.unit(instance, UNIT).orElseThrow().path("stoppedBy").asText()).isEqualTo("realism-test");
  }

  @Test
  void runCommandSwitchedOffPrintsNothing() {
    realism.set(Realism.INVOCATION_DOES_NOT_EXIST_FOR_A_WHILE, false);
    realism.set(Realism.RUN_COMMAND_RUNS_ON_THE_INSTANCE, false);
    String instance = launch(Map.of("Name", "systemd-off"));
    realism.unit(instance, UNIT, Map.of("ActiveState", "active", "ExecMainStatus", "0", "ExecMainCode", "0"));
    assertThat(output(instance, sendShow(instance))).isEmpty();
  }

  // ---- logPagesCanBeEmptyWithAToken ----------------------------------------------------------------------------

  @Test
  void logPagesCanBeEmptyWithATokenUntilTheTokenRepeatsMotoAnswersEveryPageFull() {
    realism.set(Realism.LOG_PAGES_CAN_BE_EMPTY_WITH_A_TOKEN, true); // whatever the test bed's default
    realism.settings(Map.of("emptyLogPageChance", 1.0, "emptyLogPagesMax", 2));
    String stream = logStream("empty-pages", List.of("Successfully started", "Migration failed, shutting down"));
    GetLogEventsResponse page = tail(stream, null);
    assertThat(page.events()).as("the first page").isEmpty();
    assertThat(page.nextBackwardToken()).isNotNull();
    List<String> lines = new ArrayList<>();
    String token = null;
    int pages = 0;
    // Read backwards from the end, as AWS says: follow the token until it repeats.
    while (true) {
      page = tail(stream, token);
      pages++;
      page.events().forEach(e -> lines.add(e.message()));
      if (page.nextBackwardToken().equals(token) || pages > 20) {
        break;
      }
      token = page.nextBackwardToken();
    }
    assertThat(lines).containsExactlyInAnyOrder("Successfully started", "Migration failed, shutting down");
    assertThat(pages).as("pages read").isGreaterThan(2);
  }

  @Test
  void logPagesSwitchedOffHoldTheEvents() {
    realism.set(Realism.LOG_PAGES_CAN_BE_EMPTY_WITH_A_TOKEN, false);
    String stream = logStream("full-pages", List.of("Successfully started"));
    assertThat(tail(stream, null).events()).hasSize(1);
  }

  // ---- ec2RefusesMoreThan200FilterValues -----------------------------------------------------------------------

  @Test
  void ec2RefusesMoreThan200FilterValuesWithFilterLimitExceededMotoTakesAny() {
    realism.set(Realism.EC2_REFUSES_MORE_THAN_200_FILTER_VALUES, true); // whatever the test bed's default
    List<String> names = IntStream.range(0, 201).mapToObj(i -> "bfd-env" + i + "-migrator").toList();
    assertThatThrownBy(() -> ec2.describeInstances(b -> b.filters(Filter.builder().name("tag:Name").values(names).build())))
        .isInstanceOf(AwsServiceException.class)
        .satisfies(e -> assertThat(((AwsServiceException) e).awsErrorDetails().errorCode()).isEqualTo("FilterLimitExceeded"))
        .hasMessageContaining("The maximum number of filter values specified on a single call is 200");
    ec2.describeInstances(b -> b.filters(Filter.builder().name("tag:Name").values(names.subList(0, 200)).build()));

    // The stricter reading of "on a single call": the values of all filters add up.
    realism.settings(Map.of("ec2FilterValuesCountedPer", "call"));
    assertThatThrownBy(() -> ec2.describeInstances(b -> b.filters(
        Filter.builder().name("tag:Name").values(names.subList(0, 200)).build(),
        Filter.builder().name("instance-state-name").values("pending", "running").build())))
        .isInstanceOf(AwsServiceException.class)
        .satisfies(e -> assertThat(((AwsServiceException) e).awsErrorDetails().errorCode()).isEqualTo("FilterLimitExceeded"));
  }

  @Test
  void ec2FilterLimitSwitchedOffTakesAnyNumberOfValues() {
    realism.set(Realism.EC2_REFUSES_MORE_THAN_200_FILTER_VALUES, false);
    List<String> names = IntStream.range(0, 450).mapToObj(i -> "bfd-env" + i + "-migrator").toList();
    assertThat(ec2.describeInstances(b -> b.filters(Filter.builder().name("tag:Name").values(names).build()))
        .reservations()).isEmpty();
  }

  // ---- the control endpoint ------------------------------------------------------------------------------------

  @Test
  void aResetRestoresTheTestBedsSwitchesAndTimings() {
    var before = realism.describe();
    realism.set(Realism.SHORT_POLLS_RETURN_A_SUBSET, !realism.on(Realism.SHORT_POLLS_RETURN_A_SUBSET));
    realism.settings(Map.of("countsLagSeconds", 42));
    TestBed.get().moto().reset();
    assertThat(realism.describe()).isEqualTo(before);
    for (String behaviour : Realism.BEHAVIOURS) {
      assertThat(before.path("behaviours").has(behaviour)).as(behaviour + " is a behaviour of the layer").isTrue();
      assertThat(realism.on(behaviour)).as(behaviour + " in this run's test bed").isEqualTo(Realism.on(behaviour));
    }
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  private static String queue(String name) {
    return sqs.createQueue(b -> b.queueName(name)).queueUrl();
  }

  private static String queueName(String url) {
    return url.substring(url.lastIndexOf('/') + 1);
  }

  private static String redrivenQueue(String name, String deadLetterUrl, int maxReceiveCount) {
    String arn = sqs.getQueueAttributes(b -> b.queueUrl(deadLetterUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    return sqs.createQueue(b -> b.queueName(name).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
        "{\"deadLetterTargetArn\":\"" + arn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}"))).queueUrl();
  }

  private static void send(String queue, String body) {
    sqs.sendMessage(b -> b.queueUrl(queue).messageBody(body));
  }

  private static List<Message> shortPoll(String queue) {
    return sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).visibilityTimeout(0).waitTimeSeconds(0))
        .messages();
  }

  private static List<Message> longPoll(String queue) {
    return sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).visibilityTimeout(0).waitTimeSeconds(1))
        .messages();
  }

  private static List<Integer> receiveCount(String queue) {
    return sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).visibilityTimeout(0).waitTimeSeconds(1)
            .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages().stream()
        .map(m -> Integer.parseInt(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))).toList();
  }

  private static int visible(String queue) {
    return attribute(queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
  }

  private static int attribute(String queue, QueueAttributeName name) {
    return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(name)).attributes().get(name));
  }

  private static String launch(Map<String, String> tags) {
    return ec2.runInstances(b -> b.imageId("ami-12c6146b").minCount(1).maxCount(1).tagSpecifications(
            TagSpecification.builder().resourceType(ResourceType.INSTANCE).tags(tags.entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()).build()))
        .instances().get(0).instanceId();
  }

  private static String sendShow(String instance) {
    return command(instance, "systemctl show '" + UNIT + "' -p ActiveState -p ExecMainStatus -p ExecMainCode");
  }

  private static String command(String instance, String script) {
    return ssm.sendCommand(b -> b.documentName("AWS-RunShellScript").instanceIds(instance)
        .parameters(Map.of("commands", List.of(script)))).command().commandId();
  }

  private static String output(String instance, String command) {
    return ssm.getCommandInvocation(b -> b.commandId(command).instanceId(instance)).standardOutputContent();
  }

  private static String logStream(String name, List<String> lines) {
    String group = "/bfd/realism/" + name;
    logs.createLogGroup(b -> b.logGroupName(group));
    logs.createLogStream(b -> b.logGroupName(group).logStreamName("i-1"));
    long now = Instant.now().toEpochMilli();
    logs.putLogEvents(b -> b.logGroupName(group).logStreamName("i-1").logEvents(IntStream.range(0, lines.size())
        .mapToObj(i -> software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent.builder().timestamp(now + i)
            .message(lines.get(i)).build()).toList()));
    return group;
  }

  private static GetLogEventsResponse tail(String group, String token) {
    return logs.getLogEvents(b -> b.logGroupName(group).logStreamName("i-1").startFromHead(false).nextToken(token));
  }
}

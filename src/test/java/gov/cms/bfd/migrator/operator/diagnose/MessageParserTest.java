package gov.cms.bfd.migrator.operator.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.AppStage;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.MigrationStage;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.Monitor;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.Native;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.Unrecognized;
import gov.cms.bfd.migrator.operator.model.Text;
import gov.cms.bfd.migrator.operator.observe.RawMessage;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MessageParserTest {

  private static final Instant SENT = Instant.parse("2025-09-20T18:03:10.123Z");
  private static final String ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

  // Native examples: facts §2.3.

  @Test
  void nativeSuccess() {
    assertThat(parse("{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":5046}"))
        .isEqualTo(new Native(ID, SENT, 5046, 14, AppStage.Finished, Optional.empty()));
  }

  @Test
  void nativeFailure() {
    assertThat(parse("{\"appStage\":\"Failed\",\"messageId\":9,\"pid\":5046}"))
        .isEqualTo(new Native(ID, SENT, 5046, 9, AppStage.Failed, Optional.empty()));
  }

  @Test
  void nativeProgressWithMigrationStage() {
    var body = "{\"appStage\":\"Migrating\",\"messageId\":5,\"migrationStage\":{\"migrationFile\":"
        + "\"V20240528145630581__Add_column.sql\",\"stage\":\"AfterFile\",\"version\":\"20240528145630581\"},"
        + "\"pid\":5046}";

    assertThat(parse(body)).isEqualTo(new Native(ID, SENT, 5046, 5, AppStage.Migrating, Optional.of(
        new MigrationStage("AfterFile", Optional.of("20240528145630581"),
            Optional.of("V20240528145630581__Add_column.sql")))));
  }

  @Test
  void nativeMigrationStageWithoutVersionOrFile() {
    assertThat(parse("{\"appStage\":\"Migrating\",\"messageId\":2,\"migrationStage\":{\"stage\":\"Preparing\"},"
        + "\"pid\":7}"))
        .isEqualTo(new Native(ID, SENT, 7, 2, AppStage.Migrating,
            Optional.of(new MigrationStage("Preparing", Optional.empty(), Optional.empty()))));
  }

  @Test
  void nativeToleratesFieldsTheAppMayAddAndNullOptionals() {
    var body = "{\"hostname\":\"ip-10-0-0-1\",\"appStage\":\"Started\",\"extra\":{\"a\":[1,2.5,null]},"
        + "\"messageId\":1,\"migrationStage\":null,\"pid\":5046}";

    assertThat(parse(body)).isEqualTo(new Native(ID, SENT, 5046, 1, AppStage.Started, Optional.empty()));
  }

  @Test
  void nativeExtremesOfTheRanges() {
    assertThat(parse("{\"appStage\":\"Connected\",\"messageId\":0,\"pid\":9223372036854775807}"))
        .isEqualTo(new Native(ID, SENT, Long.MAX_VALUE, 0, AppStage.Connected, Optional.empty()));
  }

  @Test
  void nativeWithSurroundingWhitespace() {
    assertThat(parse(" \n{ \"appStage\" : \"Finished\", \"messageId\" : 14, \"pid\" : 5046 }\n"))
        .isInstanceOf(Native.class);
  }

  // Monitor examples: facts §3.

  @Test
  void monitorRunning() {
    var body = "{\"pid\":\"4242\",\"start_time\":\"Mon 2023-03-13 18:00:01 UTC\",\"stop_time\":\"\","
        + "\"code\":\"(null)\",\"status\":\"0/0\"}";

    Monitor monitor = (Monitor) parse(body);

    assertThat(monitor).isEqualTo(new Monitor(ID, SENT, "4242", Optional.of("Mon 2023-03-13 18:00:01 UTC"),
        Optional.empty(), "(null)", "0/0", Optional.empty()));
    assertThat(monitor.running()).isTrue();
    assertThat(monitor.exitStatus()).isEmpty();
  }

  @Test
  void monitorRunningAsSystemdWritesIt() {
    // systemctl shows stop_time=[n/a] while the service runs; the script strips the brackets.
    var body = "{\"code\":\"(null)\",\"pid\":\"4242\",\"start_time\":\"Mon 2023-03-13 18:00:01 UTC\","
        + "\"status\":\"0/0\",\"stop_time\":\"n/a\"}";

    assertThat(((Monitor) parse(body)).stopTime()).isEmpty();
  }

  @Test
  void monitorExit2WithSchemaVersion() {
    var body = "{\"start_time\":\"Mon 2023-03-13 18:00:01 UTC\",\"stop_time\":\"Mon 2023-03-13 18:03:10 UTC\","
        + "\"pid\":\"4242\",\"code\":\"exited\",\"status\":\"2\",\"schema_version\":\"10020\"}";

    Monitor monitor = (Monitor) parse(body);

    assertThat(monitor).isEqualTo(new Monitor(ID, SENT, "4242", Optional.of("Mon 2023-03-13 18:00:01 UTC"),
        Optional.of("Mon 2023-03-13 18:03:10 UTC"), "exited", "2", Optional.of("10020")));
    assertThat(monitor.exitStatus()).contains(2);
  }

  @Test
  void monitorExit0() {
    var body = "{\"start_time\":\"Mon 2023-03-13 18:00:01 UTC\",\"stop_time\":\"Mon 2023-03-13 18:02:00 UTC\","
        + "\"pid\":\"4242\",\"code\":\"exited\",\"status\":\"0\",\"schema_version\":\"\"}";

    Monitor monitor = (Monitor) parse(body);

    assertThat(monitor.exitStatus()).contains(0);
    assertThat(monitor.schemaVersion()).as("jq writes \"\" when the log had no version").isEmpty();
  }

  @Test
  void monitorKilledKeepsSystemdsStatusVerbatim() {
    var body = "{\"pid\":\"4242\",\"code\":\"killed\",\"status\":\"9/KILL\",\"stop_time\":\"Mon 2023-03-13 18:09:00 UTC\"}";

    Monitor monitor = (Monitor) parse(body);

    assertThat(monitor.code()).isEqualTo("killed");
    assertThat(monitor.status()).isEqualTo("9/KILL");
    assertThat(monitor.exitStatus()).isEmpty();
  }

  @Test
  void monitorWithAnUnknownCodeIsStillAMonitorMessage() {
    assertThat(parse("{\"pid\":\"1\",\"code\":\"something-new\",\"status\":\"7\"}"))
        .isEqualTo(new Monitor(ID, SENT, "1", Optional.empty(), Optional.empty(), "something-new", "7",
            Optional.empty()));
  }

  // Hostile and foreign bodies.

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "hello                                          | not JSON",
      "{\"appStage\":                                 | not JSON",
      "{\"a\":1} {\"b\":2}                            | not JSON",
      "{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":5046}x | not JSON",
      "[]                                             | JSON an array, not an object",
      "[{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":5046}] | JSON an array, not an object",
      "\"str\"                                        | JSON a string, not an object",
      "42                                             | JSON an integer, not an object",
      "null                                           | JSON null, not an object",
      "true                                           | JSON a boolean, not an object",
      "{}                                             | neither the native nor the monitor format",
      "{\"pid\":5046,\"messageId\":14}                | neither the native nor the monitor format",
      "{\"pid\":\"4242\",\"status\":\"0/0\"}          | neither the native nor the monitor format",
  })
  void foreignBodiesAreUnrecognized(String body, String why) {
    assertThat(unrecognized(body.strip()).why()).startsWith(why);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"", " ", "\n\t "})
  void emptyOrBlankBodiesAreUnrecognized(String body) {
    var message = unrecognized(body);

    assertThat(message.raw()).isEqualTo(body);
    assertThat(message.truncated()).isFalse();
    assertThat(message.why()).isNotBlank();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":\"abc\"}  | pid is a string, not an integer",
      "{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":\"5046\"} | pid is a string, not an integer",
      "{\"appStage\":\"Finished\",\"messageId\":\"14\",\"pid\":5046} | messageId is a string, not an integer",
      "{\"appStage\":\"Finished\",\"messageId\":14}                  | pid is missing",
      "{\"appStage\":\"Finished\",\"pid\":5046}                      | messageId is missing",
      "{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":0}        | pid is 0, less than 1",
      "{\"appStage\":\"Finished\",\"messageId\":-1,\"pid\":5046}     | messageId is -1, less than 0",
      "{\"appStage\":\"Finished\",\"messageId\":14.5,\"pid\":5046}   | messageId is a number with a fraction or exponent",
      "{\"appStage\":\"Finished\",\"messageId\":14.0,\"pid\":5046}   | messageId is a number with a fraction or exponent",
      "{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":1e400}    | pid is a number with a fraction or exponent",
      "{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":99999999999999999999999} | pid is out of range",
      "{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":9223372036854775808}     | pid is out of range",
      "{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":null}     | pid is null, not an integer",
      "{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":true}     | pid is a boolean, not an integer",
      "{\"appStage\":\"finished\",\"messageId\":14,\"pid\":5046}     | appStage \"finished\" is not one of Started",
      "{\"appStage\":\"Done\",\"messageId\":14,\"pid\":5046}         | appStage \"Done\" is not one of Started",
      "{\"appStage\":5,\"messageId\":14,\"pid\":5046}                | appStage is an integer, not a string",
      "{\"appStage\":null,\"messageId\":14,\"pid\":5046}             | appStage is null, not a string",
      "{\"appStage\":\"Migrating\",\"messageId\":5,\"migrationStage\":\"AfterFile\",\"pid\":5046} | migrationStage is a string, not an object",
      "{\"appStage\":\"Migrating\",\"messageId\":5,\"migrationStage\":{},\"pid\":5046}            | migrationStage.stage is missing",
      "{\"appStage\":\"Migrating\",\"messageId\":5,\"migrationStage\":{\"stage\":3},\"pid\":5046} | migrationStage.stage is an integer, not a string",
      "{\"appStage\":\"Migrating\",\"messageId\":5,\"migrationStage\":{\"stage\":\"AfterFile\",\"version\":20240528},\"pid\":5046} | migrationStage.version is an integer, not a string",
  })
  void nativeWithWrongFieldsSaysWhichAndWhy(String body, String why) {
    assertThat(unrecognized(body.strip()).why()).startsWith("native format (has appStage), but " + why);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "{\"pid\":\"4242\",\"code\":\"exited\",\"status\":2}       | \"status\" is an integer, not a string",
      "{\"pid\":4242,\"code\":\"exited\",\"status\":\"2\"}       | \"pid\" is an integer, not a string",
      "{\"pid\":\"4242\",\"code\":null,\"status\":\"2\"}         | \"code\" is null, not a string",
      "{\"pid\":\"4242\",\"code\":\"exited\",\"status\":\"2\",\"stop_time\":[]} | \"stop_time\" is an array, not a string",
      "{\"pid\":\"4242\",\"code\":\"exited\",\"status\":\"2\",\"extra\":{}}     | \"extra\" is an object, not a string",
  })
  void monitorWithANonStringValueSaysWhich(String body, String why) {
    assertThat(unrecognized(body.strip()).why())
        .isEqualTo("monitor format (has pid, code and status), but " + why);
  }

  @Test
  void unknownAppStageIsQuotedAndTheKnownOnesListed() {
    assertThat(unrecognized("{\"appStage\":\"Paused\",\"messageId\":3,\"pid\":5046}").why())
        .isEqualTo("native format (has appStage), but appStage \"Paused\" is not one of "
            + "Started, Connected, Migrating, Finished, Failed");
  }

  @Test
  void duplicateFieldsAreAmbiguous() {
    assertThat(unrecognized("{\"appStage\":\"Failed\",\"appStage\":\"Finished\",\"messageId\":1,\"pid\":2}").why())
        .contains("Duplicate field \"appStage\"");
  }

  @Test
  void hugeBodyIsKeptCutAndMarkedTruncated() {
    var body = "{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":5046,\"pad\":\"" + "x".repeat(200 * 1024) + "\"}";

    var message = unrecognized(body);

    assertThat(body).startsWith(message.raw());
    assertThat(Text.jsonBytes(message.raw())).isBetween(MessageParser.MAX_RAW_BYTES - 1, MessageParser.MAX_RAW_BYTES);
    assertThat(message.truncated()).isTrue();
    assertThat(message.why()).startsWith("body is " + body.length() + " characters");
  }

  @Test
  void hugeNonJsonBodyIsKeptCutAndMarkedTruncated() {
    var body = "not json ".repeat(200 * 1024 / 9);

    var message = unrecognized(body);

    assertThat(message.raw()).isEqualTo(body.substring(0, MessageParser.MAX_RAW_BYTES));
    assertThat(message.truncated()).isTrue();
  }

  @Test
  void theBoundIsInBytesAsStatusStoresThem() {
    // 3-byte characters and characters JSON escapes would otherwise make a status several times the bound.
    var threeByteBody = "€".repeat(1000);
    var escapedBody = "\u0001".repeat(1000);

    assertThat(Text.jsonBytes(unrecognized(threeByteBody).raw())).isLessThanOrEqualTo(MessageParser.MAX_RAW_BYTES)
        .isGreaterThan(MessageParser.MAX_RAW_BYTES - 3);
    assertThat(Text.jsonBytes(unrecognized(escapedBody).raw())).isLessThanOrEqualTo(MessageParser.MAX_RAW_BYTES);
    assertThat(unrecognized(threeByteBody).truncated()).isTrue();
  }

  @Test
  void bodyOfExactlyTheLimitIsKeptWhole() {
    var body = "y".repeat(MessageParser.MAX_RAW_BYTES);

    var message = unrecognized(body);

    assertThat(message.raw()).isEqualTo(body);
    assertThat(message.truncated()).isFalse();
  }

  @Test
  void cutNeverSplitsASurrogatePair() {
    var body = "z".repeat(MessageParser.MAX_RAW_BYTES - 1) + "\uD83D\uDE00" + "tail";

    var message = unrecognized(body);

    assertThat(message.raw()).isEqualTo("z".repeat(MessageParser.MAX_RAW_BYTES - 1));
    assertThat(message.truncated()).isTrue();
  }

  @Test
  void deeplyNestedJsonIsUnrecognizedWithoutOverflowingTheStack() {
    var body = "[".repeat(10_000) + "]".repeat(10_000);
    var nestedObjects = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);

    assertThat(unrecognized(body).why()).startsWith("JSON beyond the parser's limits");
    assertThat(unrecognized(nestedObjects).why()).startsWith("JSON beyond the parser's limits");
  }

  @Test
  void nativeNestedAFewLevelsInUnknownFieldsIsFine() {
    var body = "{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":5046,\"x\":" + "[".repeat(20) + "]".repeat(20) + "}";

    assertThat(parse(body)).isInstanceOf(Native.class);
  }

  @Test
  void absurdlyLongNumberIsUnrecognized() {
    var body = "{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":" + "9".repeat(5000) + "}";

    assertThat(unrecognized(body).why()).startsWith("JSON beyond the parser's limits: Number value length (5000)")
        .doesNotContain("9999999999");
  }

  @Test
  void nullBytesAndLoneSurrogatesAreUnrecognizedOrKeptAsText() {
    assertThat(unrecognized("\u0000").raw()).isEqualTo("\u0000");
    assertThat(unrecognized("{\"appStage\":\"Finished\u0000\",\"messageId\":14,\"pid\":5046}").why())
        .startsWith("not JSON");
    assertThat(unrecognized("\uD800{}").raw()).isEqualTo("\uD800{}");
    assertThat(unrecognized("{\"appStage\":\"\uDC00\",\"messageId\":14,\"pid\":5046}").why())
        .contains("is not one of");
    assertThat(parse("{\"pid\":\"\uD800\",\"code\":\"\\u0000\",\"status\":\"0/0\"}"))
        .isEqualTo(new Monitor(ID, SENT, "\uD800", Optional.empty(), Optional.empty(), "\u0000", "0/0",
            Optional.empty()));
  }

  @Test
  void explanationIsShortAndEchoesLittleOfTheBody() {
    var secret = "s3cr3t".repeat(100);
    var bodies = new String[] {
        "{\"appStage\":\"" + secret + "\",\"messageId\":14,\"pid\":5046}",
        "{\"pid\":\"1\",\"code\":\"exited\",\"status\":\"0\",\"" + secret + "\":1}",
        secret,
        "{\"" + secret + "\":1,\"" + secret + "\":2}",
    };

    for (var body : bodies) {
      var why = unrecognized(body).why();
      assertThat(Text.jsonBytes(why)).isLessThanOrEqualTo(MessageParser.MAX_WHY_BYTES);
      assertThat(why).doesNotContain(secret.substring(0, 60));
    }
  }

  private static MigratorMessage parse(String body) {
    return MessageParser.parse(new RawMessage(ID, body, SENT));
  }

  private static Unrecognized unrecognized(String body) {
    var message = parse(body);
    assertThat(message).isInstanceOf(Unrecognized.class);
    assertThat(message.sqsMessageId()).isEqualTo(ID);
    assertThat(message.sentAt()).isEqualTo(SENT);
    return (Unrecognized) message;
  }
}

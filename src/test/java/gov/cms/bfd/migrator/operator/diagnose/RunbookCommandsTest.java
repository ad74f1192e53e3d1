package gov.cms.bfd.migrator.operator.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import gov.cms.bfd.migrator.operator.api.FailureMode;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.SettingsFixtures;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.Observed;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands of runbook.nextSteps are pasted into a shell by a person on call: whatever the environment's tags,
 * queue name and instance id hold, the command gets them as its arguments, and nothing else runs. Checked in a
 * real bash, with `aws` a function that prints what it was given.
 */
class RunbookCommandsTest {

  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private static final String HOSTILE = "$(touch PWNED)`touch PWNED`'; touch PWNED; '*";

  @Test
  void hostileNamesReachTheAwsCliAsTheyAreAndRunNothing(@TempDir Path dir) throws Exception {
    Settings defaults = SettingsFixtures.defaults("test");
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("Name", HOSTILE);
    tags.put("role " + HOSTILE, "migrator");
    Settings settings = new Settings(defaults.environment(), defaults.region(), defaults.roleArn(), "q" + HOSTILE, tags,
        defaults.serviceUnit(), defaults.logGroup(), defaults.expectedSchemaVersion(), defaults.timing(),
        defaults.remediation(), false);
    Instance instance = new Instance("i-0123" + HOSTILE, Instance.State.running, NOW.minusSeconds(3600), tags);
    Observation seen = Observation.basic(NOW, Observed.seen(new QueueState.Missing(settings.queueName())),
        Observed.seen(List.of(instance)));

    List<String> steps = Runbook.advise(new Verdict.Orphaned(instance, "no run evidence"), Optional.of(FailureMode.UndeployableState), seen,
        settings, Optional.empty()).nextSteps();

    String describe = command(steps, "aws ec2 describe-instances");
    List<String> argv = run(dir, describe);
    assertThat(argv).startsWith("ec2", "describe-instances", "--region", "us-east-1", "--filters");
    var filters = new ObjectMapper().readTree(argv.get(5));
    assertThat(filters.get(0).get("Name").asText()).isEqualTo("tag:Name");
    // EC2 would read * and ? as wildcards: escaped, so the filter matches the tag as written
    assertThat(filters.get(0).get("Values").get(0).asText()).isEqualTo(HOSTILE.replace("*", "\\*"));
    assertThat(filters.get(1).get("Name").asText()).isEqualTo("tag:role " + HOSTILE);

    // Both routes to the instance: SSM Run Command (and reading its output), and SSH to its private address.
    String both = steps.stream().filter(s -> s.contains("through SSM: ")).findFirst().orElseThrow();
    String ssm = both.substring(both.indexOf("through SSM: ") + 13, both.indexOf(" ; or over SSH: "));
    String ssh = both.substring(both.indexOf(" ; or over SSH: ") + 16);
    List<List<String>> calls = record(dir, ssm);
    assertThat(calls.get(0)).contains("--instance-ids", instance.id());
    String commands = new ObjectMapper().readTree(calls.get(0).get(calls.get(0).indexOf("--parameters") + 1))
        .get("commands").get(0).asText();
    assertThat(commands).isEqualTo("sudo systemctl status --no-pager -- bfd-db-migrator.service");
    assertThat(calls.get(1)).startsWith("ssm", "get-command-invocation").contains("--instance-id", instance.id());
    calls = record(dir, ssh);
    assertThat(calls.get(0)).contains("--instance-ids", instance.id());
    assertThat(calls.get(1)).startsWith("ssh:").endsWith("sudo systemctl status --no-pager -- bfd-db-migrator.service");

    for (String step : steps) {
      if (step.contains("aws sqs receive-message")) {
        argv = run(dir, "aws() { printf '%s\\0' \"$@\"; }; " + step.substring(step.indexOf("aws sqs receive-message")));
        // the queue URL is looked up by the queue's name, passed as one argument
        assertThat(argv).contains("--queue-url");
      }
    }
    // The "if failures persist" checks: CloudTrail's errors on the queue, by its name as one argument, and AWS Health.
    String escalation = steps.stream().filter(s -> s.contains("aws cloudtrail lookup-events")).findFirst().orElseThrow();
    String trail = escalation.substring(escalation.indexOf("aws cloudtrail lookup-events"),
        escalation.indexOf(" | grep"));
    argv = run(dir, "aws() { printf '%s\\0' \"$@\"; }; " + trail);
    assertThat(argv).startsWith("cloudtrail", "lookup-events").contains("AttributeKey=ResourceName,AttributeValue=q"
        + HOSTILE);
    String health = escalation.substring(escalation.indexOf("aws health describe-events"), escalation.length() - 1);
    argv = run(dir, "aws() { printf '%s\\0' \"$@\"; }; " + health);
    assertThat(new ObjectMapper().readTree(argv.get(argv.indexOf("--filter") + 1)).get("regions").get(0).asText())
        .isEqualTo("us-east-1");
    assertThat(dir.resolve("PWNED")).as("a command the names smuggled in ran").doesNotExist();
  }

  @Test
  void anInstanceSsmDoesNotManageGetsTheSshRouteOnlyAndHostileIdsStayArguments(@TempDir Path dir) throws Exception {
    Settings settings = SettingsFixtures.defaults("test");
    Instance instance = new Instance("i-0123" + HOSTILE, Instance.State.running, NOW.minusSeconds(3600), Map.of());
    Observation seen = Observation.basic(NOW, Observed.seen(new QueueState.Missing(settings.queueName())),
        Observed.seen(List.of(instance))).withSystemd(Observed.seen(
            gov.cms.bfd.migrator.operator.observe.SystemdStates.unreachable(instance.id(), NOW)));

    List<String> steps = Runbook.advise(new Verdict.Orphaned(instance, "no run evidence"),
        Optional.of(FailureMode.UndeployableState), seen, settings, Optional.empty()).nextSteps();

    assertThat(steps.get(0)).contains("not reachable through SSM");
    assertThat(steps).noneSatisfy(s -> assertThat(s).contains("through SSM: "));
    String step = steps.stream().filter(s -> s.contains("over SSH (SSM does not manage")).findFirst().orElseThrow();
    List<List<String>> calls = record(dir, step.substring(step.indexOf("ssh \"$(")));
    assertThat(calls.get(0)).contains("--instance-ids", instance.id());
    assertThat(calls.get(1)).startsWith("ssh:").endsWith("sudo systemctl status --no-pager -- bfd-db-migrator.service");
    assertThat(dir.resolve("PWNED")).doesNotExist();
  }

  /**
   * Runs {@code script} with `aws` and `ssh` replaced by functions that record their arguments (and `sleep` by
   * nothing); every call's arguments, in order.
   */
  private static List<List<String>> record(Path dir, String script) throws IOException, InterruptedException {
    Path calls = dir.resolve("calls");
    java.nio.file.Files.deleteIfExists(calls);
    run(dir, "aws() { printf '%s\\0' \"$@\" >> calls; printf '\\n' >> calls; echo cmd-1; };"
        + " ssh() { printf 'ssh:\\0' >> calls; printf '%s\\0' \"$@\" >> calls; printf '\\n' >> calls; };"
        + " sleep() { :; }; " + script);
    List<List<String>> out = new java.util.ArrayList<>();
    for (String line : java.nio.file.Files.readString(calls).split("\n")) {
      if (!line.isEmpty()) {
        out.add(List.of(line.substring(0, line.length() - 1).split("\0", -1)));
      }
    }
    return out;
  }

  private static String command(List<String> steps, String start) {
    String step = steps.stream().filter(s -> s.contains(start)).findFirst().orElseThrow(
        () -> new AssertionError("no step with " + start + " in " + steps));
    return "aws() { printf '%s\\0' \"$@\"; }; " + step.substring(step.indexOf(start));
  }

  private static List<String> run(Path dir, String script) throws IOException, InterruptedException {
    var process = new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(script + "\n" + err).isZero();
    return out.isEmpty() ? List.of() : List.of(out.substring(0, out.length() - 1).split("\0", -1));
  }
}

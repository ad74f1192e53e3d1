package gov.cms.bfd.migrator.operator.diagnose;

import java.util.List;
import java.util.Objects;

/**
 * A runbook section, its address, and its steps with the environment's real names filled in, each of a kind, so
 * that what the operator plans or has done can replace or drop the steps it covers ({@code report.NextSteps}).
 */
public record RunbookAdvice(String section, String url, List<Step> steps) {

  /** The wiki page the pipeline points people at (facts §5.1). */
  public static final String PAGE =
      "https://github.com/CMSgov/beneficiary-fhir-data/wiki/How-to-Recover-from-Migrator-Failures";

  /** What a step does: the operator's plan covers some kinds, and some are done once their effect is seen. */
  public enum Kind {
    /** A statement of the situation, or where to look; nothing to do. */
    NOTE,
    /** Make sure no migration runs: the instances and systemd. */
    CHECK_RUNNING,
    READ_MESSAGES,
    STOP_SERVICE,
    READ_LOG,
    /** Look at the instance's user-data, cloud-init, generated files and variables (exit 1). */
    INSPECT_INSTANCE,
    /** The exit-1 checks, as the migrator's own role. */
    VERIFY_ACCESS,
    /** Fix the cause through a pull request. */
    FIX,
    PURGE,
    TERMINATE,
    REDEPLOY,
    /** If failures persist. */
    ESCALATE
  }

  /** One step for a person. */
  public record Step(Kind kind, String text) {
    public Step {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(text, "text");
    }
  }

  public RunbookAdvice {
    Objects.requireNonNull(section, "section");
    Objects.requireNonNull(url, "url");
    steps = List.copyOf(steps);
  }

  /** The steps' words, in order. */
  public List<String> nextSteps() {
    return steps.stream().map(Step::text).toList();
  }
}

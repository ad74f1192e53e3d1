package gov.cms.bfd.migrator.operator.diagnose;

import java.util.List;
import java.util.Objects;

/** A runbook section, its address, and the next steps with the environment's real names filled in. */
public record RunbookAdvice(String section, String url, List<String> nextSteps) {

  /** The wiki page the pipeline points people at (facts §5.1). */
  public static final String PAGE =
      "https://github.com/CMSgov/beneficiary-fhir-data/wiki/How-to-Recover-from-Migrator-Failures";

  public RunbookAdvice {
    Objects.requireNonNull(section, "section");
    Objects.requireNonNull(url, "url");
    nextSteps = List.copyOf(nextSteps);
  }
}

package gov.cms.bfd.migrator.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.testbed.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real kstatus library (tools/kstatus) over the status fixtures that ArgoHealthLuaTest and FluxHealthCelTest use:
 * each gets the verdict of expectations.yaml (Failed whenever only a person can move the resource on, InProgress
 * while the operator makes progress, Current when deployable), and the three tools agree.
 */
class KstatusCheckTest {

  /** Maven runs tests in the project directory. */
  private static final Path ROOT = Path.of("").toAbsolutePath();

  @Test
  void theCheckerIsBuiltFromThePinnedCliUtils() {
    assertThat(KstatusCheck.version(ROOT)).matches("kstatus-check [0-9a-f]{16} cli-utils v0\\.37\\.2");
  }

  @Test
  void everyFixtureGetsAKstatusVerdict() {
    List<String> names = HealthFixtures.all().stream().map(HealthFixtures.Fixture::name).toList();

    var verdicts = KstatusCheck.fixtures(ROOT, names);

    assertThat(verdicts).hasSize(names.size());
    verdicts.forEach((fixture, verdict) -> {
      assertThat(verdict.status()).as("%s: %s", fixture, verdict).isIn(KstatusCheck.STATUSES);
      assertThat(verdict.object()).as(fixture).startsWith("MigratorDeployment bfd/");
    });
  }

  @Test
  void everyFixtureGetsTheVerdictItsSituationCallsFor() {
    List<HealthExpectations.Expected> expected = HealthExpectations.all();
    var verdicts = KstatusCheck.fixtures(ROOT, expected.stream().map(HealthExpectations.Expected::fixture).toList());
    StringBuilder table = new StringBuilder("kstatus verdicts of the fixtures:\n");

    for (var e : expected) {
      var verdict = verdicts.get(e.fixture());
      table.append(String.format("  %-26s %-10s argo %-11s flux %-10s %s%n", e.fixture(), verdict.status(), e.argo(),
          e.flux(), verdict.message().length() > 90 ? verdict.message().substring(0, 90) + "..." : verdict.message()));
      assertThat(verdict.status()).as("kstatus of %s (%s)", e.fixture(), verdict.message()).isEqualTo(e.kstatus());
      e.kstatusMessage().forEach(phrase -> assertThat(verdict.message()).as(e.fixture()).contains(phrase));
    }
    System.out.print(table);
  }

  /** Argo CD's health script and Flux's expressions say what kstatus says, in their own words. */
  @Test
  void argoCdFluxAndKstatusAgree() {
    for (var e : HealthExpectations.all()) {
      switch (e.kstatus()) {
        case "Current" -> {
          assertThat(e.argo()).as(e.fixture()).isEqualTo("Healthy");
          assertThat(e.flux()).as(e.fixture()).isEqualTo("current");
        }
        case "Failed" -> {
          assertThat(e.argo()).as(e.fixture()).isIn("Degraded", "Suspended");
          assertThat(e.flux()).as(e.fixture()).isEqualTo("failed");
        }
        default -> {
          assertThat(e.argo()).as(e.fixture()).isIn("Progressing", "Suspended");
          assertThat(e.flux()).as(e.fixture()).isIn("inProgress", "error");
        }
      }
    }
  }

  /** The library's rules that do not depend on the operator's semantics: a status of an older generation is stale. */
  @Test
  void aStatusForAnOlderGenerationIsInProgress() {
    var verdict = KstatusCheck.fixtures(ROOT, List.of("stale-observed-generation")).get("stale-observed-generation");

    assertThat(verdict.status()).isEqualTo("InProgress");
    assertThat(verdict.message()).contains("generation");
  }

  @Test
  void anObjectItCannotReadIsAnErrorNamingTheFile() throws Exception {
    Path bad = Files.createTempFile("kstatus-", ".yaml");
    try {
      Files.writeString(bad, "kind: [unclosed\n");

      var result = Cli.kstatus(ROOT, bad.toString());

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.stderr()).contains(bad.toString());
    } finally {
      Files.delete(bad);
    }
  }
}

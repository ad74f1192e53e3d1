package gov.cms.bfd.migrator.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.testbed.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kstatus checker (tools/kstatus) runs over the status fixtures that ArgoHealthLuaTest and FluxHealthCelTest use
 * and gives each a verdict of the real kstatus library. A smoke test of the checker only: which verdict each fixture
 * should get follows the operator's Stalled and Reconciling semantics (DESIGN.md §2) and is a table of its own.
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

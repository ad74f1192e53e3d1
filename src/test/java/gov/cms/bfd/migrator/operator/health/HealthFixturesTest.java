package gov.cms.bfd.migrator.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fixtures in src/test/resources/health/ are what HealthFixtures generates from the real status code: a change
 * to what the operator writes fails here until the fixtures (and so the health checks tested on them) follow.
 * {@code -Dhealth.fixtures.write=true} rewrites them.
 */
class HealthFixturesTest {

  static final Path DIR = Path.of("src/test/resources/health");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @Test
  void fixturesAreWhatTheStatusCodeWrites() throws IOException {
    boolean write = Boolean.getBoolean("health.fixtures.write");
    for (HealthFixtures.Fixture fixture : HealthFixtures.all()) {
      Path file = DIR.resolve(fixture.name() + ".yaml");
      if (write) {
        Files.writeString(file, fixture.yaml());
      }
      assertThat(file).as("%s is missing: run with -Dhealth.fixtures.write=true", file).exists();
      assertThat(Files.readString(file))
          .as("%s is stale: run `mvn test -Dtest=HealthFixturesTest -Dhealth.fixtures.write=true` and review the diff", file)
          .isEqualTo(fixture.yaml());
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void fixturesReadBackAsTheObjectTheyWereWrittenFrom() {
    for (HealthFixtures.Fixture fixture : HealthFixtures.all()) {
      Map<String, Object> json = HealthExpectations.jsonShaped(
          (Map<String, Object>) SERIALIZATION.unmarshal(SERIALIZATION.asJson(fixture.resource()), Map.class));
      assertThat(HealthExpectations.fixture(fixture.name())).as(fixture.name()).isEqualTo(json);
    }
  }

  @Test
  void everyFixtureFileIsGenerated() throws IOException {
    List<String> generated = HealthFixtures.all().stream().map(f -> f.name() + ".yaml").toList();
    try (Stream<Path> files = Files.list(DIR)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.equals(HealthExpectations.FILE)))
          .containsExactlyInAnyOrderElementsOf(generated);
    }
  }
}

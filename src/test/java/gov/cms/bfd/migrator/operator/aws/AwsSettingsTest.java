package gov.cms.bfd.migrator.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** application.properties maps the AWS_ENDPOINT_URL environment variable onto the operator's AWS clients. */
class AwsSettingsTest {

  @Test
  void awsEndpointUrlFromTheEnvironmentIsHonoured() throws IOException {
    var settings = settings(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"));

    assertThat(settings.endpointUrl()).contains(URI.create("http://127.0.0.1:5000"));
  }

  @Test
  void withoutItTheRealRegionalEndpointsAreUsed() throws IOException {
    var settings = settings(Map.of());

    assertThat(settings.endpointUrl()).isEmpty();
    assertThat(settings.accessKeyId()).isEmpty();
  }

  private static AwsSettings settings(Map<String, String> environment) throws IOException {
    SmallRyeConfig config = new SmallRyeConfigBuilder()
        .addDefaultInterceptors() // expands ${AWS_ENDPOINT_URL:} as Quarkus does
        .withSources(new EnvConfigSource(environment, 300))
        .withSources(new PropertiesConfigSource(
            AwsSettingsTest.class.getResource("/application.properties"), 250))
        .withMapping(AwsSettings.class)
        .build();
    return config.getConfigMapping(AwsSettings.class);
  }
}

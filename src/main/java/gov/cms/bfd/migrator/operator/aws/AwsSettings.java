package gov.cms.bfd.migrator.operator.aws;

import io.smallrye.config.ConfigMapping;
import java.net.URI;
import java.util.Optional;

/** How the operator reaches AWS: the real endpoints by default, an emulator when an endpoint is given. */
@ConfigMapping(prefix = "migrator.aws")
public interface AwsSettings {

  /** Sends every AWS call here instead of the regional endpoint (AWS_ENDPOINT_URL, e.g. moto). */
  Optional<URI> endpointUrl();

  /** Static credentials, for an emulator; unset in production, where the default chain (IRSA) applies. */
  Optional<String> accessKeyId();

  Optional<String> secretAccessKey();
}

package gov.cms.bfd.migrator.operator.testbed;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/** Points the operator under test at the shared API server and moto. */
public class TestBedResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    var bed = TestBed.get();
    var config = bed.kubeConfig();
    Map<String, String> props = new HashMap<>();
    props.put("quarkus.kubernetes-client.api-server-url", config.getMasterUrl());
    // kube-api-test's kubeconfig names certificate files; pass whichever form the config holds.
    putEither(props, "ca-cert", config.getCaCertFile(), config.getCaCertData());
    putEither(props, "client-cert", config.getClientCertFile(), config.getClientCertData());
    putEither(props, "client-key", config.getClientKeyFile(), config.getClientKeyData());
    props.put("quarkus.kubernetes-client.trust-certs", "false");
    props.put("migrator.aws.endpoint-url", bed.moto().endpoint().toString());
    props.put("migrator.aws.access-key-id", "testing");
    props.put("migrator.aws.secret-access-key", "testing");
    return props;
  }

  private static void putEither(Map<String, String> props, String key, String file, String data) {
    if (file != null) {
      props.put("quarkus.kubernetes-client." + key + "-file", file);
    } else if (data != null) {
      props.put("quarkus.kubernetes-client." + key + "-data", data);
    }
  }

  @Override
  public void stop() {
    // The shared test bed outlives one Quarkus application; a shutdown hook stops it.
  }
}

package gov.cms.bfd.migrator.operator.testbed;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points the operator under test at the shared API server and moto. */
public class TestBedResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    var bed = TestBed.get();
    // The Kubernetes client settings are fixed at build time in Quarkus; the fabric8 client reads the
    // kubeconfig named by this system property at run time, as it reads KUBECONFIG in a real deployment.
    System.setProperty("kubeconfig", bed.kubeconfigFile().toString());
    return Map.of(
        "migrator.aws.endpoint-url", bed.moto().endpoint().toString(),
        "migrator.aws.access-key-id", "testing",
        "migrator.aws.secret-access-key", "testing");
  }

  @Override
  public void stop() {
    // The shared test bed outlives one Quarkus application; a shutdown hook stops it.
  }
}

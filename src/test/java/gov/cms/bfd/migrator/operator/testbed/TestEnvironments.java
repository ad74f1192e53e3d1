package gov.cms.bfd.migrator.operator.testbed;

import gov.cms.bfd.migrator.operator.api.AfterFailure;
import gov.cms.bfd.migrator.operator.api.AllowedRemediation;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.MigratorEnvironment;
import gov.cms.bfd.migrator.operator.api.MigratorEnvironmentSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.function.Consumer;

/** MigratorEnvironments as a cluster admin declares them for the tests' environments. */
public final class TestEnvironments {

  private TestEnvironments() {}

  /** An environment bound to {@code namespaces}, with the CRD's defaults and what {@code customize} changes. */
  public static MigratorEnvironment declare(KubernetesClient admin, String name, List<String> namespaces,
      Consumer<MigratorEnvironmentSpec> customize) {
    var environment = new MigratorEnvironment();
    environment.setMetadata(new ObjectMetaBuilder().withName(name).build());
    var spec = new MigratorEnvironmentSpec();
    spec.namespaces = List.copyOf(namespaces);
    customize.accept(spec);
    environment.setSpec(spec);
    environment.setStatus(null);
    return admin.resource(environment).forceConflicts().serverSideApply();
  }

  /** An environment bound to one namespace that allows whatever {@code wanted} switches on. */
  public static MigratorEnvironment declareFor(KubernetesClient admin, String namespace, MigratorDeploymentSpec wanted) {
    return declare(admin, wanted.environment, List.of(namespace), spec -> spec.allowedRemediation = allowing(wanted));
  }

  /** The ceiling that lets {@code wanted} have all it asks for. */
  public static AllowedRemediation allowing(MigratorDeploymentSpec wanted) {
    var allowed = new AllowedRemediation();
    var remediation = wanted.remediation;
    allowed.stopService = remediation != null && Boolean.TRUE.equals(remediation.stopService);
    allowed.terminateInstance = remediation != null && Boolean.TRUE.equals(remediation.terminateInstance);
    allowed.afterFailureAuto = remediation != null && remediation.afterFailure == AfterFailure.Auto;
    return allowed;
  }

  public static MigratorEnvironment get(KubernetesClient client, String name) {
    return client.resources(MigratorEnvironment.class).withName(name).get();
  }

  public static void forget(KubernetesClient admin, String name) {
    admin.resources(MigratorEnvironment.class).withName(name).delete();
  }
}

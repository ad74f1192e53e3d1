package gov.cms.bfd.migrator.operator.testbed;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real kube-apiserver and etcd, started by kube-api-test in offline mode from the binaries that
 * {@code make test-deps} builds. Server-side apply, validation, CEL and RBAC are all on, as in production.
 */
final class KubeApiServerProcess {

  /** The release hack/build-kube-binaries.sh builds; Maven passes it in, the default keeps IDE runs working. */
  static final String VERSION = System.getProperty("kube-api-test.k8s-version", "1.34.4");

  private final KubeAPIServer server;
  private final String kubeconfigYaml;

  private KubeApiServerProcess(KubeAPIServer server) {
    this.server = server;
    this.kubeconfigYaml = server.getKubeConfigYaml();
  }

  static KubeApiServerProcess start() {
    Path home = Path.of(System.getenv().getOrDefault("KUBE_API_TEST_DIR",
        Path.of(System.getProperty("user.home"), ".kubeapitest").toString()));
    Path binaries = home.resolve("k8s").resolve(VERSION + "-linux-amd64");
    for (String binary : List.of("kube-apiserver", "etcd", "kubectl")) {
      if (!Files.isExecutable(binaries.resolve(binary))) {
        throw new IllegalStateException("No " + binary + " in " + binaries
            + ": run `make test-deps` to build Kubernetes v" + VERSION + " from the Go module proxy.");
      }
    }
    var server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withTestDir(home.toString())
        .withApiServerVersion(VERSION)
        .withOfflineMode(true)
        .withUpdateKubeConfig(false)
        .withStartupTimeout(120_000)
        .build());
    server.start();
    return new KubeApiServerProcess(server);
  }

  String kubeconfigYaml() {
    return kubeconfigYaml;
  }

  Config clientConfig() {
    return Config.fromKubeconfig(kubeconfigYaml);
  }

  void stop() {
    server.stop();
  }
}

package gov.cms.bfd.migrator.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.OperatorProcess;
import gov.cms.bfd.migrator.operator.testbed.Scenario;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The way past one replica: operators with disjoint label selectors (WATCH_SELECTOR) split a fleet, and no
 * resource is reconciled by both, nor one outside every shard by either.
 */
@ExtendWith(MotoReset.class)
class ShardingProcessIT {

  private static final String NAMESPACE = "shards";
  private static final Pattern RECONCILES =
      Pattern.compile("^migrator_reconciles_total\\{name=\"([^\"]+)\",namespace=\"" + NAMESPACE + "\"} (\\S+)$", Pattern.MULTILINE);

  private final KubernetesClient client = TestBed.get().client();
  private final List<Scenario> scenarios = new ArrayList<>();

  @AfterEach
  void tearDown() {
    scenarios.forEach(Scenario::close);
    client.close();
  }

  @Test
  void twoOperatorsWithDisjointSelectorsSplitTheFleet() throws Exception {
    var shardA = create("a", 4);
    var shardB = create("b", 4);
    var unsharded = create("", 2);
    var moto = TestBed.get().moto().endpoint();
    try (var a = OperatorProcess.start(TestBed.get(), moto, "shard-a", Map.of("WATCH_SELECTOR", "shard=a"), "/q/health/ready");
        var b = OperatorProcess.start(TestBed.get(), moto, "shard-b", Map.of("WATCH_SELECTOR", "shard=b"), "/q/health/ready")) {
      var all = new ArrayList<>(shardA);
      all.addAll(shardB);
      for (String name : all) {
        await().atMost(Duration.ofSeconds(60)).until(() -> observed(name));
      }
      // a few more poll cycles (2 s idle) for a stray reconcile to show
      Thread.sleep(5_000);

      Set<String> byA = reconciled(a);
      Set<String> byB = reconciled(b);
      System.out.printf("sharding: operator a reconciled %s, operator b %s%n", byA, byB);
      assertThat(byA).containsExactlyInAnyOrderElementsOf(shardA);
      assertThat(byB).containsExactlyInAnyOrderElementsOf(shardB);
      for (String name : unsharded) {
        assertThat(observed(name)).as(name + " carries no shard label: no operator touches it").isFalse();
      }
    }
  }

  private List<String> create(String shard, int count) {
    var names = new ArrayList<String>();
    for (int i = 0; i < count; i++) {
      var scenario = new Scenario(client, NAMESPACE, "s" + (shard.isEmpty() ? "x" : shard), "shard-" + shard + i);
      scenarios.add(scenario);
      scenario.sim().createQueue();
      var md = new MigratorDeployment();
      md.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(scenario.env()).withNamespace(NAMESPACE)
          .withLabels(shard.isEmpty() ? Map.of() : Map.of("shard", shard)).build());
      md.setSpec(scenario.spec());
      client.resource(md).create();
      names.add(scenario.env());
    }
    return names;
  }

  private boolean observed(String name) {
    var md = client.resources(MigratorDeployment.class).inNamespace(NAMESPACE).withName(name).get();
    return md.getStatus() != null && md.getStatus().observedGeneration != null && md.getStatus().observedGeneration >= 1;
  }

  private static Set<String> reconciled(OperatorProcess operator) throws Exception {
    String scrape = operator.get("/q/metrics").body();
    return RECONCILES.matcher(scrape).results().filter(m -> Double.parseDouble(m.group(2)) > 0)
        .map(m -> m.group(1)).collect(Collectors.toSet());
  }
}

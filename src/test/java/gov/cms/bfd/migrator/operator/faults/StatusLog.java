package gov.cms.bfd.migrator.operator.faults;

import gov.cms.bfd.migrator.operator.api.Condition;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Every version of the MigratorDeployments in one namespace, as a watch delivers them, with the time it
 * arrived: what the resource said at each moment of a fault, not only at the moments a test looked. Each
 * version is handed to a check as it arrives.
 */
public final class StatusLog implements AutoCloseable {

  /** One version of one resource. */
  public record Version(Instant at, String name, MigratorDeployment resource) {

    public Optional<Condition> condition(String type) {
      var status = resource.getStatus();
      if (status == null || status.conditions == null) {
        return Optional.empty();
      }
      return status.conditions.stream().filter(c -> type.equals(c.type)).findFirst();
    }

    public boolean is(String type, String status) {
      return condition(type).filter(c -> status.equals(c.status)).isPresent();
    }
  }

  private final Map<String, List<Version>> versions = new ConcurrentHashMap<>();
  private final Watch watch;

  public StatusLog(KubernetesClient client, String namespace, BiConsumer<Version, StatusLog> check) {
    watch = client.resources(MigratorDeployment.class).inNamespace(namespace).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, MigratorDeployment resource) {
        if (action == Action.DELETED) {
          return;
        }
        var version = new Version(Instant.now(), resource.getMetadata().getName(), resource);
        var list = versions.computeIfAbsent(version.name(), k -> new ArrayList<>());
        synchronized (list) {
          list.add(version);
        }
        check.accept(version, StatusLog.this);
      }

      @Override
      public void onClose(WatcherException cause) {
        if (cause != null) {
          System.err.println("status watch closed: " + cause.getMessage());
        }
      }
    });
  }

  public List<Version> of(String name) {
    var list = versions.getOrDefault(name, List.of());
    synchronized (list) {
      return List.copyOf(list);
    }
  }

  /** The first version of {@code name} at or after {@code since} for which {@code done} holds, waiting for it. */
  public Version await(String name, Instant since, Duration atMost, Predicate<Version> done) {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (true) {
      Optional<Version> found = of(name).stream().filter(v -> !v.at().isBefore(since)).filter(done).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      if (System.nanoTime() > deadline) {
        var last = of(name).stream().reduce((a, b) -> b);
        throw new AssertionError(name + ": not reached within " + atMost.toSeconds() + " s; last version: "
            + last.map(v -> describe(v.resource())).orElse("none"));
      }
      sleep(100);
    }
  }

  public static String describe(MigratorDeployment md) {
    if (md.getStatus() == null || md.getStatus().conditions == null) {
      return "no status";
    }
    StringBuilder text = new StringBuilder();
    for (Condition c : md.getStatus().conditions) {
      text.append(c.type).append('=').append(c.status).append('/').append(c.reason).append(' ');
    }
    if (md.getStatus().history != null) {
      md.getStatus().history.forEach(h -> text.append("history:").append(h.action).append('=').append(h.outcome)
          .append('(').append(h.detail).append(") "));
    }
    return text.toString().trim();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    watch.close();
  }
}

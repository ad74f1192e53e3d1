package gov.cms.bfd.migrator.operator.reconciler;

import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.report.EventPlanner.PlannedEvent;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jboss.logging.Logger;

/** Writes Kubernetes Events through the fabric8 client (JOSDK 5 has no event recorder). */
@ApplicationScoped
public class KubernetesEvents {

  static final String COMPONENT = "migrator-operator";
  private static final Logger LOG = Logger.getLogger(KubernetesEvents.class);
  private final KubernetesClient client;

  public KubernetesEvents(KubernetesClient client) {
    this.client = client;
  }

  /** Writes the event; a failure to write one is logged, never fails the reconcile. */
  public void emit(MigratorDeployment resource, PlannedEvent event, Instant now) {
    var meta = resource.getMetadata();
    String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    var kubeEvent = new EventBuilder()
        .withNewMetadata().withGenerateName(meta.getName() + ".").withNamespace(meta.getNamespace()).endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(resource.getApiVersion()).withKind(resource.getKind())
            .withName(meta.getName()).withNamespace(meta.getNamespace()).withUid(meta.getUid())
            .withResourceVersion(meta.getResourceVersion()).build())
        .withType(event.type()).withReason(event.reason()).withMessage(event.message())
        .withFirstTimestamp(time).withLastTimestamp(time).withCount(1)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .withReportingInstance(System.getenv().getOrDefault("HOSTNAME", COMPONENT))
        .build();
    try {
      client.v1().events().inNamespace(meta.getNamespace()).resource(kubeEvent).create();
      LOG.infof("%s/%s: %s %s: %s", meta.getNamespace(), meta.getName(), event.type(), event.reason(), event.message());
    } catch (KubernetesClientException e) {
      LOG.warnf("could not record Event %s for %s/%s: %s", event.reason(), meta.getNamespace(), meta.getName(),
          e.getMessage());
    }
  }
}

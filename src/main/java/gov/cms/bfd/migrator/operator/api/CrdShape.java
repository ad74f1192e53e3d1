package gov.cms.bfd.migrator.operator.api;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the CRD generator's annotations cannot say, added to the generated CRDs (QOSDK runs it at build time through
 * {@code quarkus.operator-sdk.crd.post-processor}; CrdFreshnessTest with the same): {@code conditions}
 * lists are maps keyed by {@code type} (one condition per type, merged by server-side apply per type), and the
 * fields that always hold an RFC 3339 time say {@code format: date-time}. Build-time only: nothing at run time
 * loads it.
 */
public class CrdShape implements CRDPostProcessor {

  /** Properties, by name, that always hold an RFC 3339 time wherever they appear in a status. */
  static final Set<String> TIMES = Set.of("lastTransitionTime", "time", "sentTime", "launchTime", "lastProgressTime");

  @Override
  public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
    if (crd instanceof CustomResourceDefinition definition) {
      definition.getSpec().getVersions().forEach(v -> {
        JSONSchemaProps status = v.getSchema().getOpenAPIV3Schema().getProperties().get("status");
        if (status != null) {
          shape(status);
        }
      });
    }
    return crd;
  }

  private static void shape(JSONSchemaProps schema) {
    Map<String, JSONSchemaProps> properties = schema.getProperties();
    if (properties != null) {
      properties.forEach((name, property) -> {
        if (name.equals("conditions") && "array".equals(property.getType())) {
          property.setXKubernetesListType("map");
          property.setXKubernetesListMapKeys(List.of("type"));
        }
        if (TIMES.contains(name) && "string".equals(property.getType())) {
          property.setFormat("date-time");
        }
        shape(property);
      });
    }
    if (schema.getItems() != null && schema.getItems().getSchema() != null) {
      shape(schema.getItems().getSchema());
    }
  }
}

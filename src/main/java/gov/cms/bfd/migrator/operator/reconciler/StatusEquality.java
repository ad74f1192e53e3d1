package gov.cms.bfd.migrator.operator.reconciler;

import com.fasterxml.jackson.databind.ObjectMapper;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import io.fabric8.kubernetes.client.utils.Serialization;

/** Compares statuses as the API server stores them (JSON), so a no-op is recognised and not written. */
final class StatusEquality {

  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private StatusEquality() {}

  static boolean same(MigratorDeploymentStatus current, MigratorDeploymentStatus next) {
    if (current == null || next == null) {
      return current == next;
    }
    return JSON.valueToTree(current).equals(JSON.valueToTree(next));
  }
}

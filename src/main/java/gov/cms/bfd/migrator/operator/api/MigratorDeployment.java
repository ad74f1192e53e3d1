package gov.cms.bfd.migrator.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One BFD environment whose migrator deployments the operator watches over and recovers. {@code kubectl get md -o wide}
 * adds the Ready condition's reason and what a person must do (the Stalled condition's message).
 *
 * <p>The CRD generator orders printer columns by jsonPath, case-insensitively, whatever order they are
 * declared in. Deployable's filter uses single quotes so that it sorts after Ready's (a double quote sorts
 * before a single one), giving Environment, Ready, Deployable, Failure mode; Age sorts first.
 */
@Group(MigratorDeployment.GROUP)
@Version(MigratorDeployment.VERSION)
@ShortNames({"md", "migdep"})
@Categories({"migrator", "bfd"})
@ValidationRule(value = "has(self.spec)", message = "spec is required: set at least spec.environment")
@AdditionalPrinterColumn(name = "Environment", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".spec.environment")
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Deployable", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type=='Deployable')].status")
@AdditionalPrinterColumn(name = "Failure mode", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.failureMode")
@AdditionalPrinterColumn(name = "Reason", type = AdditionalPrinterColumn.Type.STRING, priority = 1,
    jsonPath = ".status.conditions[?(@.type=='Ready')].reason")
@AdditionalPrinterColumn(name = "Message", type = AdditionalPrinterColumn.Type.STRING, priority = 1,
    jsonPath = ".status.conditions[?(@.type=='Stalled')].message")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
public class MigratorDeployment extends CustomResource<MigratorDeploymentSpec, MigratorDeploymentStatus>
    implements Namespaced {

  public static final String GROUP = "migrator.bfd.cms.gov";
  public static final String VERSION = "v1alpha1";
  /** Annotation a person sets to the current {@code status.planFingerprint} to approve that plan. */
  public static final String APPROVE_ANNOTATION = GROUP + "/approve";
  /** Annotation naming who approved; an admission policy holds it to the requesting user. */
  public static final String APPROVED_BY_ANNOTATION = GROUP + "/approved-by";

  /**
   * The status, which the API server defaults to {@code {observedGeneration: -1}} until the operator writes one: a
   * resource nothing has observed yet then reads as in progress (kstatus), never as current.
   */
  @Override
  @Default("{}")
  @JsonPropertyDescription("What the operator last saw, concluded, planned and did; written by the operator only.")
  public MigratorDeploymentStatus getStatus() {
    return super.getStatus();
  }
}

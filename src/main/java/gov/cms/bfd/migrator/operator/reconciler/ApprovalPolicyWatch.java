package gov.cms.bfd.migrator.operator.reconciler;

import gov.cms.bfd.migrator.operator.model.Input.ApprovalGuard;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchResources;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Whether the admission policy that guards approvals is in force: the operator acts on an approval only while
 * it sees the ValidatingAdmissionPolicy (which holds {@code approved-by} to the requesting user and requires the
 * verb {@code approve}) and its binding installed, applying to every namespace with {@code Deny}. Without it,
 * {@code approved-by} is free text anyone who may edit the resource can write. Read from the API server at most
 * every {@link #RECHECK}, whatever the number of resources.
 */
@ApplicationScoped
public class ApprovalPolicyWatch {

  /** How long a reading stands: a removed policy stops approvals within this time. */
  static final Duration RECHECK = Duration.ofSeconds(30);
  /** What the operator's policy checks; an older or hand-written policy without it does not separate duties. */
  static final String VERB_CHECK = "check('approve')";
  private static final Logger LOG = Logger.getLogger(ApprovalPolicyWatch.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final String policyName;
  private volatile Reading last;

  private record Reading(Instant at, ApprovalGuard guard) {}

  @Inject
  public ApprovalPolicyWatch(KubernetesClient client, Clock clock,
      @ConfigProperty(name = "migrator.approval.policy-name",
          defaultValue = "migratordeployments-approved-by.migrator.bfd.cms.gov") String policyName) {
    this.client = client;
    this.clock = clock;
    this.policyName = policyName;
  }

  /** Says at start whether approvals will be acted on, so an install without the policy shows in the log at once. */
  void onStart(@Observes StartupEvent start) {
    guard();
  }

  public ApprovalGuard guard() {
    Instant now = clock.instant();
    Reading reading = last;
    if (reading != null && reading.at().plus(RECHECK).isAfter(now)) {
      return reading.guard();
    }
    ApprovalGuard guard = check();
    if (reading == null || !reading.guard().equals(guard)) {
      LOG.infof("approvals %s", guard.missing().map(why -> "are not acted on: " + why).orElse("are guarded by " + policyName));
    }
    last = new Reading(now, guard);
    return guard;
  }

  private ApprovalGuard check() {
    try {
      ValidatingAdmissionPolicy policy = client.admissionRegistration().v1().validatingAdmissionPolicies()
          .withName(policyName).get();
      if (policy == null) {
        return ApprovalGuard.missing("the ValidatingAdmissionPolicy " + policyName + " is not installed (the chart's"
            + " approval.enabled), so nothing holds migrator.bfd.cms.gov/approved-by to the approving user");
      }
      var spec = policy.getSpec();
      List<String> expressions = new java.util.ArrayList<>();
      if (spec != null && spec.getValidations() != null) {
        spec.getValidations().stream().map(Validation::getExpression).forEach(expressions::add);
      }
      if (spec != null && spec.getVariables() != null) {
        spec.getVariables().forEach(v -> expressions.add(v.getExpression()));
      }
      if (expressions.stream().noneMatch(e -> e != null && e.contains(VERB_CHECK))) {
        return ApprovalGuard.missing("the ValidatingAdmissionPolicy " + policyName + " does not require the verb approve"
            + " (an older version?): install the operator's deploy/approval-policy.yaml");
      }
      ValidatingAdmissionPolicyBinding binding = client.admissionRegistration().v1().validatingAdmissionPolicyBindings()
          .withName(policyName).get();
      Optional<String> bindingProblem = bindingProblem(binding);
      return bindingProblem.map(ApprovalGuard::missing).orElse(ApprovalGuard.ENFORCED);
    } catch (KubernetesClientException e) {
      return ApprovalGuard.missing("the operator cannot read the ValidatingAdmissionPolicy " + policyName
          + " and its binding (HTTP " + e.getCode() + "), so it cannot tell whether approvals are guarded");
    }
  }

  private Optional<String> bindingProblem(ValidatingAdmissionPolicyBinding binding) {
    String name = "the ValidatingAdmissionPolicyBinding " + policyName;
    if (binding == null || binding.getSpec() == null) {
      return Optional.of(name + " is not installed, so the policy judges nothing");
    }
    if (!policyName.equals(binding.getSpec().getPolicyName())) {
      return Optional.of(name + " binds " + binding.getSpec().getPolicyName() + ", not " + policyName);
    }
    if (binding.getSpec().getValidationActions() == null || !binding.getSpec().getValidationActions().contains("Deny")) {
      return Optional.of(name + " does not Deny (validationActions " + binding.getSpec().getValidationActions() + ")");
    }
    MatchResources match = binding.getSpec().getMatchResources();
    if (match != null && (match.getNamespaceSelector() != null && !isEmpty(match.getNamespaceSelector())
        || match.getObjectSelector() != null && !isEmpty(match.getObjectSelector())
        || match.getExcludeResourceRules() != null && !match.getExcludeResourceRules().isEmpty())) {
      return Optional.of(name + " narrows what it applies to (matchResources): approvals outside it are unguarded");
    }
    return Optional.empty();
  }

  private static boolean isEmpty(io.fabric8.kubernetes.api.model.LabelSelector selector) {
    return (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
        && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
  }
}

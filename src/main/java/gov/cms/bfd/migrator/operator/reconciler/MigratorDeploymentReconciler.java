package gov.cms.bfd.migrator.operator.reconciler;

import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.model.Input;
import gov.cms.bfd.migrator.operator.model.InvalidSpecException;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.report.StatusComposer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.jboss.logging.Logger;

/** The one class that knows JOSDK: runs the pipeline for one MigratorDeployment and writes its status. */
@ControllerConfiguration(name = MigratorDeploymentReconciler.NAME)
public class MigratorDeploymentReconciler implements Reconciler<MigratorDeployment> {

  public static final String NAME = "migratordeployment";
  private static final Logger LOG = Logger.getLogger(MigratorDeploymentReconciler.class);

  private final Clock clock;
  private final StatusComposer composer;
  private final StatusWrites writes;

  public MigratorDeploymentReconciler(Clock clock, StatusWrites writes) {
    this.clock = clock;
    this.composer = new StatusComposer();
    this.writes = writes;
  }

  @Override
  public UpdateControl<MigratorDeployment> reconcile(MigratorDeployment resource, Context<MigratorDeployment> context) {
    writes.reconciled(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
    var input = input(resource);
    var status = composer.compose(input, resource.getStatus());
    return patchIfChanged(resource, status).rescheduleAfter(nextPoll(input));
  }

  private Input input(MigratorDeployment resource) {
    var meta = resource.getMetadata();
    Input.Resolved settings;
    try {
      settings = new Input.Resolved.Valid(Settings.from(resource.getSpec()));
    } catch (InvalidSpecException e) {
      settings = new Input.Resolved.Invalid(e);
    }
    return new Input(meta.getNamespace(), meta.getName(),
        meta.getGeneration() == null ? 0 : meta.getGeneration(),
        meta.getAnnotations() == null ? Map.of() : meta.getAnnotations(),
        settings, clock.instant());
  }

  /** A fresh object carrying only identity and status, so the apply owns status and nothing else. */
  private UpdateControl<MigratorDeployment> patchIfChanged(MigratorDeployment resource,
      MigratorDeploymentStatus status) {
    if (StatusEquality.same(resource.getStatus(), status)) {
      return UpdateControl.noUpdate();
    }
    var fresh = new MigratorDeployment();
    fresh.setMetadata(new ObjectMetaBuilder()
        .withName(resource.getMetadata().getName())
        .withNamespace(resource.getMetadata().getNamespace())
        .build());
    fresh.setSpec(null);
    fresh.setStatus(status);
    writes.record(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
    LOG.debugf("status of %s/%s changed; applying it", resource.getMetadata().getNamespace(),
        resource.getMetadata().getName());
    return UpdateControl.patchStatus(fresh);
  }

  private static Duration nextPoll(Input input) {
    if (input.settings() instanceof Input.Resolved.Valid valid && !valid.settings().suspend()) {
      return valid.settings().timing().pollInterval();
    }
    // Invalid or suspended: a spec change triggers a reconcile by itself; this is only a safety net.
    return Duration.ofMinutes(10);
  }
}

package gov.cms.bfd.migrator.operator.api;

import java.util.List;

/** The condition types of DESIGN.md §2; users, dashboards and health checks match on these names. */
public final class ConditionTypes {
  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
  public static final String QUEUE_EMPTY = "QueueEmpty";
  public static final String INSTANCE_ABSENT = "InstanceAbsent";
  public static final String MIGRATION_SUCCEEDED = "MigrationSucceeded";
  public static final String DEPLOYABLE = "Deployable";
  /** MigratorEnvironment: whether a MigratorDeployment manages the environment. */
  public static final String CLAIMED = "Claimed";

  /** The order conditions are written in, kstatus ones first. */
  public static final List<String> ALL =
      List.of(READY, RECONCILING, STALLED, QUEUE_EMPTY, INSTANCE_ABSENT, MIGRATION_SUCCEEDED, DEPLOYABLE);
  /** The conditions that describe the environment rather than the reconcile. */
  public static final List<String> DOMAIN = List.of(QUEUE_EMPTY, INSTANCE_ABSENT, MIGRATION_SUCCEEDED, DEPLOYABLE);

  private ConditionTypes() {}
}

package gov.cms.bfd.migrator.operator.api;

/** Condition reasons of DESIGN.md §2, plus those of the reconcile itself. */
public final class Reasons {
  // Reconcile (Ready / Reconciling / Stalled)
  public static final String OBSERVED = "Observed";
  public static final String SUSPENDED = "Suspended";
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String AWS_UNAVAILABLE = "AwsUnavailable";
  public static final String ACCESS_DENIED = "AccessDenied";
  /** The MigratorEnvironment does not exist or does not list the resource's namespace. */
  public static final String ENVIRONMENT_NOT_BOUND = "EnvironmentNotBound";
  /** Another MigratorDeployment manages the environment. */
  public static final String ENVIRONMENT_CLAIMED = "EnvironmentClaimed";
  /** The full status could not be written; a minimal one stands in. */
  public static final String STATUS_WRITE_FAILED = "StatusWriteFailed";
  // MigratorEnvironment's Claimed
  public static final String CLAIMED = "Claimed";
  public static final String NOT_CLAIMED = "NotClaimed";
  /** Reconciling: the operator repairs by itself (an action planned or being verified). */
  public static final String REMEDIATING = "Remediating";
  // QueueEmpty
  public static final String QUEUE_HAS_MESSAGES = "QueueHasMessages";
  public static final String QUEUE_IS_EMPTY = "QueueIsEmpty";
  public static final String QUEUE_NOT_FOUND = "QueueNotFound";
  /** Unknown: a counts-only queue (RedrivePolicy) counts 0, not yet for longer than counts lag. */
  public static final String QUEUE_COUNTS_SETTLING = "QueueCountsSettling";
  // InstanceAbsent
  public static final String NO_INSTANCE = "NoInstance";
  public static final String MIGRATION_IN_PROGRESS = "MigrationInProgress";
  public static final String ORPHANED_INSTANCE = "OrphanedInstance";
  public static final String STALLED_MIGRATOR = "StalledMigrator";
  // MigrationSucceeded
  public static final String SUCCEEDED = "Succeeded";
  public static final String INVALID_APP_CONFIGURATION = "InvalidAppConfiguration";
  public static final String MIGRATION_FAILED = "MigrationFailed";
  public static final String VALIDATION_FAILED = "ValidationFailed";
  public static final String UNHANDLED_EXCEPTION = "UnhandledException";
  public static final String UNKNOWN_EXIT_STATUS = "UnknownExitStatus";
  public static final String NO_RESULT_YET = "NoResultYet";
  public static final String IN_PROGRESS = "InProgress";
  // Deployable and Ready when nothing blocks
  public static final String READY_TO_DEPLOY = "ReadyToDeploy";
  /** False: a purge is not yet verified; AWS deletes what is sent up to 60 seconds after it. */
  public static final String PURGE_IN_PROGRESS = "PurgeInProgress";
  /** Deployable, but no queue, instance or log group of the environment exists: perhaps a misspelt name. */
  public static final String ENVIRONMENT_NOT_FOUND = "EnvironmentNotFound";

  private Reasons() {}
}

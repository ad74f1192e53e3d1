package gov.cms.bfd.migrator.operator.observe;

import java.util.Optional;

/** Runs read-only shell commands on an instance through SSM Run Command. Throws {@link AwsCallException}. */
public interface CommandPort {

  /** SendCommand with AWS-RunShellScript; the command id. */
  String send(AwsTarget target, String instanceId, String shellCommand);

  /** GetCommandInvocation; empty while SSM has no invocation for the instance yet. */
  Optional<Invocation> invocation(AwsTarget target, String commandId, String instanceId);

  /** SSM's status (Pending, InProgress, Delayed, Success, Failed, TimedOut, ...) and what the command printed. */
  record Invocation(String status, String standardOutput, String standardError) {
    /** Whether SSM will not change this invocation any more. */
    public boolean terminal() {
      return switch (status) {
        case "Pending", "InProgress", "Delayed", "Cancelling" -> false;
        default -> true;
      };
    }
  }
}

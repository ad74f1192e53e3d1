package gov.cms.bfd.migrator.operator.aws;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Counts every AWS call the operator makes, by service, operation and outcome: the operator's real cost. */
@ApplicationScoped
public class AwsCallMetrics implements ExecutionInterceptor {

  public static final String METRIC = "migrator_aws_calls";
  private final MeterRegistry registry;

  public AwsCallMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    count(attributes, "success");
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    count(attributes, AwsErrors.outcome(context.exception()));
  }

  /** Calls made so far for a service and operation, whatever their outcome. */
  public double count(String service, String operation) {
    return registry.find(METRIC).tags("service", service, "operation", operation).counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }

  /** Calls made so far for a service, whatever the operation. */
  public double count(String service) {
    return registry.find(METRIC).tags("service", service).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  private void count(ExecutionAttributes attributes, String outcome) {
    registry.counter(METRIC,
        "service", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)).toLowerCase(),
        "operation", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)),
        "outcome", outcome).increment();
  }
}

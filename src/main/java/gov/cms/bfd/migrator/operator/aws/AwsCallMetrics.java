package gov.cms.bfd.migrator.operator.aws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Counts every AWS call the operator makes, by service, operation and outcome: the operator's real cost. */
@ApplicationScoped
public class AwsCallMetrics implements ExecutionInterceptor {

  public static final String METRIC = "migrator_aws_calls";
  public static final String DURATION = "migrator_aws_call_duration";
  private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("migrator.started");
  /** Time this thread spent in AWS calls so far (sync clients call interceptors on the caller's thread). */
  private static final ThreadLocal<long[]> WAITED = ThreadLocal.withInitial(() -> new long[1]);
  private final MeterRegistry registry;

  public AwsCallMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    attributes.putAttribute(STARTED, System.nanoTime());
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

  /** Nanoseconds the calling thread has spent waiting on AWS calls, retries included, since it started. */
  public static long nanosWaitedOnThisThread() {
    return WAITED.get()[0];
  }

  private void count(ExecutionAttributes attributes, String outcome) {
    String service = String.valueOf(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)).toLowerCase();
    String operation = String.valueOf(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    Counter.builder(METRIC).description("AWS calls the operator made, by service, operation and outcome")
        .tags("service", service, "operation", operation, "outcome", outcome).register(registry).increment();
    Long started = attributes.getAttribute(STARTED);
    if (started != null) {
      long elapsed = System.nanoTime() - started;
      WAITED.get()[0] += elapsed;
      Timer.builder(DURATION).description("How long AWS calls took, retries included, by service and operation")
          .tags("service", service, "operation", operation).register(registry).record(elapsed, TimeUnit.NANOSECONDS);
    }
  }
}

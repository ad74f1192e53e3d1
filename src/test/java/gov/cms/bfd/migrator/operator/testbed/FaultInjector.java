package gov.cms.bfd.migrator.operator.testbed;

import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * An SDK interceptor in the operator under test that fails chosen calls before they reach moto: what moto
 * cannot do (throttle, deny). It fails each attempt, so the SDK's own retry and backoff run as in production.
 */
@Singleton
public class FaultInjector implements ExecutionInterceptor {

  private final Map<String, Supplier<RuntimeException>> faults = new ConcurrentHashMap<>();
  private final AtomicInteger injected = new AtomicInteger();

  /** Fails every attempt of {@code service:operation} ({@code *} for every operation of the service). */
  public void fail(String service, String operation, Supplier<RuntimeException> fault) {
    faults.put(service.toLowerCase() + ":" + operation, fault);
  }

  public void clear() {
    faults.clear();
  }

  public int injected() {
    return injected.get();
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    String service = String.valueOf(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)).toLowerCase();
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    Supplier<RuntimeException> fault = faults.getOrDefault(service + ":" + operation, faults.get(service + ":*"));
    if (fault != null) {
      injected.incrementAndGet();
      throw fault.get();
    }
  }

  public static Supplier<RuntimeException> throttling() {
    return () -> AwsServiceException.builder().statusCode(400).message("Rate exceeded")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").errorMessage("Rate exceeded").build())
        .build();
  }

  public static Supplier<RuntimeException> accessDenied(String action) {
    return () -> AwsServiceException.builder().statusCode(403)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied")
            .errorMessage("User: arn:aws:sts::123456789012:assumed-role/bfd-migrator-operator/x is not authorized to perform: "
                + action).build())
        .build();
  }
}

package gov.cms.bfd.migrator.operator.aws;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import software.amazon.awssdk.core.SdkResponse;

/**
 * Finds, in compiled classes, every AWS operation the code can call: invocations of (and method references to)
 * methods of the SDK's service clients ({@code software.amazon.awssdk.services.<pkg>.<Name>Client}), and the STS
 * credential providers that call STS on the code's behalf. Each comes out as its IAM action, with where it is
 * called. A client method this scanner cannot classify is an error, never silently skipped.
 */
final class SdkCallScanner {

  /** IAM service prefix by SDK client package; a client from another package fails the scan until added here. */
  static final Map<String, String> IAM_PREFIX = Map.of(
      "sqs", "sqs",
      "ec2", "ec2",
      "cloudwatchlogs", "logs",
      "ssm", "ssm",
      "kms", "kms",
      "sts", "sts");

  /** STS credential providers by class name, and the STS action each one calls to refresh credentials. */
  static final Map<String, String> STS_PROVIDERS = Map.of(
      "StsAssumeRoleCredentialsProvider", "sts:AssumeRole",
      "StsAssumeRoleWithWebIdentityCredentialsProvider", "sts:AssumeRoleWithWebIdentity",
      "StsAssumeRoleWithSamlCredentialsProvider", "sts:AssumeRoleWithSAML",
      "StsGetSessionTokenCredentialsProvider", "sts:GetSessionToken",
      "StsGetFederationTokenCredentialsProvider", "sts:GetFederationToken");

  /** Client methods that build, name, configure or close a client: no request goes to AWS. */
  private static final Set<String> NOT_OPERATIONS =
      Set.of("builder", "create", "serviceName", "serviceClientConfiguration", "close");

  private static final Pattern CLIENT =
      Pattern.compile("software/amazon/awssdk/services/([a-z0-9]+)/([A-Za-z0-9]+Client)");
  private static final Pattern STS_PROVIDER =
      Pattern.compile("software/amazon/awssdk/services/sts/auth/(Sts[A-Za-z0-9]+CredentialsProvider)(\\$.*)?");

  private final SortedMap<String, SortedSet<String>> calls = new TreeMap<>();

  private SdkCallScanner() {}

  /** IAM action (e.g. {@code sqs:ReceiveMessage}) to the places ({@code Class.method}) that call it. */
  static SortedMap<String, SortedSet<String>> scan(Path classesDirectory) {
    if (!Files.isDirectory(classesDirectory)) {
      throw new IllegalStateException(classesDirectory.toAbsolutePath() + " does not exist: compile first (mvn test)");
    }
    SdkCallScanner scanner = new SdkCallScanner();
    try (Stream<Path> files = Files.walk(classesDirectory)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          scanner.read(in);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return scanner.calls;
  }

  /** The same for one class of the running JVM's class path (used to check the scanner on a fixture). */
  static SortedMap<String, SortedSet<String>> scan(Class<?> type) {
    SdkCallScanner scanner = new SdkCallScanner();
    String resource = "/" + type.getName().replace('.', '/') + ".class";
    try (InputStream in = type.getResourceAsStream(resource)) {
      scanner.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Lambdas compile to methods of the same class; nested and anonymous classes are files of their own.
    for (Class<?> nested : type.getDeclaredClasses()) {
      scan(nested).forEach((action, where) -> where.forEach(w -> scanner.add(action, w)));
    }
    return scanner.calls;
  }

  private void read(InputStream classFile) throws IOException {
    ClassReader reader = new ClassReader(classFile);
    String className = reader.getClassName().substring(reader.getClassName().lastIndexOf('/') + 1);
    reader.accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        String where = className + "." + name;
        return new MethodVisitor(Opcodes.ASM9) {
          @Override
          public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
            reference(owner, method, where);
          }

          @Override
          public void visitTypeInsn(int opcode, String type) {
            reference(type, null, where);
          }

          @Override
          public void visitInvokeDynamicInsn(String method, String desc, Handle bootstrap, Object... arguments) {
            // A method reference such as client::purgeQueue is a Handle among the bootstrap arguments.
            for (Object argument : arguments) {
              if (argument instanceof Handle handle) {
                reference(handle.getOwner(), handle.getName(), where);
              }
            }
          }
        };
      }
    }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
  }

  private void reference(String owner, String method, String where) {
    Matcher provider = STS_PROVIDER.matcher(owner);
    if (provider.matches()) {
      String action = STS_PROVIDERS.get(provider.group(1));
      if (action == null) {
        throw new IllegalStateException(where + " uses " + provider.group(1)
            + ": add the STS action it calls to SdkCallScanner.STS_PROVIDERS");
      }
      add(action, where);
      return;
    }
    Matcher client = CLIENT.matcher(owner);
    if (method == null || !client.matches() || NOT_OPERATIONS.contains(method)) {
      return;
    }
    String prefix = IAM_PREFIX.get(client.group(1));
    if (prefix == null) {
      throw new IllegalStateException(where + " calls " + client.group(2) + "." + method + ": add the IAM prefix of"
          + " the SDK package '" + client.group(1) + "' to SdkCallScanner.IAM_PREFIX");
    }
    String operation = operation(owner, method, where);
    // SQS has no IAM actions of its own for batch calls: each is authorized as its single-message action.
    if (prefix.equals("sqs") && operation.endsWith("Batch")) {
      operation = operation.substring(0, operation.length() - "Batch".length());
    }
    add(prefix + ":" + operation, where);
  }

  /** The API operation a client method calls: itself, or the one a paginator pages through. */
  private static String operation(String owner, String method, String where) {
    String name = method.endsWith("Paginator") ? method.substring(0, method.length() - "Paginator".length()) : method;
    Class<?> type;
    try {
      type = Class.forName(owner.replace('/', '.'), false, SdkCallScanner.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(where + " calls " + owner + ", which is not on the test class path", e);
    }
    boolean isOperation = Stream.of(type.getMethods())
        .filter(m -> m.getName().equals(name))
        .map(Method::getReturnType)
        .anyMatch(SdkResponse.class::isAssignableFrom);
    if (!isOperation) {
      throw new IllegalStateException(where + " calls " + type.getSimpleName() + "." + method + ", which is no API"
          + " operation this scanner knows: teach SdkCallScanner what it calls at AWS (a waiter, utilities, ...)");
    }
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  private void add(String action, String where) {
    calls.computeIfAbsent(action, a -> new TreeSet<>()).add(where);
  }
}

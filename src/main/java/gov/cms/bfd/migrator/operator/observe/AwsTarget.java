package gov.cms.bfd.migrator.operator.observe;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Where AWS calls for one environment go: its region, the role assumed first, if any, and the STS session name
 * that role is assumed under, which names the MigratorDeployment (so CloudTrail attributes every call to the
 * resource that made it).
 */
public record AwsTarget(String region, Optional<String> roleArn, String session) {

  /** The session of calls made for no single resource (the shared DescribeInstances of a region). */
  public static final String SHARED_SESSION = "bfd-migrator-operator";
  /** STS: 2 to 64 characters of {@code [\w+=,.@-]}. */
  static final int MAX_SESSION = 64;

  public AwsTarget {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(roleArn, "roleArn");
    Objects.requireNonNull(session, "session");
  }

  public AwsTarget(String region, Optional<String> roleArn) {
    this(region, roleArn, SHARED_SESSION);
  }

  /** The target of one resource's calls: its session name carries the resource's namespace and name. */
  public static AwsTarget of(String region, Optional<String> roleArn, String namespace, String name) {
    return new AwsTarget(region, roleArn, sessionName(namespace, name));
  }

  /** The same region and role under the shared session: for calls that serve many resources at once. */
  public AwsTarget shared() {
    return session.equals(SHARED_SESSION) ? this : new AwsTarget(region, roleArn, SHARED_SESSION);
  }

  /**
   * {@code md.<namespace>.<name>}, in the characters STS allows; when longer than STS's 64, cut and ended with a
   * hash of the whole, so two resources never share a session name.
   */
  static String sessionName(String namespace, String name) {
    String full = ("md." + namespace + "." + name).replaceAll("[^\\w+=,.@-]", "-");
    if (full.length() <= MAX_SESSION) {
      return full;
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(full.getBytes(StandardCharsets.UTF_8));
      return full.substring(0, MAX_SESSION - 9) + "-" + HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

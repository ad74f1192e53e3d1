package gov.cms.bfd.migrator.operator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An IAM identity policy read from JSON, and a small evaluator of it: enough of IAM's rules to ask "is this
 * request allowed?" for the policy in deploy/. Only the condition operators it knows are evaluated; any other
 * is an error, so a condition is never assumed to hold.
 */
record IamPolicy(String version, List<Statement> statements) {

  /** The elements a statement of this policy may have; anything else (NotAction, Principal, ...) is refused. */
  private static final Set<String> STATEMENT_KEYS = Set.of("Sid", "Effect", "Action", "Resource", "Condition");

  /** One statement: its Sid, whether it allows, its actions, resource patterns and conditions. */
  record Statement(String sid, boolean allow, List<String> actions, List<String> resources,
      Map<String, Map<String, List<String>>> conditions) {}

  /** One request to judge: an IAM action on one resource ARN (or "*"), with its condition context keys. */
  record Request(String action, String resource, Map<String, List<String>> context) {

    Request(String action, String resource) {
      this(action, resource, Map.of());
    }

    Request with(String key, String... values) {
      Map<String, List<String>> more = new LinkedHashMap<>(context);
      more.put(key, List.of(values));
      return new Request(action, resource, more);
    }

    @Override
    public String toString() {
      return action + " on " + resource + (context.isEmpty() ? "" : " with " + context);
    }
  }

  static IamPolicy read(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(Files.readString(file));
    List<Statement> statements = new ArrayList<>();
    for (JsonNode statement : root.path("Statement")) {
      for (Iterator<String> keys = statement.fieldNames(); keys.hasNext(); ) {
        String key = keys.next();
        if (!STATEMENT_KEYS.contains(key)) {
          throw new IllegalArgumentException(file + ": statement " + statement.path("Sid").asText("(no Sid)")
              + " uses " + key + ", which this policy does not allow (only " + STATEMENT_KEYS + ")");
        }
      }
      Map<String, Map<String, List<String>>> conditions = new LinkedHashMap<>();
      statement.path("Condition").fields().forEachRemaining(operator -> {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        operator.getValue().fields().forEachRemaining(key -> keys.put(key.getKey(), strings(key.getValue())));
        conditions.put(operator.getKey(), keys);
      });
      statements.add(new Statement(statement.path("Sid").asText(null),
          "Allow".equals(statement.path("Effect").asText()),
          strings(statement.path("Action")), strings(statement.path("Resource")), conditions));
    }
    return new IamPolicy(root.path("Version").asText(null), List.copyOf(statements));
  }

  /** Every action some Allow statement names. */
  SortedSet<String> allowedActions() {
    SortedSet<String> actions = new TreeSet<>();
    statements.stream().filter(Statement::allow).forEach(s -> actions.addAll(s.actions()));
    return actions;
  }

  /** Whether the request is allowed: some Allow statement matches it and no Deny statement does. */
  boolean allows(Request request) {
    return statements.stream().anyMatch(s -> s.allow() && matches(s, request))
        && statements.stream().noneMatch(s -> !s.allow() && matches(s, request));
  }

  private static boolean matches(Statement statement, Request request) {
    return statement.actions().stream().anyMatch(a -> glob(a.toLowerCase(Locale.ROOT))
            .matcher(request.action().toLowerCase(Locale.ROOT)).matches())
        && statement.resources().stream().anyMatch(r -> glob(r).matcher(request.resource()).matches())
        && statement.conditions().entrySet().stream()
            .allMatch(c -> c.getValue().entrySet().stream()
                .allMatch(k -> holds(c.getKey(), contextValue(request, k.getKey()), k.getValue())));
  }

  /** Condition keys are case-insensitive; their values are not. */
  private static Optional<List<String>> contextValue(Request request, String key) {
    return request.context().entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(key))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  private static boolean holds(String operator, Optional<List<String>> actual, List<String> expected) {
    // IAM: a condition on a key absent from the request does not hold (these operators have no IfExists).
    if (actual.isEmpty() || actual.get().isEmpty()) {
      return false;
    }
    String value = actual.get().get(0);
    return switch (operator) {
      case "StringEquals" -> actual.get().size() == 1 && expected.contains(value);
      case "StringLike" -> actual.get().size() == 1
          && expected.stream().anyMatch(e -> glob(e).matcher(value).matches());
      case "ForAnyValue:StringLike" -> actual.get().stream()
          .anyMatch(v -> expected.stream().anyMatch(e -> glob(e).matcher(v).matches()));
      default -> throw new IllegalArgumentException("IamPolicy cannot evaluate the condition operator " + operator
          + ": teach it, or use StringEquals, StringLike or ForAnyValue:StringLike");
    };
  }

  /** IAM's wildcards: * is any run of characters (colons and slashes too), ? is one character. */
  static Pattern glob(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }

  private static List<String> strings(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return List.of();
    }
    if (node.isArray()) {
      List<String> values = new ArrayList<>();
      node.forEach(n -> values.add(n.asText()));
      return List.copyOf(values);
    }
    return List.of(node.asText());
  }
}

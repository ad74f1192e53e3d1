package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Renders docs/configuration.md from the generated CRDs in crds/: for each kind, one table row per spec field, with
 * its type, default, description and what the API server validates (OpenAPI limits and the CEL rules' messages).
 */
final class CrdReference {

  /** The platform's kind first: a MigratorDeployment names one. */
  static final Path ENVIRONMENT_CRD = Path.of("crds", "migratorenvironments.migrator.bfd.cms.gov-v1.yml");
  static final Path CRD = Path.of("crds", "migratordeployments.migrator.bfd.cms.gov-v1.yml");
  static final List<Path> CRDS = List.of(ENVIRONMENT_CRD, CRD);
  static final Path DOC = Path.of("docs", "configuration.md");
  static final String REFRESH = "make docs";

  private static final Pattern MATCHES = Pattern.compile("self\\.matches\\('((?:[^'\\\\]|\\\\.)*)'\\)");

  /** One spec field as the reference shows it. */
  record Field(String path, String type, String defaultValue, String description, List<String> validation) {}

  private CrdReference() {}

  static CustomResourceDefinition read(Path crd) throws IOException {
    try (InputStream in = Files.newInputStream(crd)) {
      return new KubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
    }
  }

  /** The Markdown document for the CRDs' storage versions, one section per kind. */
  static String render(List<CustomResourceDefinition> crds) {
    StringBuilder out = new StringBuilder("# Configuration\n\n");
    out.append("<!-- Generated from ").append(CRDS.stream().map(Path::toString).collect(Collectors.joining(" and ")))
        .append(" by CrdReference (test code): do not edit; run `").append(REFRESH).append("` after `make crds`. -->\n\n");
    out.append("A cluster admin declares each environment once (a `MigratorEnvironment`: where it is in AWS, which"
        + " namespaces may manage it, the most remediation they may switch on); a team applies one `MigratorDeployment`"
        + " per environment in one of those namespaces.\n");
    crds.forEach(crd -> out.append('\n').append(render(crd)));
    return out.toString();
  }

  /** The section of one CRD's storage version. */
  static String render(CustomResourceDefinition crd) {
    CustomResourceDefinitionVersion version = storageVersion(crd);
    JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
    var names = crd.getSpec().getNames();
    boolean clusterScoped = "Cluster".equals(crd.getSpec().getScope());
    StringBuilder out = new StringBuilder();
    out.append("## ").append(names.getKind()).append("\n\n");
    out.append("`apiVersion: ").append(crd.getSpec().getGroup()).append('/').append(version.getName())
        .append("`, `kind: ").append(names.getKind()).append("` (plural `").append(names.getPlural()).append('`');
    if (names.getShortNames() != null && !names.getShortNames().isEmpty()) {
      out.append(", short name ").append(names.getShortNames().stream().map(CrdReference::code)
          .collect(Collectors.joining(", ")));
    }
    out.append("), ").append(crd.getSpec().getScope().toLowerCase()).append(".\n\n");
    out.append("The API server fills in the defaults shown; a field without one is optional unless marked required."
        + (clusterScoped ? " In a default, `${environment}` stands for `metadata.name`, the environment's name." : "")
        + " The API server refuses a resource that breaks a rule of the Validation column, with that rule's message.\n");
    List<String> rootRules = ownRules(root);
    if (!rootRules.isEmpty()) {
      out.append("\nRules on the whole resource: ").append(String.join("; ", rootRules)).append(".\n");
    }
    out.append("\n| Field | Type | Default | Description | Validation |\n|---|---|---|---|---|\n");
    for (Field field : fields(root)) {
      row(out, field);
    }
    out.append("\nStatus (written by the operator):\n\n| Field | Type | Default | Description | Validation |\n|---|---|---|---|---|\n");
    for (Field field : fields(root, "status")) {
      row(out, field);
    }
    return out.toString();
  }

  /**
   * Every field under spec, depth first in the CRD's order, with the rules its parents place on it (the root's
   * included: only the root may read metadata.name).
   */
  static List<Field> fields(JSONSchemaProps root) {
    return fields(root, "spec");
  }

  /** Every field under {@code top} (spec or status), as {@link #fields(JSONSchemaProps)}. */
  static List<Field> fields(JSONSchemaProps root, String top) {
    List<Field> fields = new ArrayList<>();
    Map<String, List<String>> placed = new LinkedHashMap<>();
    for (ValidationRule rule : Optional.ofNullable(root.getXKubernetesValidations()).orElse(List.of())) {
      if (rule.getFieldPath() != null && rule.getFieldPath().startsWith("." + top + ".")) {
        placed.computeIfAbsent(rule.getFieldPath().substring(1), t -> new ArrayList<>()).add(message(rule));
      }
    }
    JSONSchemaProps schema = root.getProperties().get(top);
    if (schema == null) {
      throw new IllegalArgumentException("the CRD's schema has no " + top);
    }
    collect(top, schema, fields, placed);
    if (!placed.isEmpty()) {
      throw new IllegalArgumentException("CEL rules name fields that do not exist: " + placed.keySet());
    }
    return fields;
  }

  /**
   * Adds a row per field of {@code object}. {@code placed} holds the rules an object puts on a field below it
   * (fieldPath ".queue.name" on spec): they belong to that field's row, and are taken out when it is written.
   */
  private static void collect(String path, JSONSchemaProps object, List<Field> fields,
      Map<String, List<String>> placed) {
    for (ValidationRule rule : Optional.ofNullable(object.getXKubernetesValidations()).orElse(List.of())) {
      if (rule.getFieldPath() != null) {
        placed.computeIfAbsent(path + rule.getFieldPath(), t -> new ArrayList<>()).add(message(rule));
      }
    }
    if (object.getProperties() == null) {
      return;
    }
    List<String> required = Optional.ofNullable(object.getRequired()).orElse(List.of());
    object.getProperties().forEach((name, schema) -> {
      String childPath = path + "." + name;
      List<String> validation = new ArrayList<>();
      if (required.contains(name)) {
        validation.add("required");
      }
      validation.addAll(limits(schema));
      validation.addAll(ownRules(schema));
      validation.addAll(Optional.ofNullable(placed.remove(childPath)).orElse(List.of()));
      fields.add(new Field(childPath, type(schema), defaultValue(schema.getDefault()),
          Objects.requireNonNullElse(schema.getDescription(), ""), List.copyOf(validation)));
      collect(childPath, schema, fields, placed);
      if (schema.getItems() != null && schema.getItems().getSchema() != null) {
        collect(childPath + "[]", schema.getItems().getSchema(), fields, placed);
      }
    });
  }

  private static void row(StringBuilder out, Field field) {
    out.append("| ").append(cell(code(field.path())))
        .append(" | ").append(cell(field.type()))
        .append(" | ").append(field.defaultValue().isEmpty() ? "" : cell(code(field.defaultValue())))
        .append(" | ").append(cell(field.description()))
        .append(" | ").append(cell(String.join("; ", field.validation())))
        .append(" |\n");
  }

  /** The OpenAPI limits of a schema, in words. */
  private static List<String> limits(JSONSchemaProps schema) {
    List<String> limits = new ArrayList<>();
    if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
      limits.add("one of " + schema.getEnum().stream().map(JsonNode::asText).map(CrdReference::code)
          .collect(Collectors.joining(", ")));
    }
    if (schema.getPattern() != null) {
      limits.add("matches " + code(schema.getPattern()));
    }
    range(schema.getMinLength(), schema.getMaxLength(), "characters").ifPresent(limits::add);
    range(schema.getMinItems(), schema.getMaxItems(), "items").ifPresent(limits::add);
    range(schema.getMinProperties(), schema.getMaxProperties(), "entries").ifPresent(limits::add);
    range(number(schema.getMinimum()), number(schema.getMaximum()), "").ifPresent(limits::add);
    if (schema.getFormat() != null && !"int32".equals(schema.getFormat()) && !"int64".equals(schema.getFormat())) {
      limits.add("format " + code(schema.getFormat()));
    }
    if ("map".equals(schema.getXKubernetesListType())) {
      limits.add("one item per " + String.join(", ", schema.getXKubernetesListMapKeys()));
    }
    return limits;
  }

  private static Long number(Double value) {
    if (value == null) {
      return null;
    }
    if (value != Math.rint(value)) {
      throw new IllegalArgumentException("a fractional limit " + value + ": teach CrdReference to print it");
    }
    return value.longValue();
  }

  private static Optional<String> range(Long min, Long max, String unit) {
    String suffix = unit.isEmpty() ? "" : " " + unit;
    if (min != null && max != null) {
      return Optional.of(min + " to " + max + suffix);
    }
    if (min != null) {
      return Optional.of("at least " + min + suffix);
    }
    if (max != null) {
      return Optional.of("at most " + max + suffix);
    }
    return Optional.empty();
  }

  /** The messages of a schema's own CEL rules (those with a fieldPath are placed on that field instead). */
  private static List<String> ownRules(JSONSchemaProps schema) {
    return Optional.ofNullable(schema.getXKubernetesValidations()).orElse(List.of()).stream()
        .filter(rule -> rule.getFieldPath() == null)
        .map(CrdReference::message)
        .toList();
  }

  /** A rule as a person reads it: its message, with the pattern when the rule is a plain self.matches. */
  static String message(ValidationRule rule) {
    String message = rule.getMessage() != null ? rule.getMessage()
        : rule.getMessageExpression() != null ? readable(rule.getMessageExpression())
        : "CEL rule " + code(rule.getRule());
    Matcher matches = MATCHES.matcher(rule.getRule() == null ? "" : rule.getRule());
    if (matches.matches()) {
      message += " (" + code(celString(matches.group(1))) + ")";
    }
    return message;
  }

  /**
   * A messageExpression made of string literals and expressions joined by +, with each expression shown as
   * "…": the message a person sees, with the parts that depend on the resource left out.
   */
  static String readable(String expression) {
    StringBuilder text = new StringBuilder();
    StringBuilder part = new StringBuilder();
    char quote = 0;
    int depth = 0;
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < expression.length(); i++) {
      char c = expression.charAt(i);
      if (quote != 0) {
        part.append(c);
        if (c == '\\' && i + 1 < expression.length()) {
          part.append(expression.charAt(++i));
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        part.append(c);
      } else if (c == '(' || c == '[') {
        depth++;
        part.append(c);
      } else if (c == ')' || c == ']') {
        depth--;
        part.append(c);
      } else if (c == '+' && depth == 0) {
        parts.add(part.toString().trim());
        part.setLength(0);
      } else {
        part.append(c);
      }
    }
    parts.add(part.toString().trim());
    for (String p : parts) {
      boolean literal = p.length() >= 2 && (p.charAt(0) == '\'' || p.charAt(0) == '"')
          && p.charAt(p.length() - 1) == p.charAt(0);
      text.append(literal ? celString(p.substring(1, p.length() - 1)) : "…");
    }
    return text.toString();
  }

  /** The value of a CEL string literal's body: \\ and \' and \" unescaped. */
  private static String celString(String body) {
    return body.replaceAll("\\\\([\\\\'\"])", "$1");
  }

  private static String type(JSONSchemaProps schema) {
    if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
      return "integer or string";
    }
    String type = Objects.requireNonNullElse(schema.getType(), "any");
    if ("object".equals(type) && (schema.getProperties() == null || schema.getProperties().isEmpty())
        && schema.getAdditionalProperties() != null
        && schema.getAdditionalProperties().getSchema() != null) {
      return "map of string to " + type(schema.getAdditionalProperties().getSchema());
    }
    if ("array".equals(type) && schema.getItems() != null && schema.getItems().getSchema() != null) {
      return "list of " + type(schema.getItems().getSchema());
    }
    return schema.getFormat() == null ? type : type + " (" + schema.getFormat() + ")";
  }

  private static String defaultValue(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "";
    }
    return value.isTextual() ? value.asText() : value.toString();
  }

  /** The schema of the CRD's storage version. */
  static JSONSchemaProps rootSchema(CustomResourceDefinition crd) {
    return storageVersion(crd).getSchema().getOpenAPIV3Schema();
  }

  private static CustomResourceDefinitionVersion storageVersion(CustomResourceDefinition crd) {
    return crd.getSpec().getVersions().stream()
        .filter(v -> Boolean.TRUE.equals(v.getStorage()))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the CRD has no storage version"));
  }

  /** Inline code, with a fence long enough for backticks inside. */
  static String code(String text) {
    String fence = text.contains("`") ? "``" : "`";
    String pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
    return fence + pad + text + pad + fence;
  }

  /** Text safe in a table cell: one line, pipes escaped (GitHub unescapes them inside code spans too). */
  static String cell(String text) {
    return text.replace("\r", "").replace("\n", " ").replace("|", "\\|");
  }
}

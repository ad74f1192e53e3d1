package gov.cms.bfd.migrator.operator.deploy;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Kubernetes manifests as plain maps, keyed by kind, namespace and name, and compared field by field: a difference
 * is named by the object and the path of the field, so a failing comparison says what to fix.
 */
final class Manifests {

  /** The labels Helm and a release add, which plain manifests have no use for. */
  static final Set<String> RELEASE_LABELS = Set.of("helm.sh/chart", "app.kubernetes.io/managed-by",
      "app.kubernetes.io/version", "app.kubernetes.io/instance");

  private static final YAMLMapper YAML = new YAMLMapper();

  private Manifests() {}

  /** Every object of a multi-document YAML stream, by "Kind namespace/name" (or "Kind name" when cluster-wide). */
  static Map<String, Map<String, Object>> parse(String yaml) {
    Map<String, Map<String, Object>> objects = new TreeMap<>();
    try (MappingIterator<Map<String, Object>> docs = YAML.readerForMapOf(Object.class).readValues(yaml)) {
      while (docs.hasNext()) {
        Map<String, Object> doc = docs.next();
        if (doc == null || doc.isEmpty()) {
          continue;
        }
        String key = key(doc);
        if (objects.put(key, doc) != null) {
          throw new IllegalArgumentException("two objects named " + key);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not YAML: " + e.getMessage(), e);
    }
    return objects;
  }

  static String key(Map<String, Object> object) {
    Map<String, Object> metadata = map(object.get("metadata"));
    Object namespace = metadata.get("namespace");
    return object.get("kind") + " " + (namespace == null ? "" : namespace + "/") + metadata.get("name");
  }

  /** A copy without the release labels in its own metadata (selectors and pod labels are compared as they are). */
  static Map<String, Object> withoutReleaseLabels(Map<String, Object> object) {
    Map<String, Object> copy = new LinkedHashMap<>(object);
    Map<String, Object> metadata = new LinkedHashMap<>(map(copy.get("metadata")));
    Map<String, Object> labels = new LinkedHashMap<>(map(metadata.getOrDefault("labels", Map.of())));
    labels.keySet().removeAll(RELEASE_LABELS);
    if (labels.isEmpty()) {
      metadata.remove("labels");
    } else {
      metadata.put("labels", labels);
    }
    copy.put("metadata", metadata);
    return copy;
  }

  /**
   * Every difference between two sets of objects: objects only on one side, and for objects on both, each field
   * that differs ("Deployment ns/name: spec.template.spec.containers[name=operator].image: expected ..., got ...").
   */
  static List<String> differences(String expectedSide, Map<String, Map<String, Object>> expected, String actualSide,
      Map<String, Map<String, Object>> actual) {
    List<String> differences = new ArrayList<>();
    for (String key : expected.keySet()) {
      if (!actual.containsKey(key)) {
        differences.add(key + ": in " + expectedSide + ", missing from " + actualSide);
      }
    }
    for (String key : actual.keySet()) {
      if (!expected.containsKey(key)) {
        differences.add(key + ": in " + actualSide + ", missing from " + expectedSide);
      }
    }
    for (String key : expected.keySet()) {
      if (actual.containsKey(key)) {
        compare(key + ": ", "", expected.get(key), actual.get(key), differences, expectedSide, actualSide);
      }
    }
    return differences;
  }

  private static void compare(String object, String path, Object expected, Object actual, List<String> out,
      String expectedSide, String actualSide) {
    if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
      Set<Object> keys = new LinkedHashSet<>(e.keySet());
      keys.addAll(a.keySet());
      for (Object k : keys) {
        compare(object, path.isEmpty() ? String.valueOf(k) : path + "." + k, e.get(k), a.get(k), out, expectedSide,
            actualSide);
      }
    } else if (expected instanceof List<?> e && actual instanceof List<?> a) {
      if (named(e) && named(a)) { // env, containers, volumes, ports: matched by name, in any order
        Map<Object, Object> byNameE = byName(e);
        Map<Object, Object> byNameA = byName(a);
        Set<Object> names = new LinkedHashSet<>(byNameE.keySet());
        names.addAll(byNameA.keySet());
        for (Object name : names) {
          compare(object, path + "[name=" + name + "]", byNameE.get(name), byNameA.get(name), out, expectedSide,
              actualSide);
        }
      } else {
        for (int i = 0; i < Math.max(e.size(), a.size()); i++) {
          compare(object, path + "[" + i + "]", i < e.size() ? e.get(i) : null, i < a.size() ? a.get(i) : null, out,
              expectedSide, actualSide);
        }
      }
    } else if (!Objects.equals(expected, actual)) {
      out.add(object + path + ": " + describe(expected) + " in " + expectedSide + ", " + describe(actual) + " in "
          + actualSide);
    }
  }

  private static boolean named(List<?> list) {
    return !list.isEmpty() && list.stream().allMatch(i -> i instanceof Map<?, ?> m && m.get("name") instanceof String);
  }

  private static Map<Object, Object> byName(List<?> list) {
    Map<Object, Object> byName = new LinkedHashMap<>();
    list.forEach(i -> byName.put(((Map<?, ?>) i).get("name"), i));
    return byName;
  }

  private static String describe(Object value) {
    if (value == null) {
      return "absent";
    }
    return value instanceof String s ? "\"" + s + "\"" : value + " (" + value.getClass().getSimpleName() + ")";
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return value == null ? Map.of() : (Map<String, Object>) value;
  }
}

package gov.cms.bfd.migrator.operator.health;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The verdicts expected of the Argo CD health script and the Flux health expressions for each fixture
 * (src/test/resources/health/expectations.yaml, written by hand), and the fixtures read as Argo and Flux get
 * an object: JSON-shaped maps, lists, strings, booleans, whole numbers as longs.
 */
final class HealthExpectations {

  static final String FILE = "expectations.yaml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * One fixture's verdicts: Argo's status and phrases its message must contain, Flux's verdict, and the kstatus
   * library's status and phrases its message must contain.
   */
  record Expected(String fixture, String argo, List<String> argoMessage, String flux, String kstatus,
      List<String> kstatusMessage) {}

  private HealthExpectations() {}

  static List<Expected> all() {
    Map<String, Map<String, Object>> raw = read(HealthFixturesTest.DIR.resolve(FILE), new TypeReference<>() {});
    List<Expected> all = new ArrayList<>();
    raw.forEach((fixture, e) -> {
      all.add(new Expected(fixture, (String) e.get("argo"), phrases(e.get("argoMessage")), (String) e.get("flux"),
          (String) e.get("kstatus"), phrases(e.get("kstatusMessage"))));
    });
    return all;
  }

  private static List<String> phrases(Object phrases) {
    if (phrases == null) {
      return List.of();
    }
    return phrases instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of(String.valueOf(phrases));
  }

  /** The fixture as the API server would serve it, converted the way JSON decoding in Go does. */
  static Map<String, Object> fixture(String name) {
    Map<String, Object> object = read(HealthFixturesTest.DIR.resolve(name + ".yaml"), new TypeReference<>() {});
    return jsonShaped(object);
  }

  @SuppressWarnings("unchecked")
  static <T> T jsonShaped(T value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), jsonShaped(v)));
      return (T) copy;
    }
    if (value instanceof List<?> list) {
      return (T) list.stream().map(HealthExpectations::jsonShaped).toList();
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return (T) Long.valueOf(((Number) value).longValue());
    }
    if (value instanceof Float f) {
      return (T) Double.valueOf(f.doubleValue());
    }
    return value;
  }

  private static <T> T read(Path file, TypeReference<T> type) {
    try {
      return YAML.readValue(Files.readString(file), type);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file, e);
    }
  }

}

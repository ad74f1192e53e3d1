package gov.cms.bfd.migrator.operator.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseBaseLib;

/**
 * deploy/argocd/health.lua run over every fixture as Argo CD runs a custom health script: the object decoded
 * from JSON into Lua tables (maps and lists to tables, numbers to Lua numbers, null to nil), a global {@code obj},
 * only the base, package and table libraries (Argo CD loads no string library for custom scripts unless
 * useOpenLibs is set), and the returned table read as {status, message} with the status one Argo CD knows.
 */
class ArgoHealthLuaTest {

  static final Path SCRIPT = Path.of("deploy/argocd/health.lua");
  static final Path CM_PATCH = Path.of("deploy/argocd/argocd-cm-patch.yaml");
  static final String CM_KEY = "resource.customizations.health.migrator.bfd.cms.gov_MigratorDeployment";
  /** What Argo CD accepts from a health script; anything else shows as Unknown. */
  static final Set<String> ARGO_STATUSES = Set.of("Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Prototype COMPILED = compile(read(SCRIPT));

  /** What health.lua returned. */
  record ArgoHealth(String status, String message) {}

  @TestFactory
  Stream<DynamicTest> everyFixtureGetsItsExpectedStatusAndMessage() {
    return HealthExpectations.all().stream().map(expected -> DynamicTest.dynamicTest(expected.fixture(), () -> {
      ArgoHealth health = run(HealthExpectations.fixture(expected.fixture()));

      assertThat(health.status()).as("%s: %s", expected.fixture(), health.message()).isEqualTo(expected.argo());
      assertThat(health.message()).as(expected.fixture()).isNotBlank();
      for (String phrase : expected.argoMessage()) {
        assertThat(health.message()).as(expected.fixture()).contains(phrase);
      }
    }));
  }

  @Test
  void expectationsCoverEveryFixture() {
    assertThat(HealthExpectations.all()).extracting(HealthExpectations.Expected::fixture)
        .containsExactlyInAnyOrderElementsOf(HealthFixtures.all().stream().map(HealthFixtures.Fixture::name).toList());
  }

  @Test
  void argocdConfigMapPatchCarriesHealthLuaVerbatim() throws IOException {
    Map<?, ?> cm = new ObjectMapper(new YAMLFactory()).readValue(Files.readString(CM_PATCH), Map.class);

    assertThat(cm.get("kind")).isEqualTo("ConfigMap");
    assertThat(((Map<?, ?>) cm.get("metadata")).get("name")).isEqualTo("argocd-cm");
    assertThat(((Map<?, ?>) cm.get("data")).get(CM_KEY))
        .as("%s must inline %s unchanged", CM_PATCH, SCRIPT)
        .isEqualTo(read(SCRIPT));
  }

  @Test
  void theHarnessHasNoStringLibraryAsArgoCdHasNone() {
    // Otherwise a script using string.* would pass here and be Unknown in Argo CD.
    assertThatThrownBy(() -> closure(compile("return { status = string.format('%s', 'Healthy') }"), LuaValue.NIL).call())
        .isInstanceOf(LuaError.class);
    assertThatThrownBy(() -> closure(compile("local s = 'x'; return { status = s:upper() }"), LuaValue.NIL).call())
        .isInstanceOf(LuaError.class);
  }

  @Test
  void hostileShapesGiveAStatusNotALuaError() throws IOException {
    List<String> objects = List.of(
        "null",
        "{}",
        "{\"status\": \"weird\"}",
        "{\"status\": 42}",
        "{\"status\": []}",
        "{\"status\": {}}",
        "{\"metadata\": \"x\", \"spec\": 7, \"status\": {\"observedGeneration\": 1}}",
        "{\"metadata\": {\"generation\": \"two\"}, \"status\": {\"observedGeneration\": {}}}",
        "{\"metadata\": {\"generation\": 1}, \"status\": {\"observedGeneration\": 1, \"conditions\": \"Ready\"}}",
        "{\"metadata\": {\"generation\": 1}, \"status\": {\"observedGeneration\": 1,"
            + " \"conditions\": {\"Ready\": {\"type\": \"Ready\", \"status\": \"True\"}}}}",
        "{\"metadata\": {\"generation\": 1}, \"status\": {\"observedGeneration\": 1, \"conditions\": [1, \"x\", true, null,"
            + " {\"type\": 5, \"status\": []}, {\"type\": \"Ready\", \"status\": \"True\", \"message\": {\"a\": 1}, \"reason\": 7},"
            + " {\"type\": \"Deployable\", \"status\": \"True\", \"message\": []}]}}",
        "{\"metadata\": {\"generation\": 1}, \"status\": {\"observedGeneration\": 1, \"failureMode\": {},"
            + " \"plannedActions\": \"PurgeQueue\", \"history\": {\"outcome\": \"Pending\"}}}",
        "{\"metadata\": {\"generation\": 1}, \"status\": {\"observedGeneration\": 1, \"failureMode\": \"MigrationFailed\","
            + " \"planFingerprint\": [], \"plannedActions\": [1, {\"state\": \"AwaitingApproval\", \"action\": {}, \"target\": 7,"
            + " \"blockedBy\": false}]}}",
        "{\"metadata\": {\"generation\": 1}, \"status\": {\"observedGeneration\": 1, \"failureMode\": \"MigrationFailed\","
            + " \"history\": [null, {\"outcome\": \"Pending\", \"action\": null, \"approvedBy\": 3, \"detail\": {}}]}}",
        "{\"metadata\": {\"generation\": 1}, \"status\": {\"observedGeneration\": 1, \"failureMode\": 5,"
            + " \"runbook\": \"x\", \"conditions\": [{\"type\": \"Deployable\", \"status\": \"False\"}]}}",
        "{\"metadata\": {\"generation\": 1}, \"status\": {\"observedGeneration\": 1, \"failureMode\": \"UndeployableState\","
            + " \"runbook\": {\"section\": []}, \"plannedActions\": [{\"state\": \"Blocked\", \"blockedBy\": {}}]}}",
        "{\"metadata\": {\"generation\": 1}, \"spec\": {\"suspend\": \"true\"}, \"status\": {\"observedGeneration\": 1}}",
        "{\"metadata\": {\"generation\": 1}, \"spec\": {\"suspend\": true}, \"status\": {\"observedGeneration\": -1}}");

    for (String json : objects) {
      Object object = HealthExpectations.jsonShaped(JSON.readValue(json, Object.class));
      ArgoHealth health = run(object);
      assertThat(health.status()).as(json).isIn(ARGO_STATUSES);
      assertThat(health.message()).as(json).isNotNull();
    }
  }

  /**
   * Every node of every fixture replaced in turn by each hostile value: the script still answers with a status
   * Argo CD accepts. A person editing status by hand, an older operator, or a partial write must not make the
   * resource Unknown.
   */
  @Test
  void everyNodeReplacedByAnyOtherShapeStillGivesAStatus() {
    List<Object> hostile = Arrays.asList(null, "x", "", 7L, -1L, 2.5, true, false, List.of(), Map.of(),
        List.of("x", 1L), Map.of("type", "Ready"));
    int runs = 0;
    for (HealthExpectations.Expected expected : HealthExpectations.all()) {
      Map<String, Object> fixture = HealthExpectations.fixture(expected.fixture());
      for (List<Object> path : paths(fixture, new ArrayList<>())) {
        for (Object value : hostile) {
          Object mutated = replaced(fixture, path, 0, value);
          ArgoHealth health;
          try {
            health = run(mutated);
          } catch (LuaError e) {
            throw new AssertionError(expected.fixture() + " with " + path + " = " + value + ": " + e.getMessage(), e);
          }
          assertThat(health.status()).as("%s with %s = %s", expected.fixture(), path, value).isIn(ARGO_STATUSES);
          runs++;
        }
      }
    }
    assertThat(runs).isGreaterThan(10_000);
  }

  // ---- the Argo CD way of running a health script ---------------------------------------------------------

  static ArgoHealth run(Object object) {
    LuaValue out = closure(COMPILED, lua(object)).call();
    assertThat(out.istable()).as("health.lua must return a table, returned %s", out.typename()).isTrue();
    LuaValue status = out.get("status");
    LuaValue message = out.get("message");
    // Argo CD encodes the table as JSON into {status, message}: both must be strings (or absent).
    assertThat(status.type()).as("status is %s", status.typename()).isEqualTo(LuaValue.TSTRING);
    assertThat(message.isnil() || message.type() == LuaValue.TSTRING).as("message is %s", message.typename()).isTrue();
    return new ArgoHealth(status.tojstring(), message.isnil() ? null : message.tojstring());
  }

  private static LuaClosure closure(Prototype prototype, LuaValue object) {
    Globals globals = new Globals();
    globals.load(new JseBaseLib());
    globals.load(new PackageLib());
    globals.load(new TableLib());
    LoadState.install(globals);
    LuaC.install(globals);
    globals.set("obj", object);
    return new LuaClosure(prototype, globals);
  }

  private static Prototype compile(String script) {
    try {
      return LuaC.instance.compile(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)), "health.lua");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** As Argo CD's decodeValue: maps and lists to tables, every number to a Lua number, null to nil (none in lists). */
  static LuaValue lua(Object value) {
    if (value == null) {
      return LuaValue.NIL;
    }
    if (value instanceof Map<?, ?> map) {
      LuaTable table = new LuaTable();
      map.forEach((k, v) -> table.rawset(LuaValue.valueOf(String.valueOf(k)), lua(v)));
      return table;
    }
    if (value instanceof List<?> list) {
      LuaTable table = new LuaTable();
      int index = 1;
      for (Object item : list) {
        if (item != null) { // gopher-lua's Append ignores nil: a JSON null in a list leaves no hole
          table.rawset(index++, lua(item));
        }
      }
      return table;
    }
    if (value instanceof Boolean b) {
      return LuaValue.valueOf(b);
    }
    if (value instanceof Number n) {
      return LuaValue.valueOf(n.doubleValue());
    }
    if (value instanceof String s) {
      return LuaValue.valueOf(s);
    }
    throw new IllegalArgumentException("not a JSON value: " + value.getClass());
  }

  // ---- mutations --------------------------------------------------------------------------------------------

  private static List<List<Object>> paths(Object node, List<Object> at) {
    List<List<Object>> all = new ArrayList<>();
    if (!at.isEmpty()) {
      all.add(List.copyOf(at));
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> {
        at.add(k);
        all.addAll(paths(v, at));
        at.remove(at.size() - 1);
      });
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        at.add(i);
        all.addAll(paths(list.get(i), at));
        at.remove(at.size() - 1);
      }
    }
    return all;
  }

  private static Object replaced(Object node, List<Object> path, int depth, Object value) {
    if (depth == path.size()) {
      return value;
    }
    Object key = path.get(depth);
    if (node instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>(map);
      copy.put(key, replaced(map.get(key), path, depth + 1, value));
      return copy;
    }
    List<Object> copy = new ArrayList<>((List<?>) node);
    copy.set((Integer) key, replaced(copy.get((Integer) key), path, depth + 1, value));
    return copy;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException("reading " + file, e);
    }
  }
}

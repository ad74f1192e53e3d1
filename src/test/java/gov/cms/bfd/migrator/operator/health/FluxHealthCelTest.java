package gov.cms.bfd.migrator.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.Program;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The healthCheckExprs of deploy/flux/kustomization-healthcheck.yaml evaluated over every fixture as Flux evaluates
 * them (fluxcd/pkg runtime/cel StatusEvaluator): expressions parsed, not type-checked, in Flux's CEL environment
 * (optional types, the strings, sets and encoders extensions, cross-type numeric comparisons); the object's
 * top-level fields bound as variables; status.observedGeneration against metadata.generation first, then
 * inProgress, failed, current, else inProgress; an evaluation error is kstatus Unknown, on which Flux waits.
 */
class FluxHealthCelTest {

  static final Path KUSTOMIZATION = Path.of("deploy/flux/kustomization-healthcheck.yaml");
  private static final CelOptions OPTIONS = CelOptions.current()
      .enableOptionalSyntax(true)
      .enableHeterogeneousNumericComparisons(true)
      .enableHomogeneousLiterals(true)
      .build();
  // The planner builder evaluates parsed, unchecked expressions, as Flux does (its CRDs' fields are not declared).
  private static final Cel CEL = CelFactory.plannerCelBuilder()
      .setOptions(OPTIONS)
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addCompilerLibraries(CelExtensions.optional(), CelExtensions.strings(), CelExtensions.sets(OPTIONS),
          CelExtensions.encoders())
      .addRuntimeLibraries(CelExtensions.optional(), CelExtensions.strings(), CelExtensions.sets(OPTIONS),
          CelExtensions.encoders())
      .build();
  private static final Exprs EXPRS = Exprs.read();

  /** Flux's verdicts; ERROR is an evaluation that failed (kstatus Unknown). */
  enum Verdict {
    current, inProgress, failed, error
  }

  @TestFactory
  Stream<DynamicTest> everyFixtureGetsItsExpectedVerdict() {
    return HealthExpectations.all().stream().map(expected -> DynamicTest.dynamicTest(expected.fixture(), () ->
        assertThat(evaluate(HealthExpectations.fixture(expected.fixture()))).as(expected.fixture())
            .isEqualTo(Verdict.valueOf(expected.flux()))));
  }

  @Test
  void fluxAndArgoAgreeOnEveryFixture() {
    for (HealthExpectations.Expected expected : HealthExpectations.all()) {
      Map<String, Object> object = HealthExpectations.fixture(expected.fixture());
      assertThat(evaluate(object)).as(expected.fixture()).isEqualTo(fluxFor(object, ArgoHealthLuaTest.run(object).status()));
    }
  }

  /**
   * Every combination of the status fields both checks read, on a real fixture: the Flux verdict is what the Argo
   * status maps to. Proves both apply the same precedence, not just that they agree on the named scenarios.
   */
  @Test
  void fluxAndArgoAgreeOnEveryCombinationOfConditionsPlanAndHistory() {
    Map<String, Object> base = HealthExpectations.fixture("failed-awaiting-approval");
    int combinations = 0;
    for (String ready : List.of("True", "False", "Unknown")) {
      for (String readyReason : List.of("MigrationFailed", "Suspended")) {
        for (String reconciling : List.of("True", "False")) {
          for (String stalled : List.of("True", "False")) {
            for (String deployable : List.of("True", "False", "Unknown")) {
              for (Optional<String> failureMode : List.of(Optional.<String>empty(), Optional.of("None"),
                  Optional.of("MigrationFailed"))) {
                for (Optional<String> planned : List.of(Optional.<String>empty(), Optional.of("Ready"),
                    Optional.of("AwaitingApproval"), Optional.of("Blocked"), Optional.of("ObserveOnly"))) {
                  for (boolean pending : List.of(true, false)) {
                    for (boolean suspend : List.of(true, false)) {
                      for (long observed : List.of(1L, 0L)) {
                        Map<String, Object> object = variant(base, ready, readyReason, reconciling, stalled, deployable,
                            failureMode, planned, pending, suspend, observed);
                        String argo = ArgoHealthLuaTest.run(object).status();
                        assertThat(evaluate(object)).as("Argo says %s for %s", argo, object.get("status"))
                            .isEqualTo(fluxFor(object, argo));
                        combinations++;
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    assertThat(combinations).isEqualTo(3 * 2 * 2 * 2 * 3 * 3 * 5 * 2 * 2 * 2);
  }

  @Test
  void theKustomizationIsFluxV1AndChecksMigratorDeployments() {
    assertThat(EXPRS.kustomization.get("apiVersion")).isEqualTo("kustomize.toolkit.fluxcd.io/v1");
    assertThat(EXPRS.kustomization.get("kind")).isEqualTo("Kustomization");
    assertThat(((Map<?, ?>) EXPRS.kustomization.get("spec")).get("wait")).isEqualTo(true);
  }

  // ---- Flux's evaluation ------------------------------------------------------------------------------------

  /** As StatusEvaluator.Evaluate in fluxcd/pkg runtime/cel, with an error turned into kstatus Unknown. */
  static Verdict evaluate(Map<String, Object> object) {
    Object status = object.get("status");
    if (status instanceof Map<?, ?> map && map.containsKey("observedGeneration")) {
      Object observed = map.get("observedGeneration");
      if (!(observed instanceof Long)) {
        return Verdict.error;
      }
      Object metadata = object.get("metadata");
      if (metadata instanceof Map<?, ?> meta && meta.get("generation") instanceof Long generation
          && !generation.equals(observed)) {
        return Verdict.inProgress;
      }
    }
    for (Map.Entry<Verdict, Program> expr : EXPRS.programs.entrySet()) {
      try {
        Object result = expr.getValue().eval(object);
        if (!(result instanceof Boolean)) {
          return Verdict.error;
        }
        if ((Boolean) result) {
          return expr.getKey();
        }
      } catch (CelEvaluationException e) {
        return Verdict.error;
      }
    }
    return Verdict.inProgress;
  }

  /** The Flux verdict an Argo CD status stands for (see the header of the Kustomization). */
  @SuppressWarnings("unchecked")
  private static boolean stalled(Map<String, Object> object) {
    Object status = object.get("status");
    if (!(status instanceof Map<?, ?> map) || !(map.get("conditions") instanceof List<?> conditions)) {
      return false;
    }
    return conditions.stream().anyMatch(c -> c instanceof Map<?, ?> m && "Stalled".equals(m.get("type"))
        && "True".equals(m.get("status")));
  }

  static Verdict fluxFor(Map<String, Object> object, String argo) {
    return switch (argo) {
      case "Healthy" -> Verdict.current;
      case "Degraded" -> Verdict.failed;
      case "Progressing" -> object.get("status") == null ? Verdict.error : Verdict.inProgress;
      // A pause is in progress for Flux; an approval a person owes, or anything Stalled, is failed.
      case "Suspended" -> suspended(object) && !stalled(object) ? Verdict.inProgress : Verdict.failed;
      default -> throw new AssertionError("Argo status " + argo);
    };
  }

  private static boolean suspended(Map<String, Object> object) {
    Map<?, ?> spec = (Map<?, ?>) object.get("spec");
    Map<?, ?> status = (Map<?, ?>) object.get("status");
    boolean ready = ((List<?>) status.get("conditions")).stream().map(Map.class::cast)
        .anyMatch(c -> "Ready".equals(c.get("type")) && "Suspended".equals(c.get("reason")));
    return Boolean.TRUE.equals(spec.get("suspend")) || ready;
  }

  /** The three expressions of the Kustomization, parsed by Flux's rules, in Flux's order of evaluation. */
  private record Exprs(Map<?, ?> kustomization, Map<Verdict, Program> programs) {
    static Exprs read() {
      try {
        Map<?, ?> kustomization = new ObjectMapper(new YAMLFactory()).readValue(Files.readString(KUSTOMIZATION), Map.class);
        List<?> all = (List<?>) ((Map<?, ?>) kustomization.get("spec")).get("healthCheckExprs");
        Map<?, ?> ours = all.stream().map(Map.class::cast)
            .filter(e -> "migrator.bfd.cms.gov/v1alpha1".equals(e.get("apiVersion"))
                && "MigratorDeployment".equals(e.get("kind")))
            .findFirst().orElseThrow(() -> new AssertionError("no healthCheckExprs for MigratorDeployment"));
        Map<Verdict, Program> programs = new LinkedHashMap<>();
        for (Verdict verdict : List.of(Verdict.inProgress, Verdict.failed, Verdict.current)) {
          String expr = (String) ours.get(verdict.name());
          assertThat(expr).as("healthCheckExprs %s", verdict).isNotBlank();
          programs.put(verdict, CEL.createProgram(CEL.parse(expr).getAst()));
        }
        return new Exprs(kustomization, programs);
      } catch (IOException | CelValidationException | CelEvaluationException e) {
        throw new IllegalStateException("reading " + KUSTOMIZATION + ": " + e.getMessage(), e);
      }
    }
  }

  // ---- variants -----------------------------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private static Map<String, Object> variant(Map<String, Object> base, String ready, String readyReason,
      String reconciling, String stalled, String deployable, Optional<String> failureMode, Optional<String> planned,
      boolean pending, boolean suspend, long observed) {
    Map<String, Object> object = new LinkedHashMap<>(base);
    Map<String, Object> spec = new LinkedHashMap<>((Map<String, Object>) base.get("spec"));
    spec.put("suspend", suspend);
    object.put("spec", spec);
    Map<String, Object> status = new LinkedHashMap<>((Map<String, Object>) base.get("status"));
    status.put("observedGeneration", observed);
    List<Object> conditions = new ArrayList<>();
    for (Object c : (List<?>) status.get("conditions")) {
      Map<String, Object> condition = new LinkedHashMap<>((Map<String, Object>) c);
      switch ((String) condition.get("type")) {
        case "Ready" -> {
          condition.put("status", ready);
          condition.put("reason", readyReason);
        }
        case "Reconciling" -> condition.put("status", reconciling);
        case "Stalled" -> condition.put("status", stalled);
        case "Deployable" -> condition.put("status", deployable);
        default -> { }
      }
      conditions.add(condition);
    }
    status.put("conditions", conditions);
    failureMode.ifPresentOrElse(m -> status.put("failureMode", m), () -> status.remove("failureMode"));
    planned.ifPresentOrElse(state -> status.put("plannedActions", List.of(Map.of("action", "PurgeQueue",
        "target", "https://sqs.us-east-1.amazonaws.com/123456789012/bfd-test-migrator", "reason", "the queue blocks",
        "state", state))), () -> status.remove("plannedActions"));
    if (pending) {
      status.put("history", List.of(Map.of("time", "2026-11-26T10:00:00Z", "action", "PurgeQueue", "target",
          "https://sqs.us-east-1.amazonaws.com/123456789012/bfd-test-migrator", "outcome", "Pending")));
    } else {
      status.remove("history");
    }
    object.put("status", status);
    return object;
  }
}

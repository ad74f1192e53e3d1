package gov.cms.bfd.migrator.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

  @ParameterizedTest(name = "{0} is {1} ms")
  @CsvSource({"30s,30000", "5s,5000", "15m,900000", "2h,7200000", "1h30m,5400000", "1.5h,5400000",
      "500ms,500", "2.5s,2500", "1m30s,90000", "0s,0"})
  void parsesGoDurations(String text, long millis) {
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest(name = "\"{0}\" is refused")
  @ValueSource(strings = {"", "15", "5 minutes", "1d", "-5s", "1h 30m", "s", "PT30S"})
  void refusesWhatTheCrdRefuses(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a Go duration");
  }

  @ParameterizedTest(name = "{0} formats back")
  @ValueSource(strings = {"30s", "5s", "15m", "2h", "1h30m", "1m30s", "2s500ms"})
  void formatIsTheInverseOfParseForCanonicalText(String text) {
    assertThat(GoDuration.format(GoDuration.parse(text))).isEqualTo(text);
  }
}

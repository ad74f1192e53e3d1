package gov.cms.bfd.migrator.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TextTest {

  @Property(tries = 10000)
  void aBoundedStringTakesAtMostItsBoundInJson(@ForAll String text, @ForAll @IntRange(min = 8, max = 600) int bound) {
    String bounded = Text.bound(text, bound);

    int stored = Serialization.asJson(bounded).getBytes(StandardCharsets.UTF_8).length - 2; // without the quotes
    assertThat(stored).isLessThanOrEqualTo(bound);
    assertThat(Text.jsonBytes(bounded)).isEqualTo(stored);
    if (!bounded.equals(text)) {
      assertThat(bounded).endsWith(Text.CUT);
      assertThat(text).startsWith(bounded.substring(0, bounded.length() - Text.CUT.length()));
    }
  }

  @Test
  void costlyCharactersCountForWhatTheyCost() {
    assertThat(Text.jsonBytes("€")).isEqualTo(3);
    assertThat(Text.jsonBytes("😀")).isEqualTo(4);
    assertThat(Text.jsonBytes("\"")).isEqualTo(2);
    assertThat(Text.jsonBytes("\u0001")).isEqualTo(6);
    assertThat(Text.bound("€".repeat(100), 30)).isEqualTo("€".repeat(9) + Text.CUT);
    assertThat(Text.bound("short", 30)).isEqualTo("short");
  }
}

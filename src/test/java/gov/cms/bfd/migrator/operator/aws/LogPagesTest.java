package gov.cms.bfd.migrator.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.observe.LogExcerpt;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A log is read page by page until the token repeats: CloudWatch can answer a page with no events and a new token
 * while events remain (moto answers every page full), and the tail of a long stream spans pages.
 */
class LogPagesTest {

  private static final Instant T0 = Instant.parse("2026-11-26T11:00:00Z");

  /** A stream of {@code count} events read backwards, {@code pageSize} a page, after {@code empties} empty pages. */
  private static Function<Optional<String>, CloudWatchLogAdapter.Page> stream(int count, int pageSize, int empties,
      List<Optional<String>> asked) {
    List<LogExcerpt.Line> all = IntStream.range(0, count).mapToObj(i -> new LogExcerpt.Line(T0.plusSeconds(i), "line " + i))
        .toList();
    return token -> {
      asked.add(token);
      String t = token.orElse("b/" + count);
      if (t.startsWith("empty/")) {
        int left = Integer.parseInt(t.substring(6));
        return new CloudWatchLogAdapter.Page(List.of(), Optional.of(left > 0 ? "empty/" + (left - 1) : "b/" + count));
      }
      if (token.isEmpty() && empties > 0) {
        return new CloudWatchLogAdapter.Page(List.of(), Optional.of("empty/" + (empties - 1)));
      }
      int end = Integer.parseInt(t.substring(2));
      int start = Math.max(0, end - pageSize);
      // At the start of the stream the token repeats.
      return new CloudWatchLogAdapter.Page(new ArrayList<>(all.subList(start, end)), Optional.of("b/" + start));
    };
  }

  @Test
  void emptyPagesWithATokenAreNotTheEndMotoNeverAnswersThem() {
    List<Optional<String>> asked = new ArrayList<>();

    var lines = CloudWatchLogAdapter.newestLines(stream(3, 100, 2, asked), 200, 25).orElseThrow();

    assertThat(lines).extracting(LogExcerpt.Line::text).containsExactly("line 0", "line 1", "line 2");
    assertThat(asked).hasSize(5); // two empty pages, the events, then the token that repeats
  }

  @Test
  void theTailOfALongStreamIsReadAcrossPagesNewestLast() {
    var lines = CloudWatchLogAdapter.newestLines(stream(1000, 150, 0, new ArrayList<>()), 200, 25).orElseThrow();

    assertThat(lines).hasSize(200);
    assertThat(lines.get(199).text()).isEqualTo("line 999");
    assertThat(lines.get(0).text()).isEqualTo("line 800");
  }

  @Test
  void aStreamThatOnlyAnswersEmptyPagesIsNotReadAsEmpty() {
    assertThat(CloudWatchLogAdapter.newestLines(stream(3, 100, 1000, new ArrayList<>()), 200, 25)).isEmpty();
  }

  @Test
  void anEmptyStreamEndsAtOnceWhenItsTokenRepeats() {
    assertThat(CloudWatchLogAdapter.newestLines(stream(0, 100, 0, new ArrayList<>()), 200, 25)).contains(List.of());
  }
}

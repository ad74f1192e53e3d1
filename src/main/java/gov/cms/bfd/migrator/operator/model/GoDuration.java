package gov.cms.bfd.migrator.operator.model;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the Go-style durations of the spec ({@code 30s}, {@code 1h30m}, {@code 1.5h}, {@code 500ms}). */
public final class GoDuration {

  private static final Pattern WHOLE = Pattern.compile("([0-9]+(\\.[0-9]+)?(h|ms|m|s))+");
  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(h|ms|m|s)");

  private GoDuration() {}

  /** The duration, or an {@link IllegalArgumentException} naming the text that does not parse. */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException("not a Go duration such as 30s, 5m or 1h30m: " + text);
    }
    BigDecimal nanos = BigDecimal.ZERO;
    Matcher part = PART.matcher(text);
    while (part.find()) {
      long unit = switch (part.group(2)) {
        case "h" -> 3_600_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "s" -> 1_000_000_000L;
        case "ms" -> 1_000_000L;
        default -> throw new IllegalStateException(part.group(2));
      };
      nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(unit)));
    }
    return Duration.ofNanos(nanos.longValueExact());
  }

  /** Formats like Go's {@code time.Duration.String()} for whole seconds and above: 1h30m0s becomes 1h30m. */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long hours = duration.toHours();
    int minutes = duration.toMinutesPart();
    int seconds = duration.toSecondsPart();
    int millis = duration.toMillisPart();
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (minutes > 0) {
      out.append(minutes).append('m');
    }
    if (seconds > 0) {
      out.append(seconds).append('s');
    }
    if (millis > 0) {
      out.append(millis).append("ms");
    }
    return out.toString();
  }
}

package gov.cms.bfd.migrator.operator.model;

/**
 * Bounds for every string the operator takes from outside (queue messages, logs, AWS errors, tags) before it
 * reaches a status or a ledger: measured as the string will be stored, in bytes of its JSON encoding (UTF-8, with
 * quotes, backslashes and control characters escaped), so that 3-byte characters or escapes cannot multiply
 * a bound. A cut string ends in {@value #CUT}.
 */
public final class Text {

  public static final String CUT = "…";

  private Text() {}

  /** {@code text} itself when it fits in {@code maxBytes}, else its longest prefix that fits with the mark of a cut. */
  public static String bound(String text, int maxBytes) {
    if (text == null) {
      return null;
    }
    if (jsonBytes(text) <= maxBytes) {
      return text;
    }
    return prefix(text, maxBytes - jsonBytes(CUT)) + CUT;
  }

  /** The longest prefix of {@code text} that fits in {@code maxBytes}, unmarked (evidence kept as it was sent). */
  public static String prefix(String text, int maxBytes) {
    int used = 0;
    int end = 0;
    while (end < text.length()) {
      int codePoint = text.codePointAt(end);
      int size = jsonBytes(codePoint);
      if (used + size > maxBytes) {
        break;
      }
      used += size;
      end += Character.charCount(codePoint);
    }
    return text.substring(0, end);
  }

  /** The bytes {@code text} takes inside a JSON string literal, without the quotes. */
  public static int jsonBytes(String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); ) {
      int codePoint = text.codePointAt(i);
      bytes += jsonBytes(codePoint);
      i += Character.charCount(codePoint);
    }
    return bytes;
  }

  private static int jsonBytes(int codePoint) {
    if (codePoint == '"' || codePoint == '\\' || codePoint == '\n' || codePoint == '\r' || codePoint == '\t'
        || codePoint == '\b' || codePoint == '\f') {
      return 2;
    }
    if (codePoint < 0x20 || (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE)) {
      return 6; // \\uXXXX, also for a lone surrogate
    }
    if (codePoint < 0x80) {
      return 1;
    }
    if (codePoint < 0x800) {
      return 2;
    }
    return codePoint < 0x10000 ? 3 : 4;
  }
}

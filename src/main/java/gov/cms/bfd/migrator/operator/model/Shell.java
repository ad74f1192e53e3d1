package gov.cms.bfd.migrator.operator.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Quoting for values placed in a shell command: the commands of {@code runbook.nextSteps}, which a person pastes,
 * and the SSM script, which runs as root. Every value goes in single quotes, a single quote in it as
 * {@code '\''}, so nothing in it ($(...), backticks, ;, spaces) is interpreted.
 */
public final class Shell {

  private Shell() {}

  /** One argument, quoted unless it is made only of characters no shell treats specially. */
  public static String quote(String value) {
    if (!value.isEmpty() && value.chars().allMatch(Shell::plain)) {
      return value;
    }
    return "'" + value.replace("'", "'\\''") + "'";
  }

  /** The arguments quoted and joined by spaces. */
  public static String command(String... words) {
    return Arrays.stream(words).map(Shell::quote).collect(Collectors.joining(" "));
  }

  /** {@code value} as a JSON string literal, quotes included (for the AWS CLI's JSON parameters). */
  public static String json(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static boolean plain(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "@%+=:,./_-".indexOf(c) >= 0;
  }
}

package io.pgshard.operator.maintenance;

import java.util.ArrayList;
import java.util.List;

/**
 * A SQL script cut into statements at the semicolons PostgreSQL would end them at: not inside
 * quoted strings, quoted identifiers, dollar-quoted bodies or comments. Each statement keeps the
 * line it starts on, so an error can say where.
 */
public final class SqlScript {

  /** One statement, without its semicolon, and the 1-based line of the script it starts on. */
  public record Statement(String sql, int line) {

    /** The first line of the statement, shortened for a message. */
    public String head() {
      String first = sql.strip().lines().findFirst().orElse("");
      return first.length() > 80 ? first.substring(0, 77) + "..." : first;
    }
  }

  private SqlScript() {}

  public static List<Statement> split(String script) {
    List<Statement> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int line = 1;
    int startLine = -1;
    int i = 0;
    int n = script.length();
    while (i < n) {
      char c = script.charAt(i);
      int end = i + 1;
      if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
        end = script.indexOf('\n', i);
        end = end < 0 ? n : end;
      } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
        end = blockCommentEnd(script, i);
      } else if (c == '\'' || c == '"') {
        end = quoteEnd(script, i, c);
      } else if (c == '$') {
        int tagEnd = dollarTagEnd(script, i);
        if (tagEnd > 0) {
          String tag = script.substring(i, tagEnd);
          int close = script.indexOf(tag, tagEnd);
          end = close < 0 ? n : close + tag.length();
        }
      } else if (c == ';') {
        add(statements, current, startLine);
        current.setLength(0);
        startLine = -1;
        i++;
        continue;
      }
      String piece = script.substring(i, end);
      boolean comment = piece.startsWith("--") || piece.startsWith("/*");
      if (startLine < 0 && !comment && !Character.isWhitespace(c)) {
        startLine = line;
      }
      if (startLine >= 0) {
        // comments before a statement are left out: an error names the statement itself
        current.append(piece);
      }
      line += (int) piece.chars().filter(ch -> ch == '\n').count();
      i = end;
    }
    add(statements, current, startLine);
    return statements;
  }

  private static void add(List<Statement> statements, StringBuilder sql, int line) {
    if (line > 0 && !sql.toString().isBlank()) {
      statements.add(new Statement(sql.toString().strip(), line));
    }
  }

  /** Past the closing quote; a doubled quote inside stays part of the text. */
  private static int quoteEnd(String s, int open, char quote) {
    int i = open + 1;
    while (i < s.length()) {
      if (s.charAt(i) == quote) {
        if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return s.length();
  }

  /** Block comments nest in PostgreSQL. */
  private static int blockCommentEnd(String s, int open) {
    int depth = 0;
    int i = open;
    while (i < s.length() - 1) {
      if (s.startsWith("/*", i)) {
        depth++;
        i += 2;
      } else if (s.startsWith("*/", i)) {
        depth--;
        i += 2;
        if (depth == 0) {
          return i;
        }
      } else {
        i++;
      }
    }
    return s.length();
  }

  /** The end of a {@code $tag$} opening at {@code i}, or -1 when this dollar opens none. */
  private static int dollarTagEnd(String s, int i) {
    if (i > 0 && (Character.isLetterOrDigit(s.charAt(i - 1)) || s.charAt(i - 1) == '_')) {
      return -1; // part of an identifier such as a$b
    }
    int j = i + 1;
    while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
      j++;
    }
    if (j < s.length()
        && s.charAt(j) == '$'
        && (j == i + 1 || !Character.isDigit(s.charAt(i + 1)))) {
      return j + 1;
    }
    return -1;
  }
}

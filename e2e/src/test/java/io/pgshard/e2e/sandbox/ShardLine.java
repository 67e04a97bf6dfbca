package io.pgshard.e2e.sandbox;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The line the sandbox prints per shard once it is Ready, which tooling parses: {@code SHARD
 * <index> READY pooler=postgresql://<user>:<password>@<host>:<port>/<db> primary=<pod>}. User and
 * password are percent-encoded as a connection URI needs.
 */
public record ShardLine(
    int index,
    String user,
    String password,
    String host,
    int port,
    String database,
    String primary) {

  private static final Pattern LINE =
      Pattern.compile(
          "SHARD (\\d+) READY pooler=postgresql://([^:@]+):([^@]*)@([^:/]+):(\\d+)/(\\S+) primary=(\\S+)");

  @Override
  public String toString() {
    return "SHARD "
        + index
        + " READY pooler=postgresql://"
        + encode(user)
        + ":"
        + encode(password)
        + "@"
        + host
        + ":"
        + port
        + "/"
        + database
        + " primary="
        + primary;
  }

  public static ShardLine parse(String line) {
    Matcher m = LINE.matcher(line.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a SHARD line: " + line);
    }
    return new ShardLine(
        Integer.parseInt(m.group(1)),
        decode(m.group(2)),
        decode(m.group(3)),
        m.group(4),
        Integer.parseInt(m.group(5)),
        m.group(6),
        m.group(7));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}

package io.pgshard.e2e.cluster;

import io.pgshard.e2e.controlplane.AuditLog;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The operator's requests from the audit log, counted by permission, as a Markdown table. */
final class OperatorRequestTable {

  private OperatorRequestTable() {}

  static Map<String, Long> byPermission(List<AuditLog.Request> requests) {
    return requests.stream()
        .collect(
            Collectors.groupingBy(
                AuditLog.Request::permission, TreeMap::new, Collectors.counting()));
  }

  static String markdown(List<AuditLog.Request> requests) {
    Map<String, Map<Integer, Long>> codes =
        requests.stream()
            .collect(
                Collectors.groupingBy(
                    AuditLog.Request::permission,
                    TreeMap::new,
                    Collectors.groupingBy(
                        AuditLog.Request::code, TreeMap::new, Collectors.counting())));
    StringBuilder out =
        new StringBuilder("| verb resource | requests | response codes |\n|---|---:|---|\n");
    codes.forEach(
        (permission, byCode) ->
            out.append("| ")
                .append(permission)
                .append(" | ")
                .append(byCode.values().stream().mapToLong(Long::longValue).sum())
                .append(" | ")
                .append(
                    byCode.entrySet().stream()
                        .map(e -> e.getKey() + "×" + e.getValue())
                        .collect(Collectors.joining(", ")))
                .append(" |\n"));
    return out.toString();
  }

  static <T> Map<String, Long> count(List<T> items, Function<T, String> key) {
    return items.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
  }
}

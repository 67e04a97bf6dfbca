package io.pgshard.operator.model;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * pg_hba.conf of every instance: local socket by peer (probes, kubectl exec), replication only for
 * the replication user, everything else over TCP with scram-sha-256, and only from the networks the
 * cluster allows ({@code spec.postgres.allowedNetworks}, by default the private ranges pod networks
 * use and loopback); any other address is rejected.
 */
public final class HbaConfig {

  /** Where pod networks live in common clusters (kind 10.244/16, EKS, GKE, AKS), and loopback. */
  public static final List<String> DEFAULT_NETWORKS =
      List.of(
          "10.0.0.0/8",
          "172.16.0.0/12",
          "192.168.0.0/16",
          "100.64.0.0/10",
          "127.0.0.0/8",
          "fc00::/7",
          "::1/128");

  private static final Pattern CIDR =
      Pattern.compile(
          "^((25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}/(3[0-2]|[12]?\\d)"
              + "|[0-9a-fA-F:]*:[0-9a-fA-F:.]*/(12[0-8]|1[01]\\d|[1-9]?\\d))$");

  private HbaConfig() {}

  /** Whether {@code network} is an IPv4 or IPv6 network in CIDR notation. */
  public static boolean isCidr(String network) {
    return network != null && CIDR.matcher(network.trim()).matches();
  }

  public static String render(String replicationUser) {
    return render(replicationUser, List.of());
  }

  public static String render(String replicationUser, List<String> allowedNetworks) {
    List<String> networks =
        allowedNetworks == null || allowedNetworks.isEmpty()
            ? DEFAULT_NETWORKS
            : allowedNetworks.stream().map(String::trim).toList();
    String repl = "\"" + replicationUser.replace("\"", "\"\"") + "\"";
    List<String> lines = new ArrayList<>();
    lines.add("# Rendered by pgshard. Do not edit: the operator overwrites it.");
    lines.add("# TYPE  DATABASE     USER  ADDRESS    METHOD");
    lines.add("local   all          all              peer");
    for (String network : networks) {
      lines.add("host    replication  " + repl + "  " + network + "  scram-sha-256");
    }
    lines.add("host    replication  all   all        reject");
    for (String network : networks) {
      lines.add("host    all          all   " + network + "  scram-sha-256");
    }
    lines.add("host    all          all   all        reject");
    lines.add("");
    return String.join("\n", lines);
  }
}

package io.pgshard.operator.model;

/**
 * pg_hba.conf of every instance: local socket by peer (probes, kubectl exec), replication only for
 * the replication user, everything else over TCP with scram-sha-256.
 */
public final class HbaConfig {

  private HbaConfig() {}

  public static String render(String replicationUser) {
    String repl = "\"" + replicationUser.replace("\"", "\"\"") + "\"";
    return String.join(
        "\n",
        "# Rendered by pgshard. Do not edit: the operator overwrites it.",
        "# TYPE  DATABASE     USER  ADDRESS    METHOD",
        "local   all          all              peer",
        "host    replication  " + repl + "  0.0.0.0/0  scram-sha-256",
        "host    replication  " + repl + "  ::/0       scram-sha-256",
        "host    replication  all   0.0.0.0/0  reject",
        "host    replication  all   ::/0       reject",
        "host    all          all   0.0.0.0/0  scram-sha-256",
        "host    all          all   ::/0       scram-sha-256",
        "");
  }
}

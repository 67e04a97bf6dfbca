package io.pgshard.e2e.chaos;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A network partition of one loopback address: iptables drops every packet to and from it (on
 * loopback both directions pass the OUTPUT chain). Needs root and iptables; {@link #unavailable()}
 * says why not where either is missing.
 */
final class Partition implements AutoCloseable {

  private final String address;
  private boolean active;

  private Partition(String address) {
    this.address = address;
  }

  /** Null when partitions can be made here, else why not. */
  static String unavailable() {
    try {
      Process p =
          new ProcessBuilder("iptables", "-w", "-L", "OUTPUT", "-n")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      return p.waitFor() == 0 ? null : "iptables -L failed: " + out.strip();
    } catch (IOException e) {
      return "no iptables: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  static Partition cut(String address) {
    Partition partition = new Partition(address);
    partition.rules("-I");
    partition.active = true;
    return partition;
  }

  synchronized void heal() {
    if (active) {
      rules("-D");
      active = false;
    }
  }

  private void rules(String action) {
    for (String direction : List.of("-d", "-s")) {
      List<String> command = new ArrayList<>(List.of("iptables", "-w", action, "OUTPUT"));
      command.addAll(List.of(direction, address + "/32", "-j", "DROP"));
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
          throw new IllegalStateException(String.join(" ", command) + ": " + out.strip());
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  @Override
  public void close() {
    heal();
  }
}

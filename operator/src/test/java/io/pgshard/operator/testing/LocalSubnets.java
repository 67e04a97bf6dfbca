package io.pgshard.operator.testing;

import java.util.BitSet;

/**
 * The 127.0.X.0/24 blocks local shards take their addresses from, one per live shard. Handed out in
 * turn and returned on close, so shards of classes that run side by side in one JVM never share an
 * address (random blocks did, now and then, once classes ran in parallel).
 */
final class LocalSubnets {

  static final int FIRST = 16;
  static final int LAST = 249;

  private static final BitSet TAKEN = new BitSet();
  private static int next = FIRST;

  private LocalSubnets() {}

  static synchronized int take() {
    for (int tried = 0; tried <= LAST - FIRST; tried++) {
      int subnet = next;
      next = next == LAST ? FIRST : next + 1;
      if (!TAKEN.get(subnet)) {
        TAKEN.set(subnet);
        return subnet;
      }
    }
    throw new IllegalStateException(
        "every 127.0.X.0/24 block from " + FIRST + " to " + LAST + " is in use");
  }

  static synchronized void give(int subnet) {
    TAKEN.clear(subnet);
  }
}

package io.pgshard.e2e.harness;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out loopback addresses, one per pod and one per Service, as a cluster's pod and service
 * CIDRs would: pods from 127.0.1.1 upwards, Services from 127.0.200.1. Linux routes all of
 * 127.0.0.0/8 to the loopback interface, so each can be bound without setup. Addresses are not
 * reused within a run: a pod created again gets a new one, as in a cluster. The counters are shared
 * by every harness in the JVM, so that two harnesses (a benchmark's, or scenario classes run side
 * by side) never hand out the same address.
 */
final class Loopback {

  private static final int PER_BLOCK = 250;

  private static final AtomicInteger PODS = new AtomicInteger();
  private static final AtomicInteger SERVICES = new AtomicInteger();

  String nextPod() {
    return address(1, 199, PODS.getAndIncrement(), "pod");
  }

  String nextService() {
    return address(200, 254, SERVICES.getAndIncrement(), "Service");
  }

  private static String address(int firstBlock, int lastBlock, int n, String what) {
    int block = firstBlock + n / PER_BLOCK;
    if (block > lastBlock) {
      throw new IllegalStateException("out of loopback addresses for a " + what);
    }
    return "127.0." + block + "." + (1 + n % PER_BLOCK);
  }
}

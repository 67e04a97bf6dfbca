package io.pgshard.operator.monitor;

import io.pgshard.operator.failover.InstanceObservation;

/** Probes one instance; never throws: an instance that does not answer is reported unreachable. */
public interface Probe extends AutoCloseable {

  InstanceObservation probe();

  /** The last probe ran past its deadline and its result is not waited for. */
  default void abandon() {}

  @Override
  void close();
}

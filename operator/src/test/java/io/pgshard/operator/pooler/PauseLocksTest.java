package io.pgshard.operator.pooler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PauseLocksTest {

  private final PauseLocks locks = new PauseLocks();

  /** Held by another thread, as a switchover's reconcile holds its shard. */
  private static Optional<PauseLocks.Held> fromAnotherThread(
      PauseLocks locks, List<String> shards) {
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                return locks.acquire(shards, Duration.ZERO);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            })
        .join();
  }

  @Test
  void aShardHeldByOneIsNotGivenToAnother() throws Exception {
    PauseLocks.Held switchover =
        locks.acquire(List.of("ns/c-shard-1"), Duration.ZERO).orElseThrow();
    assertThat(fromAnotherThread(locks, List.of("ns/c-shard-0", "ns/c-shard-1"))).isEmpty();
    // nothing was kept by the caller that did not get them all: shard 0 is free
    assertThat(fromAnotherThread(locks, List.of("ns/c-shard-0"))).isPresent();
    switchover.close();
  }

  @Test
  void releasedLocksAreFreeAgain() throws Exception {
    PauseLocks.Held all =
        locks.acquire(List.of("ns/c-shard-1", "ns/c-shard-0"), Duration.ZERO).orElseThrow();
    all.close();
    assertThat(fromAnotherThread(locks, List.of("ns/c-shard-0", "ns/c-shard-1"))).isPresent();
  }

  @Test
  void keysNameTheNamespaceAndTheShard() {
    assertThat(PauseLocks.key("prod", "orders-shard-0")).isEqualTo("prod/orders-shard-0");
  }
}

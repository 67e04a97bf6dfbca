package io.pgshard.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The memory benchmark's machinery, small enough for {@code mvn verify}: the operator jar idle and
 * with one cluster of 4 shards, two readings each. No limits on the numbers: they must only have
 * been read, and the operator must have converged.
 */
// measures timing or memory: runs with no other scenario class beside it
@Isolated
class OperatorMemorySmokeTest {

  @Test
  void measuresTheOperatorJarIdleAndWithOneConvergedCluster(@TempDir Path work) throws Exception {
    MemoryRun.Settings settings =
        new MemoryRun.Settings(
            List.of(0, 1),
            2,
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(45),
            MemoryRun.CHART_JVM_OPTIONS);

    List<MemoryRun.Point> points = MemoryRun.run(settings, work.resolve("operator.log"));
    System.out.print(OperatorMemoryBenchmark.table(settings, points, false));

    assertThat(points).extracting(MemoryRun.Point::clusters).containsExactly(0, 1);
    assertThat(points.get(0).postgresShards()).isZero();
    assertThat(points.get(1).postgresShards()).isEqualTo(MemoryFleet.SHARDS_PER_CLUSTER);
    for (MemoryRun.Point p : points) {
      assertThat(p.samples()).hasSize(2);
      assertThat(p.rssMib()).allSatisfy(mib -> assertThat(mib).isPositive());
      assertThat(p.heapAfterGcMib()).allSatisfy(mib -> assertThat(mib).isPositive());
    }
    // the operator's own requests are recognised (by User-Agent): it listed and watched at start,
    // and wrote the cluster's objects
    assertThat(points.get(0).requests()).isPositive();
    assertThat(points.get(1).writes()).isPositive();
  }
}

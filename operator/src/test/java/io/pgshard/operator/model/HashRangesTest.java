package io.pgshard.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HashRangesTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 7, 64, 255, 256})
  void rangesAreContiguousAndCoverTheWholeHashSpace(int shards) {
    assertThat(HashRanges.rangeOf(0, shards).start()).isEqualTo(BigInteger.ZERO);
    for (int i = 1; i < shards; i++) {
      assertThat(HashRanges.rangeOf(i, shards).start())
          .isEqualTo(HashRanges.rangeOf(i - 1, shards).end());
    }
    assertThat(HashRanges.rangeOf(shards - 1, shards).end())
        .isEqualTo(BigInteger.ONE.shiftLeft(64));
  }

  @ParameterizedTest
  @CsvSource({
    "0, 4, 0000000000000000, 4000000000000000",
    "3, 4, c000000000000000, 10000000000000000",
    "1, 3, 5555555555555555, aaaaaaaaaaaaaaaa",
    "6, 7, db6db6db6db6db6d, 10000000000000000"
  })
  void boundsAreFloorOfIndexTimesTwoToTheSixtyFourOverN(
      int index, int shards, String start, String end) {
    assertThat(HashRanges.rangeOf(index, shards).asList()).containsExactly(start, end);
  }

  /** Expected hashes computed with coreutils: printf '%s' KEY | sha256sum | cut -c1-16. */
  @ParameterizedTest
  @CsvSource({
    "tenant-42, f71d3741b2bc6cc8",
    "customer:17, f805e84e21180196",
    "ünïcode, b8be8967e4de3eb2",
    "'', e3b0c44298fc1c14"
  })
  void theHashIsTheFirstEightBytesOfSha256AsAnyLanguageComputesIt(String key, String hex) {
    assertThat(HashRanges.hash(key)).isEqualTo(new BigInteger(hex, 16));
  }

  @ParameterizedTest
  @CsvSource({"2, 1", "3, 2", "4, 3", "7, 6"})
  void aKeyRoutesToTheShardWhoseRangeHoldsItsHash(int shards, int expected) {
    assertThat(HashRanges.shardFor("tenant-42", shards)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"-1, 4", "4, 4", "0, 0"})
  void refusesAShardOutsideTheCluster(int index, int shards) {
    assertThatThrownBy(() -> HashRanges.rangeOf(index, shards))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

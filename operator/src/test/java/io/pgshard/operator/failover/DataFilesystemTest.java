package io.pgshard.operator.failover;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DataFilesystemTest {

  @Test
  void readsSizeAndAvailableFromDfInKibibytes() {
    String df =
        """
        Filesystem     1024-blocks     Used Available Capacity Mounted on
        /dev/sdb          10218772  2109876   8092512      21% /var/lib/postgresql/data
        """;
    assertThat(DataFilesystem.parseDf(df))
        .contains(new DataFilesystem(10218772L * 1024, 8092512L * 1024));
  }

  @Test
  void aNameOrMountPointWithSpacesStillParses() {
    String df =
        "Filesystem 1024-blocks Used Available Capacity Mounted on\n"
            + "my volume 2048 1024 1000 51% /mnt/with space/data\n";
    assertThat(DataFilesystem.parseDf(df)).contains(new DataFilesystem(2048 * 1024, 1000 * 1024));
  }

  @Test
  void anythingElseIsUnknown() {
    assertThat(DataFilesystem.parseDf(null)).isEmpty();
    assertThat(DataFilesystem.parseDf("")).isEmpty();
    assertThat(DataFilesystem.parseDf("Filesystem 1024-blocks Used Available Capacity Mounted on"))
        .isEmpty();
    assertThat(DataFilesystem.parseDf("h\nx y z 12% /")).isEmpty();
    assertThat(DataFilesystem.parseDf("h\nfs big 1 2 3% /")).isEmpty();
  }
}

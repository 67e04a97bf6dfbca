/**
 * Partition planning, pure: which range partitions a table needs now (premade ahead, retired
 * behind), their names and bounds in UTC, cron schedules and when maintenance is due. No client, no
 * JDBC.
 */
package io.pgshard.operator.partitions;

/**
 * Backup planning, pure: when a shard's base backup is due and what it is called, and which base
 * backups retention lets go. No client, no JDBC.
 */
package io.pgshard.operator.backups;

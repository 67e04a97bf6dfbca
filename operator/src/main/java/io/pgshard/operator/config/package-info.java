/** The operator's own configuration, read from environment variables into one record. */
package io.pgshard.operator.config;

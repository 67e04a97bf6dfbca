/**
 * Every SQL statement the operator runs, one class per concern. Identifiers are quoted, values are
 * bind parameters; nothing here concatenates user input.
 */
package io.pgshard.operator.sql;

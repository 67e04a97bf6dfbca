/** pgshard, a Kubernetes operator for sharded PostgreSQL. {@link OperatorMain} wires it. */
package io.pgshard.operator;

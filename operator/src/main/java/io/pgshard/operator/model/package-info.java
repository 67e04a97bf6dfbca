/**
 * Pure model of a pgshard cluster: names, labels, the sharding function, rendered configuration,
 * spec validation, and one builder per Kubernetes object (spec in, fabric8 object out). Nothing
 * here talks to the API server or to PostgreSQL; ArchitectureTest keeps it so.
 */
package io.pgshard.operator.model;

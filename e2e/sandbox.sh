#!/usr/bin/env bash
# The pgshard sandbox: a real Kubernetes control plane (etcd, kube-apiserver, controller-manager and
# scheduler v1.20.2, built once by .ci/control-plane), the operator as the Helm chart deploys it
# (two replicas, leader election, the chart's RBAC), and every pod run as local PostgreSQL 15 /
# PgBouncer processes by a process kubelet; no containers. Where the control plane cannot be built
# it says why and falls back to the embedded mock API server.
#
#   e2e/sandbox.sh [manifest]     (default samples/minimal.yaml)
#
# Builds what is missing, prints a KUBECONFIG line for kubectl, applies the manifest, prints
# progress, and once every shard is Ready one
# line per shard:  SHARD <index> READY pooler=postgresql://<user>:<password>@<host>:<port>/<db> primary=<pod>
# Ctrl-C stops the operator and every process, and removes the sandbox's directory.
# Run as root, the pods run as the unprivileged "postgres" user (PostgreSQL refuses root).
set -euo pipefail
cd "$(dirname "$0")/.."
manifest="${1:-samples/minimal.yaml}"
[ -f "$manifest" ] || { echo "no such manifest: $manifest" >&2; exit 2; }

PGSHARD_CONTROL_PLANE_OPTIONAL=1 .ci/prerequisites

classpath=e2e/target/sandbox.classpath
newer=""
if [ -f "$classpath" ]; then
  newer="$(find pom.xml operator/pom.xml e2e/pom.xml operator/src e2e/src -newer "$classpath" -type f 2>/dev/null | head -1)"
fi
if [ ! -f "$classpath" ] || [ ! -f e2e/target/test-classes/io/pgshard/e2e/sandbox/Sandbox.class ] || [ -n "$newer" ]; then
  echo "building (mvn install -DskipTests; the first time downloads dependencies)..."
  mvn -B -q install -DskipTests
  mvn -B -q -pl e2e dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/sandbox.classpath
fi

exec java -Dlogback.configurationFile=e2e/src/test/resources/logback-e2e.xml \
  -Dpgshard.chart.dir=helm/pgshard-operator -Dpgshard.samples.dir=samples \
  -Dpgshard.operator.jar=operator/target/pgshard-operator.jar \
  -Dpgshard.operator.log=e2e/target/sandbox-operator.log \
  -Djava.util.logging.config.file=e2e/src/test/resources/logging.properties \
  -cp "e2e/target/test-classes:$(cat "$classpath")" \
  io.pgshard.e2e.sandbox.Sandbox "$manifest"

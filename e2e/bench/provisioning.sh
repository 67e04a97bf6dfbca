#!/usr/bin/env bash
# Provisioning benchmark: e2e/bench/provisioning.sh [--trials N]
# Builds what it needs, runs ProvisioningBenchmark (a fresh local harness per trial: the real
# operator, pods as PostgreSQL 15 and PgBouncer processes), prints the table and ends with:
# PROVISIONING trials=<n> production_median_s=<x> minimal_median_s=<y>
set -euo pipefail
cd "$(dirname "$0")/../.."

trials=3
while [ $# -gt 0 ]; do
  case "$1" in
    --trials) trials="$2"; shift 2 ;;
    *) echo "usage: $0 [--trials N]" >&2; exit 2 ;;
  esac
done

.ci/prerequisites
report="$PWD/e2e/target/bench/provisioning.txt"
rm -f "$report"
log="$PWD/e2e/target/bench/provisioning.log"
mkdir -p "$(dirname "$log")"
echo "building (mvn -DskipTests install) ..." >&2
mvn -B -q -DskipTests install > "$log" 2>&1
echo "running $trials trials of minimal.yaml and production.yaml (log: $log) ..." >&2
mvn -B -pl e2e test -Dtest=ProvisioningBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.trials="$trials" -Dbench.report="$report" >> "$log" 2>&1 || {
  echo "benchmark failed; see $log" >&2
  tail -40 "$log" >&2
  exit 1
}
cat "$report"

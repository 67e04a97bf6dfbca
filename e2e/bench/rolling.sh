#!/usr/bin/env bash
# Rolling restart benchmark: e2e/bench/rolling.sh [--shards N] [--replicas R]
# Builds what it needs, runs RollingBenchmark on the real control plane (run .ci/prerequisites once
# for it): a cluster of N shards (default 2) with R standbys each (default 2), one client writing
# through every shard's pooler; a restart annotation rolls every instance (standbys one at a time,
# a switchover, the former primary; one shard at a time), against the same clients for as long with
# nothing rolling. Prints the table and ends with one line:
# ROLLING shards=2 replicas=2 duration_s=… client_errors=N lost_acked_writes=N max_stall_ms=… restarted_instances=N
set -euo pipefail
cd "$(dirname "$0")/../.."

shards=2
replicas=2
while [ $# -gt 0 ]; do
  case "$1" in
    --shards) shards="$2"; shift 2 ;;
    --replicas) replicas="$2"; shift 2 ;;
    *) echo "usage: $0 [--shards N] [--replicas R]" >&2; exit 2 ;;
  esac
done

report="$PWD/e2e/target/bench/rolling.txt"
rm -f "$report"
log="$PWD/e2e/target/bench/rolling.log"
mkdir -p "$(dirname "$log")"
echo "building (mvn -DskipTests install) ..." >&2
mvn -B -q -DskipTests install > "$log" 2>&1
echo "running on the control plane: $shards shards, $replicas standbys each (log: $log) ..." >&2
mvn -B -pl e2e test -Dtest=RollingBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.shards="$shards" -Dbench.replicas="$replicas" -Dbench.report="$report" >> "$log" 2>&1 || {
  echo "benchmark failed; see $log" >&2
  tail -40 "$log" >&2
  exit 1
}
cat "$report"

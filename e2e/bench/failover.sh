#!/usr/bin/env bash
# Failover benchmark: e2e/bench/failover.sh [--mode async|sync] [--trials N]
# Builds what it needs, runs FailoverBenchmark (real operator, PostgreSQL 15 and PgBouncer
# processes; see its Javadoc), prints the table and ends with one summary line:
# FAILOVER trials=<n> mode=<async|sync> median_s=<x> max_s=<y> lost_acked_writes=<n> rejoin_median_s=<z>
set -euo pipefail
cd "$(dirname "$0")/../.."

mode=async
trials=10
while [ $# -gt 0 ]; do
  case "$1" in
    --mode) mode="$2"; shift 2 ;;
    --trials) trials="$2"; shift 2 ;;
    *) echo "usage: $0 [--mode async|sync] [--trials N]" >&2; exit 2 ;;
  esac
done
case "$mode" in async|sync) ;; *) echo "--mode must be async or sync" >&2; exit 2 ;; esac

report="$PWD/e2e/target/bench/failover-$mode.txt"
rm -f "$report"
log="$PWD/e2e/target/bench/failover-$mode.log"
mkdir -p "$(dirname "$log")"
echo "building (mvn -DskipTests install) ..." >&2
mvn -B -q -DskipTests install > "$log" 2>&1
echo "running $trials trials in $mode mode (log: $log) ..." >&2
mvn -B -pl e2e test -Dtest=FailoverBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.mode="$mode" -Dbench.trials="$trials" -Dbench.report="$report" >> "$log" 2>&1 || {
  echo "benchmark failed; see $log" >&2
  tail -40 "$log" >&2
  exit 1
}
cat "$report"

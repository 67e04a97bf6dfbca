#!/usr/bin/env bash
# Partition maintenance benchmark: e2e/bench/partitions.sh [--runs N]
# Builds what it needs (and installs pg_partman 4.7.2 from apt when missing), runs
# PartitionBenchmark (pgshard's maintainer on 1 and on 8 local PostgreSQL 15 shards, pg_partman's
# create_parent on 1, the same 24 monthly partitions), prints the table and ends with one line:
# PARTITIONS partitions=24 shards=8 one_shard_median_ms=<a> eight_shards_median_ms=<b> partman_one_shard_median_ms=<c>
set -euo pipefail
cd "$(dirname "$0")/../.."

runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    *) echo "usage: $0 [--runs N]" >&2; exit 2 ;;
  esac
done

if [ ! -f /usr/share/postgresql/15/extension/pg_partman.control ]; then
  echo "installing postgresql-15-partman ..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15-partman >&2
fi
id postgres >/dev/null 2>&1 || useradd --system --create-home --shell /bin/sh postgres

report="$PWD/e2e/target/bench/partitions.txt"
rm -f "$report"
log="$PWD/e2e/target/bench/partitions.log"
mkdir -p "$(dirname "$log")"
echo "building (mvn -DskipTests install) ..." >&2
mvn -B -q -DskipTests install > "$log" 2>&1
echo "running $runs runs (log: $log) ..." >&2
mvn -B -pl e2e test -Dtest=PartitionBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.runs="$runs" -Dbench.report="$report" >> "$log" 2>&1 || {
  echo "benchmark failed; see $log" >&2
  tail -40 "$log" >&2
  exit 1
}
cat "$report"

#!/usr/bin/env bash
# Operator memory benchmark:
#   e2e/bench/memory.sh [--level mock|controlplane] [--clusters 0,1,10,50] [--samples N] [--jvm-options "..."]
# Builds what it needs, runs OperatorMemoryBenchmark (the operator jar as its own JVM against the
# fabric8 mock API server, or on the real control plane in production configuration measuring
# the leader of two replicas; idle, then with more and more ShardedClusters of 4 shards; see its
# Javadoc), prints the table and ends with one line per point:
# MEMORY level=<l> clusters=<n> shards=<n> rss_median_mib=<x> heap_after_gc_median_mib=<y> added=<n> requests=<n> writes=<n> converge_s=<s>
# (requests and writes: the operator's API calls until the clusters added at that point had converged)
# Default JVM options: the image's, as they act in the chart's 512 MiB limit (MemoryRun.CHART_JVM_OPTIONS).
set -euo pipefail
cd "$(dirname "$0")/../.."

clusters=0,1,10,50
samples=5
jvm_options=""
level=mock
while [ $# -gt 0 ]; do
  case "$1" in
    --clusters) clusters="$2"; shift 2 ;;
    --samples) samples="$2"; shift 2 ;;
    --jvm-options) jvm_options="$2"; shift 2 ;;
    --level) level="$2"; shift 2 ;;
    *) echo "usage: $0 [--level mock|controlplane] [--clusters 0,1,10,50] [--samples N] [--jvm-options \"...\"]" >&2; exit 2 ;;
  esac
done

report="$PWD/e2e/target/bench/memory.txt"
rm -f "$report"
log="$PWD/e2e/target/bench/memory.log"
mkdir -p "$(dirname "$log")"
echo "building (mvn -DskipTests install) ..." >&2
mvn -B -q -DskipTests install > "$log" 2>&1
echo "measuring clusters=$clusters (log: $log; operator log: $(dirname "$report")/memory-operator.log) ..." >&2
mvn -B -pl e2e test -Dtest=OperatorMemoryBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.level="$level" -Dbench.clusters="$clusters" -Dbench.samples="$samples" -Dbench.jvmOptions="$jvm_options" \
  -Dbench.report="$report" >> "$log" 2>&1 || {
  echo "benchmark failed; see $log" >&2
  tail -40 "$log" >&2
  exit 1
}
cat "$report"

#!/usr/bin/env bash
# Chaos runner: e2e/bench/chaos.sh [--mode sync|async] [--trials N] [--faults a,b,...] [--seed S]
# Faults: kill9, freeze, operator-kill, candidate-kill, standby-freeze, partition (default: all).
# Defaults: sync mode, 50 trials per fault (20 in async mode). Builds what it needs, runs
# ChaosBenchmark on the real control plane (.ci/control-plane builds it once; root needed for the
# partition fault's iptables), prints a table per fault and one line per fault:
# CHAOS fault=<type> mode=<sync|async> trials=N median_s=… p95_s=… max_s=… lost_acked_writes=N split_brain=N primaries_after_max=N failed_trials=N
set -euo pipefail
cd "$(dirname "$0")/../.."

mode=sync
trials=""
faults=""
seed=""
while [ $# -gt 0 ]; do
  case "$1" in
    --mode) mode="$2"; shift 2 ;;
    --trials) trials="$2"; shift 2 ;;
    --faults) faults="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) echo "usage: $0 [--mode sync|async] [--trials N] [--faults a,b,...] [--seed S]" >&2; exit 2 ;;
  esac
done
case "$mode" in sync|async) ;; *) echo "--mode must be sync or async" >&2; exit 2 ;; esac
if [ -z "$trials" ]; then
  if [ "$mode" = sync ]; then trials=50; else trials=20; fi
fi
if ! command -v iptables > /dev/null && [ "$(id -u)" = 0 ]; then
  echo "installing iptables (for the partition fault) ..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables > /dev/null || true
fi

report="$PWD/e2e/target/bench/chaos-$mode.txt"
rm -f "$report"
log="$PWD/e2e/target/bench/chaos-$mode.log"
mkdir -p "$(dirname "$log")"
echo "building (mvn -DskipTests install) ..." >&2
mvn -B -q -DskipTests install > "$log" 2>&1
echo "running $trials trials per fault in $mode mode (log: $log; table so far: $report) ..." >&2
mvn -B -pl e2e test -Dtest=ChaosBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.mode="$mode" -Dbench.trials="$trials" -Dbench.faults="$faults" \
  ${seed:+-Dbench.seed="$seed"} -Dbench.report="$report" >> "$log" 2>&1 || {
  echo "chaos run failed; see $log" >&2
  [ -f "$report" ] && cat "$report"
  tail -40 "$log" >&2
  exit 1
}
cat "$report"

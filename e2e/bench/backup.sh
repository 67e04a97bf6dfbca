#!/usr/bin/env bash
# Backup benchmark: e2e/bench/backup.sh [--level local|control-plane] [--shards N] [--mb M] [--points P]
# Builds what it needs, runs BackupBenchmark: a cluster with backups (Barman Cloud to s3rver; run
# .ci/prerequisites once for s3rver, barman-cli-cloud and the control plane) on the local harness
# (default) or the real control plane, M MB of rows per shard (default 64), an on-demand base backup
# of every shard against pg_basebackup of the same standbys, P cross-shard restore points (default 5)
# while a client writes through every pooler, and a new cluster restored to the last point. Prints
# the table and ends with one line:
# BACKUP shards=N backup_mb_s=… basebackup_mb_s=… restore_mb_s=… restore_point_pause_ms_median=… restore_point_pause_ms_max=… restored_rows_match=<yes|no>
set -euo pipefail
cd "$(dirname "$0")/../.."

level=local
shards=2
mb=64
points=5
while [ $# -gt 0 ]; do
  case "$1" in
    --level) level="$2"; shift 2 ;;
    --shards) shards="$2"; shift 2 ;;
    --mb) mb="$2"; shift 2 ;;
    --points) points="$2"; shift 2 ;;
    *) echo "usage: $0 [--level local|control-plane] [--shards N] [--mb M] [--points P]" >&2; exit 2 ;;
  esac
done
case "$level" in local|control-plane) ;; *) echo "--level must be local or control-plane" >&2; exit 2 ;; esac

report="$PWD/e2e/target/bench/backup-$level.txt"
rm -f "$report"
log="$PWD/e2e/target/bench/backup-$level.log"
mkdir -p "$(dirname "$log")"
echo "building (mvn -DskipTests install) ..." >&2
mvn -B -q -DskipTests install > "$log" 2>&1
echo "running on $level: $shards shards, $mb MB each, $points restore points (log: $log) ..." >&2
mvn -B -pl e2e test -Dtest=BackupBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.level="$level" -Dbench.shards="$shards" -Dbench.mb="$mb" -Dbench.points="$points" \
  -Dbench.report="$report" >> "$log" 2>&1 || {
  echo "benchmark failed; see $log" >&2
  tail -40 "$log" >&2
  exit 1
}
cat "$report"

#!/bin/sh
# pgshard preStop hook of the PostgreSQL container (POSIX sh), shipped in the shard's config
# ConfigMap. A pod that is deleted while it is the primary (a node drain, kubectl delete pod) must
# not simply stop: the operator sees the pod Terminating and hands the primary role over with a
# planned switchover (pooler PAUSE, fence, the standby catches up, promotion, RESUME). This hook
# keeps PostgreSQL running until that happened (the instance is fenced or no longer a primary), at
# most PGSHARD_HANDOVER_WAIT_SECONDS, then stops it. A standby stops at once.
#   PGDATA PGPORT POD_IP PGSHARD_RUN_DIR PGSHARD_SUPERUSER
set -u
wait_seconds="${PGSHARD_HANDOVER_WAIT_SECONDS:-20}"

# "t" while this instance is a primary that still accepts writes, "f" otherwise; empty when it does
# not answer (then there is nothing to wait for)
writable() {
  PGPASSFILE="$PGSHARD_RUN_DIR/pgpass" psql -X -q -w -t -A \
    "host=$POD_IP port=$PGPORT user=$PGSHARD_SUPERUSER dbname=postgres connect_timeout=2" \
    -c "SELECT NOT pg_is_in_recovery() AND NOT current_setting('default_transaction_read_only')::bool" \
    2>/dev/null
}

deadline=$(($(date +%s) + wait_seconds))
while [ "$(writable)" = "t" ] && [ "$(date +%s)" -lt "$deadline" ]; do
  sleep 0.2
done
exec pg_ctl stop -D "$PGDATA" -m fast -w -t 50

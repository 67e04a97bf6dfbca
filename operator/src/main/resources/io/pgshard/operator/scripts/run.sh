#!/bin/sh
# pgshard instance entrypoint (POSIX sh). Shipped in the shard's config ConfigMap and run by the
# PostgreSQL container. Rule: every instance starts as a standby; only the operator promotes.
#
# Environment (all paths come from here, nothing is hard-coded):
#   PGDATA PGPORT POD_NAME POD_IP
#   PGSHARD_RW_HOST      the shard's rw Service (the current primary)
#   PGSHARD_CONFIG_DIR   this ConfigMap: postgresql.conf include, pg_hba.conf
#   PGSHARD_STATE_DIR    the state ConfigMap: "initialized" once the shard has had a primary
#   PGSHARD_RUN_DIR      writable scratch: sockets, passfile
#   PGSHARD_SUPERUSER PGSHARD_SUPERUSER_PASSWORD
#   PGSHARD_REPLICATION_USER PGSHARD_REPLICATION_PASSWORD
#   PGSHARD_APP_USER PGSHARD_APP_PASSWORD PGSHARD_APP_DATABASE
#   PGSHARD_REJOIN_WAIT_SECONDS  how long a former primary waits for a new one to answer
set -eu

: "${PGDATA:?}" "${PGPORT:?}" "${POD_NAME:?}" "${POD_IP:?}" "${PGSHARD_RW_HOST:?}"
: "${PGSHARD_CONFIG_DIR:?}" "${PGSHARD_STATE_DIR:?}" "${PGSHARD_RUN_DIR:?}"
: "${PGSHARD_SUPERUSER:?}" "${PGSHARD_SUPERUSER_PASSWORD:?}"
: "${PGSHARD_REPLICATION_USER:?}" "${PGSHARD_REPLICATION_PASSWORD:?}"
: "${PGSHARD_APP_USER:?}" "${PGSHARD_APP_PASSWORD:?}" "${PGSHARD_APP_DATABASE:?}"

log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) pgshard-run[$POD_NAME]: $*" >&2; }

umask 0077
ordinal="${POD_NAME##*-}"
mkdir -p "$PGSHARD_RUN_DIR"

# Credentials go to a passfile, never into argv or postgresql.conf.
passfile_field() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/:/\\:/g'; }
PGPASSFILE="$PGSHARD_RUN_DIR/pgpass"
{
  printf '*:*:*:%s:%s\n' "$(passfile_field "$PGSHARD_REPLICATION_USER")" \
    "$(passfile_field "$PGSHARD_REPLICATION_PASSWORD")"
  printf '*:*:*:%s:%s\n' "$(passfile_field "$PGSHARD_SUPERUSER")" \
    "$(passfile_field "$PGSHARD_SUPERUSER_PASSWORD")"
} > "$PGPASSFILE"
chmod 0600 "$PGPASSFILE"
export PGPASSFILE

sql_literal() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"; }
sql_ident() { printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')"; }

shard_initialized() {
  [ "$(cat "$PGSHARD_STATE_DIR/initialized" 2>/dev/null || true)" = "true" ]
}

primary_answers() {
  pg_isready -q -h "$PGSHARD_RW_HOST" -p "$PGPORT" -t 2
}

# A fenced primary's pod can be recreated before its successor is labelled: wait a while for a
# primary to answer, so it rewinds instead of starting on a timeline nobody follows. If nothing
# answers (the whole shard restarted), it starts as a standby and the operator decides.
primary_answers_within() {
  deadline=$(($(date +%s) + $1))
  until primary_answers; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      return 1
    fi
    sleep 1
  done
}

# initdb into a side directory and move it into place, so a crash half-way never leaves a
# data directory that looks usable.
bootstrap() {
  log "shard not initialized and ordinal 0: initdb"
  rm -rf "$PGDATA.new"
  pwfile="$PGSHARD_RUN_DIR/pwfile"
  printf '%s\n' "$PGSHARD_SUPERUSER_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA.new" --data-checksums --encoding=UTF8 --locale=C \
    --username="$PGSHARD_SUPERUSER" --pwfile="$pwfile" \
    --auth-local=peer --auth-host=scram-sha-256 >&2
  rm -f "$pwfile"
  # Roles and the application database are created in single-user mode: the instance never
  # listens on the network before they exist. Statements are read from stdin, not argv.
  # (-j: a statement ends with a semicolon followed by an empty line.)
  postgres --single -j -D "$PGDATA.new" postgres >/dev/null <<SQL
SET password_encryption = 'scram-sha-256';

CREATE ROLE $(sql_ident "$PGSHARD_REPLICATION_USER") WITH REPLICATION LOGIN PASSWORD $(sql_literal "$PGSHARD_REPLICATION_PASSWORD");

CREATE ROLE $(sql_ident "$PGSHARD_APP_USER") WITH LOGIN PASSWORD $(sql_literal "$PGSHARD_APP_PASSWORD");

CREATE DATABASE $(sql_ident "$PGSHARD_APP_DATABASE") OWNER $(sql_ident "$PGSHARD_APP_USER");

SQL
  mv "$PGDATA.new" "$PGDATA"
  log "initdb done"
}

# A new cluster restored from another cluster's backups (restore.env): backup.sh restores, recovers
# to the target and promotes into a side directory; the logins are then this cluster's (the restored
# catalog has the source's roles and passwords), in single-user mode as in bootstrap.
restore_from_backup() {
  log "shard not initialized and ordinal 0: restoring from another cluster's backups"
  sh "$PGSHARD_CONFIG_DIR/backup.sh" restore "$PGDATA.new" || exit 1
  postgres --single -j -D "$PGDATA.new" postgres >/dev/null <<SQL
SET password_encryption = 'scram-sha-256';

DO \$pgshard\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = $(sql_literal "$PGSHARD_SUPERUSER")) THEN EXECUTE format('CREATE ROLE %I', $(sql_literal "$PGSHARD_SUPERUSER")); END IF; END \$pgshard\$;

ALTER ROLE $(sql_ident "$PGSHARD_SUPERUSER") WITH SUPERUSER LOGIN PASSWORD $(sql_literal "$PGSHARD_SUPERUSER_PASSWORD");

DO \$pgshard\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = $(sql_literal "$PGSHARD_REPLICATION_USER")) THEN EXECUTE format('CREATE ROLE %I', $(sql_literal "$PGSHARD_REPLICATION_USER")); END IF; END \$pgshard\$;

ALTER ROLE $(sql_ident "$PGSHARD_REPLICATION_USER") WITH REPLICATION LOGIN PASSWORD $(sql_literal "$PGSHARD_REPLICATION_PASSWORD");

DO \$pgshard\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = $(sql_literal "$PGSHARD_APP_USER")) THEN EXECUTE format('CREATE ROLE %I', $(sql_literal "$PGSHARD_APP_USER")); END IF; END \$pgshard\$;

ALTER ROLE $(sql_ident "$PGSHARD_APP_USER") WITH LOGIN PASSWORD $(sql_literal "$PGSHARD_APP_PASSWORD");

SQL
  mv "$PGDATA.new" "$PGDATA"
  log "restore done"
}

# WAL that came with a clone is the primary's to archive (it does, archive_mode = always). Left
# without an archive status, a base backup on this standby would wait forever at its end for this
# standby to archive a segment it never will; marked .ready instead, this standby would upload the
# clone's possibly partial copy of the segment over the primary's complete one.
mark_cloned_wal_archived() {
  mkdir -p "$1/archive_status"
  for f in "$1"/*; do
    name="${f##*/}"
    case "$name" in
      ???????????????????????? | *.history)
        if [ -f "$f" ] && [ ! -e "$1/archive_status/$name.ready" ]; then
          touch "$1/archive_status/$name.done"
        fi
        ;;
    esac
  done
}

clone() {
  until primary_answers; do
    log "waiting for the primary at $PGSHARD_RW_HOST:$PGPORT"
    sleep 2
  done
  log "cloning from $PGSHARD_RW_HOST:$PGPORT"
  rm -rf "$PGDATA.new"
  pg_basebackup -D "$PGDATA.new" -h "$PGSHARD_RW_HOST" -p "$PGPORT" \
    -U "$PGSHARD_REPLICATION_USER" -w -X stream --checkpoint=fast >&2
  mark_cloned_wal_archived "$PGDATA.new/pg_wal"
  mv "$PGDATA.new" "$PGDATA"
  log "clone done"
}

# The state pg_controldata records: "in production" (a primary, running or crashed),
# "shut down" (stopped cleanly; as a primary), "shut down in recovery" / "in archive recovery"
# (a standby).
cluster_state() {
  pg_controldata "$PGDATA" | sed -n 's/^Database cluster state: *//p'
}

# A former primary must not start on its old timeline next to the new primary: its WAL past
# the fork point is rewound away (with pg_rewind, from the primary) before it follows. The same
# holds for a standby that received WAL from an old primary past the point where the new one
# forked off (it diverged): pg_rewind finds out, and does nothing when there is nothing to undo.
# What happened is left in $PGDATA/pgshard.rejoin for the operator (event and status).
rejoin() {
  state="$1"
  log "cluster state: $state; $PGSHARD_RW_HOST answers: rewinding to its history if diverged"
  rm -f "$PGDATA/standby.signal"
  if [ "$state" != "shut down" ] && [ "$state" != "shut down in recovery" ]; then
    # pg_rewind needs a cleanly stopped target: finish crash recovery in single-user mode
    log "finishing crash recovery in single-user mode"
    # with this start's settings: the file left by the last run may name paths that moved
    write_instance_settings
    postgres --single -D "$PGDATA" postgres < /dev/null >&2
  fi
  attempt=1
  while [ "$attempt" -le 3 ]; do
    # pg_rewind reads the source's timeline from its control file, which a just promoted
    # primary updates only at its next checkpoint: without one it sees no divergence
    psql -X -q -w -c CHECKPOINT \
      "host=$PGSHARD_RW_HOST port=$PGPORT user=$PGSHARD_SUPERUSER dbname=postgres connect_timeout=5" >&2 || true
    if pg_rewind --target-pgdata="$PGDATA" \
      --source-server="host=$PGSHARD_RW_HOST port=$PGPORT user=$PGSHARD_SUPERUSER dbname=postgres connect_timeout=5" \
      > "$PGSHARD_RUN_DIR/rewind.log" 2>&1; then
      cat "$PGSHARD_RUN_DIR/rewind.log" >&2
      if grep -q "no rewind required" "$PGSHARD_RUN_DIR/rewind.log"; then
        log "not diverged: no rewind required"
      else
        log "rewind done"
        rejoined rewound
      fi
      return 0
    fi
    cat "$PGSHARD_RUN_DIR/rewind.log" >&2
    log "pg_rewind failed (attempt $attempt of 3)"
    attempt=$((attempt + 1))
    sleep 2
  done
  log "rewind impossible: discarding the diverged data directory and cloning again"
  rm -rf "$PGDATA"
  clone
  rejoined recloned
}

# "<how> <time>" for the operator, which reports it once (event, status.instances[].rejoin).
rejoined() {
  printf '%s %s\n' "$1" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$PGDATA/pgshard.rejoin"
}

# libpq options of the replication connection: timeouts derived from the operator's failure
# detection (the ConfigMap's standby-conninfo), so a vanished primary is noticed as fast.
standby_conninfo() {
  if [ -s "$PGSHARD_CONFIG_DIR/standby-conninfo" ]; then
    tr -d "\n'" < "$PGSHARD_CONFIG_DIR/standby-conninfo"
  else
    printf 'connect_timeout=2 keepalives_idle=5 keepalives_interval=2 keepalives_count=3'
  fi
}

# Instance-specific settings, rewritten at every start (a clone carries its source's file).
write_instance_settings() {
  cat > "$PGDATA/postgresql.conf" <<CONF
# Written by pgshard run.sh at every start; edits here are lost.
include '$PGSHARD_CONFIG_DIR/postgresql.conf'
hba_file = '$PGSHARD_CONFIG_DIR/pg_hba.conf'
listen_addresses = '$POD_IP'
port = $PGPORT
unix_socket_directories = '$PGSHARD_RUN_DIR'
primary_conninfo = 'host=$PGSHARD_RW_HOST port=$PGPORT user=$PGSHARD_REPLICATION_USER passfile=$PGPASSFILE application_name=$POD_NAME $(standby_conninfo)'
recovery_target_timeline = 'latest'
archive_command = 'sh "$PGSHARD_CONFIG_DIR/backup.sh" archive "%p"'
pgshard.run_dir = '$PGSHARD_RUN_DIR'
CONF
}

write_instance_config() {
  write_instance_settings
  touch "$PGDATA/standby.signal"
}

# A switchover fences its old primary with ALTER SYSTEM (FenceStatements); the fence never
# outlives the run it was set in.
lift_fence() {
  if [ -f "$PGDATA/postgresql.auto.conf" ]; then
    sed -i -e '/^default_transaction_read_only[ =]/d' -e '/^synchronous_standby_names[ =]/d' \
      "$PGDATA/postgresql.auto.conf"
  fi
}

lift_fence
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ "$ordinal" = "0" ] && ! shard_initialized; then
    if [ -s "$PGSHARD_CONFIG_DIR/restore.env" ]; then
      restore_from_backup
    else
      bootstrap
    fi
  else
    clone
  fi
elif [ ! -f "$PGDATA/backup_label" ]; then
  # (a backup_label marks a clone or rewind that has not started yet: its pg_control still
  # describes its source, so it says nothing about this instance's own history)
  state="$(cluster_state)"
  case "$state" in
    "in production" | "shut down" | "shutting down" | "in crash recovery")
      # only when the rw Service answers: that is another instance (this one is not running)
      if primary_answers_within "${PGSHARD_REJOIN_WAIT_SECONDS:-20}"; then
        rejoin "$state"
      else
        log "no primary answers: starting as a standby; the operator decides whether to promote it"
      fi
      ;;
    "shut down in recovery")
      # a standby that stopped cleanly: rewound only if it diverged (no wait: nothing to fence)
      if primary_answers; then
        rejoin "$state"
      fi
      ;;
  esac
fi
write_instance_config
# a clone or rewind copied its source's filesystem size: the liveness probe writes this one's
rm -f "$PGDATA/pgshard.df"
log "starting PostgreSQL as a standby of $PGSHARD_RW_HOST"
exec postgres -D "$PGDATA"

#!/bin/sh
# pgshard's Barman Cloud commands (POSIX sh), run by PostgreSQL in the instance's container:
#
#   backup.sh archive <wal path>      archive_command (archive_mode = always: a standby archives
#                                     what it receives, so a segment its primary had not archived
#                                     when it failed is archived all the same); the last failure
#                                     is kept in $PGSHARD_RUN_DIR/backups/archive.last-error until
#                                     a segment is archived
#   backup.sh list                    the shard's base backups (Barman Cloud's JSON) into
#                                     $PGSHARD_RUN_DIR/backups/list.json, for the operator
#   backup.sh delete <backup id>      one base backup and the WAL only it needed (retention)
#   backup.sh restore <dir>           run.sh, when a new shard restores from another cluster's
#                                     backups (restore.env): the shard map checked, the base
#                                     backup fitting the target restored into <dir>, recovered to
#                                     the target, promoted and stopped
#   backup.sh base-backup <name>      started by the operator (COPY ... TO PROGRAM) on the instance
#                                     it chose, a standby when one is healthy; returns at once, the
#                                     backup runs detached and leaves its outcome in
#                                     $PGSHARD_RUN_DIR/backups/<name>.status:
#                                     "running <time>", "done <time>" or
#                                     "failed <time> <last line Barman printed>"
#
# Where to (backup.env in the shard's ConfigMap): PGSHARD_BACKUP_DESTINATION (s3://bucket/path/
# cluster), PGSHARD_BACKUP_SERVER (the shard), PGSHARD_BACKUP_ENDPOINT, PGSHARD_BACKUP_COMPRESSION,
# AWS_DEFAULT_REGION. Credentials come from the pod's environment (AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, from the Secret the spec names), never from a file pgshard writes.
set -eu
# no globbing: options come from unquoted command substitutions
set -f
: "${PGSHARD_CONFIG_DIR:?}" "${PGSHARD_RUN_DIR:?}"

settings="$PGSHARD_CONFIG_DIR/backup.env"

configured() {
  [ -s "$settings" ]
}

load_settings() {
  . "$settings"
  if [ -z "${AWS_ACCESS_KEY_ID:-}" ] || [ -z "${AWS_SECRET_ACCESS_KEY:-}" ]; then
    echo "pgshard-backup: backups are configured but this instance has no S3 credentials in its environment (it started before they were set: restart it)" >&2
    exit 1
  fi
  export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
}

# Options every Barman Cloud command takes: the endpoint.
cloud_options() {
  if [ -n "${PGSHARD_BACKUP_ENDPOINT:-}" ]; then
    printf '%s\n' --endpoint-url "$PGSHARD_BACKUP_ENDPOINT"
  fi
}

compression_option() {
  case "${PGSHARD_BACKUP_COMPRESSION:-none}" in
    gzip) printf '%s\n' --gzip ;;
    bzip2) printf '%s\n' --bzip2 ;;
  esac
}

now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

archive() {
  wal="${1:?usage: backup.sh archive <wal path>}"
  if ! configured; then
    # no backups: nothing keeps WAL, and PostgreSQL may recycle the segment
    exit 0
  fi
  dir="$PGSHARD_RUN_DIR/backups"
  mkdir -p "$dir"
  out="$dir/archive.out.$$"
  status=0
  (
    load_settings
    # shellcheck disable=SC2046 # one option per line, none with spaces
    barman-cloud-wal-archive $(cloud_options) $(compression_option) \
      "$PGSHARD_BACKUP_DESTINATION" "$PGSHARD_BACKUP_SERVER" "$wal"
  ) > "$out" 2>&1 || status=$?
  cat "$out" >&2
  # the last failure, for the operator (status, event): "<time> <segment>: <last line printed>"
  if [ "$status" -eq 0 ]; then
    rm -f "$dir/archive.last-error"
  else
    printf '%s %s: %s\n' "$(now)" "$(basename "$wal")" \
      "$(grep -v '^[[:space:]]*$' "$out" | tail -n 1 | tr -d '\r')" > "$dir/archive.last-error"
  fi
  rm -f "$out"
  exit "$status"
}

valid_name() {
  case "$1" in
    '' | *[!A-Za-z0-9_-]*) return 1 ;;
  esac
}

base_backup() {
  name="${1:-}"
  valid_name "$name" || { echo "pgshard-backup: invalid backup name '$name'" >&2; exit 2; }
  configured || { echo "pgshard-backup: no backup configured" >&2; exit 2; }
  dir="$PGSHARD_RUN_DIR/backups"
  mkdir -p "$dir"
  # a name is used once: asking again for a backup that runs, or ran, changes nothing
  if [ -s "$dir/$name.status" ]; then
    exit 0
  fi
  # one base backup at a time per instance; mkdir is atomic. A lock whose process is gone (the
  # container restarted under it) is stale: its backup is marked failed and the lock taken over.
  # (no pid yet: another call is starting it)
  pid="$(cat "$dir/lock/pid" 2>/dev/null || true)"
  if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
    stale="$(cat "$dir/lock/name" 2>/dev/null || true)"
    if [ -n "$stale" ] && grep -q '^running' "$dir/$stale.status" 2>/dev/null; then
      printf 'failed %s interrupted (its process is gone)\n' "$(now)" > "$dir/$stale.status"
    fi
    rm -rf "$dir/lock"
  fi
  if ! mkdir "$dir/lock" 2>/dev/null; then
    running="$(cat "$dir/lock/name" 2>/dev/null || true)"
    if [ "$running" = "$name" ]; then
      exit 0
    fi
    echo "pgshard-backup: base backup $running is running on this instance" >&2
    exit 3
  fi
  printf '%s\n' "$name" > "$dir/lock/name"
  printf 'running %s\n' "$(now)" > "$dir/$name.status"
  # detached: the operator's session returns now; the backup outlives it (and the operator)
  setsid sh "$0" run-base-backup "$name" > "$dir/$name.log" 2>&1 < /dev/null &
  printf '%s\n' "$!" > "$dir/lock/pid"
}

run_base_backup() {
  name="$1"
  dir="$PGSHARD_RUN_DIR/backups"
  status=0
  (
    load_settings
    # shellcheck disable=SC2046
    barman-cloud-backup $(cloud_options) $(compression_option) \
      --name "$name" -h "$POD_IP" -p "$PGPORT" -U "$PGSHARD_SUPERUSER" -d postgres \
      "$PGSHARD_BACKUP_DESTINATION" "$PGSHARD_BACKUP_SERVER"
  ) || status=$?
  if [ "$status" -eq 0 ]; then
    printf 'done %s\n' "$(now)" > "$dir/$name.status.new"
  else
    last="$(grep -v '^[[:space:]]*$' "$dir/$name.log" | tail -n 1 | tr -d '\r')"
    printf 'failed %s exit %s: %s\n' "$(now)" "$status" "$last" > "$dir/$name.status.new"
  fi
  mv "$dir/$name.status.new" "$dir/$name.status"
  rm -rf "$dir/lock"
}

# The shard's base backups as Barman Cloud lists them (JSON), left in $PGSHARD_RUN_DIR/backups/
# list.json for the operator to read (pg_read_file); on failure list.json holds {"error": ...}.
list_backups() {
  configured || { echo "pgshard-backup: no backup configured" >&2; exit 2; }
  dir="$PGSHARD_RUN_DIR/backups"
  mkdir -p "$dir"
  status=0
  (
    load_settings
    # shellcheck disable=SC2046
    barman-cloud-backup-list $(cloud_options) --format json \
      "$PGSHARD_BACKUP_DESTINATION" "$PGSHARD_BACKUP_SERVER"
  ) > "$dir/list.json.new" 2> "$dir/list.err" || status=$?
  if [ "$status" -ne 0 ]; then
    grep -v '^[[:space:]]*$' "$dir/list.err" | tail -n 1 \
      | python3 -c 'import json,sys; print(json.dumps({"error": sys.stdin.read().strip()}))' \
      > "$dir/list.json.new"
  fi
  mv "$dir/list.json.new" "$dir/list.json"
}

# Deletes base backup <id> of the shard, and the WAL only it needed (retention, decided by the
# operator). Synchronous; its last line goes to stderr on failure.
delete_backup() {
  id="${1:-}"
  valid_name "$id" || { echo "pgshard-backup: invalid backup id '$id'" >&2; exit 2; }
  configured || { echo "pgshard-backup: no backup configured" >&2; exit 2; }
  load_settings
  # shellcheck disable=SC2046
  barman-cloud-backup-delete $(cloud_options) -b "$id" \
    "$PGSHARD_BACKUP_DESTINATION" "$PGSHARD_BACKUP_SERVER" >&2
}

# --- restore (a new cluster's shard from another cluster's backups) ---

restore_settings="$PGSHARD_CONFIG_DIR/restore.env"

fail_restore() {
  echo "pgshard-restore: $*" >&2
  # what the kubelet shows as the container's last termination message (and the operator reports)
  (printf 'pgshard-restore: %s\n' "$*" > /dev/termination-log) 2>/dev/null || true
  exit 1
}

restore_options() {
  if [ -n "${PGSHARD_RESTORE_ENDPOINT:-}" ]; then
    printf '%s\n' --endpoint-url "$PGSHARD_RESTORE_ENDPOINT"
  fi
}

epoch() { date -u -d "$1" +%s; }
now_ms() { date +%s%3N; }

load_restore_settings() {
  [ -s "$restore_settings" ] || fail_restore "no restore configured"
  . "$restore_settings"
}

# Runs a Barman Cloud command with the source's keys, in a subshell: the instance's own keys (this
# cluster's archive) stay in the environment PostgreSQL inherits.
with_source_keys() {
  (
    export AWS_ACCESS_KEY_ID="${PGSHARD_RESTORE_ACCESS_KEY_ID:-}"
    export AWS_SECRET_ACCESS_KEY="${PGSHARD_RESTORE_SECRET_ACCESS_KEY:-}"
    export AWS_DEFAULT_REGION="${PGSHARD_RESTORE_REGION:-us-east-1}"
    "$@"
  )
}

# restore_command of a recovering restore: one segment (or history file) from the source
restore_wal() {
  load_restore_settings
  # shellcheck disable=SC2046
  with_source_keys barman-cloud-wal-restore $(restore_options) \
    "$PGSHARD_RESTORE_SOURCE" "$PGSHARD_RESTORE_SERVER" "$1" "$2"
}

# The backup to start from, read from barman-cloud-backup-list's JSON on stdin: the newest completed
# one that ended at or before $1 (epoch seconds), the oldest with $1 = oldest, the newest with
# $1 = latest. Prints "<backup id> <end time>", nothing when none fits.
choose_backup() {
  python3 -c '
import calendar, json, sys, time
limit = sys.argv[1]
done = []
for b in json.load(sys.stdin)["backups_list"]:
    if b.get("status") == "DONE" and b.get("end_time"):
        end = calendar.timegm(time.strptime(b["end_time"], "%a %b %d %H:%M:%S %Y"))
        done.append((end, b["backup_id"], b["end_time"]))
done.sort()
if limit == "latest":
    pick = done[-1:]
elif limit == "oldest":
    pick = done[:1]
else:
    pick = [d for d in done if d[0] <= int(limit)][-1:]
if pick:
    print(pick[0][1], pick[0][2].replace(" ", "_"))
' "$1"
}

# Restores base backup and WAL of $PGSHARD_RESTORE_SERVER into $1 and recovers it to the target,
# then ends recovery (a new timeline) and stops. The source is only read. The shard map is checked
# first: the source has this shard and, for the last shard, not one more.
restore() {
  dir="${1:?usage: backup.sh restore <new data directory>}"
  [ -s "$restore_settings" ] || fail_restore "no restore configured"
  load_restore_settings
  [ -n "${PGSHARD_RESTORE_ACCESS_KEY_ID:-}" ] && [ -n "${PGSHARD_RESTORE_SECRET_ACCESS_KEY:-}" ] \
    || fail_restore "no S3 credentials for the source's backups in the environment"
  src="$PGSHARD_RESTORE_SOURCE"
  server="$PGSHARD_RESTORE_SERVER"
  out="$PGSHARD_RUN_DIR/restore.out"

  # shellcheck disable=SC2046
  if ! with_source_keys barman-cloud-backup-list $(restore_options) --format json "$src" "$server" > "$out" 2> "$out.err"; then
    fail_restore "cannot list the backups of $server in $src: $(grep -v '^[[:space:]]*$' "$out.err" | tail -n 1)"
  fi
  if [ -n "${PGSHARD_RESTORE_NEXT_SERVER:-}" ]; then
    # shellcheck disable=SC2046
    if with_source_keys barman-cloud-backup-list $(restore_options) --format json "$src" "$PGSHARD_RESTORE_NEXT_SERVER" 2>/dev/null \
      | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["backups_list"] else 1)'; then
      fail_restore "$src has backups of $PGSHARD_RESTORE_NEXT_SERVER: the source had more shards than this cluster, so its hash ranges differ; restore into a cluster with as many shards"
    fi
  fi
  if [ -n "${PGSHARD_RESTORE_TARGET_TIME:-}" ]; then
    limit="$(epoch "$PGSHARD_RESTORE_TARGET_TIME")" || fail_restore "cannot read target time $PGSHARD_RESTORE_TARGET_TIME"
  elif [ -n "${PGSHARD_RESTORE_POINT_TIME:-}" ]; then
    limit="$(epoch "$PGSHARD_RESTORE_POINT_TIME")" || fail_restore "cannot read $PGSHARD_RESTORE_POINT_TIME"
  elif [ -n "${PGSHARD_RESTORE_TARGET_NAME:-}" ]; then
    # when the point was made is not known: the oldest backup is before it if any is
    limit=oldest
  else
    limit=latest
  fi
  chosen="$(choose_backup "$limit" < "$out")"
  if [ -z "$chosen" ]; then
    if grep -q '"status": "DONE"' "$out"; then
      fail_restore "no completed backup of $server ended at or before ${PGSHARD_RESTORE_TARGET_TIME:-$PGSHARD_RESTORE_POINT_TIME}: the target is earlier than the first backup"
    fi
    fail_restore "no completed base backup of $server in $src (is it a pgshard cluster with backups, with as many shards?)"
  fi
  backup_id="${chosen%% *}"
  echo "pgshard-restore: restoring $server backup $backup_id (ended ${chosen#* }) from $src" >&2

  rm -rf "$dir"
  started_ms="$(now_ms)"
  # shellcheck disable=SC2046
  with_source_keys barman-cloud-restore $(restore_options) "$src" "$server" "$backup_id" "$dir" > "$out" 2>&1 \
    || fail_restore "barman-cloud-restore of $backup_id failed: $(grep -v '^[[:space:]]*$' "$out" | tail -n 1)"
  chmod 700 "$dir"
  fetched_ms="$(now_ms)"
  echo "pgshard-restore: fetched $backup_id: $(du -sb "$dir" | cut -f1) bytes in $((fetched_ms - started_ms)) ms" >&2
  rm -f "$dir/standby.signal" "$dir/recovery.signal" "$dir/postmaster.pid" "$dir/backup_label.old"
  if [ -f "$dir/postgresql.auto.conf" ]; then
    sed -i -e '/^default_transaction_read_only[ =]/d' -e '/^synchronous_standby_names[ =]/d' \
      "$dir/postgresql.auto.conf"
  fi
  # this cluster's settings, listening on its socket only; archive_mode on (not always): nothing is
  # archived while recovering, the new timeline's WAL goes to this cluster's own archive
  {
    printf "include '%s'\n" "$PGSHARD_CONFIG_DIR/postgresql.conf"
    printf "hba_file = '%s'\n" "$PGSHARD_CONFIG_DIR/pg_hba.conf"
    printf "listen_addresses = ''\n"
    printf "unix_socket_directories = '%s'\n" "$PGSHARD_RUN_DIR"
    printf "port = %s\n" "$PGPORT"
    printf "archive_mode = on\n"
    printf "archive_command = 'sh \"%s/backup.sh\" archive \"%%p\"'\n" "$PGSHARD_CONFIG_DIR"
    printf "pgshard.run_dir = '%s'\n" "$PGSHARD_RUN_DIR"
    printf "restore_command = 'sh \"%s/backup.sh\" restore-wal \"%%f\" \"%%p\"'\n" "$PGSHARD_CONFIG_DIR"
    if [ -n "${PGSHARD_RESTORE_TARGET_NAME:-}" ]; then
      printf "recovery_target_name = '%s'\n" "$PGSHARD_RESTORE_TARGET_NAME"
    elif [ -n "${PGSHARD_RESTORE_TARGET_TIME:-}" ]; then
      printf "recovery_target_time = '%s'\n" "$PGSHARD_RESTORE_TARGET_TIME"
    fi
    printf "recovery_target_action = 'promote'\n"
  } > "$dir/postgresql.conf"
  touch "$dir/recovery.signal"
  log="$PGSHARD_RUN_DIR/restore-recovery.log"
  # no wait: recovery may take longer than pg_ctl would wait for connections
  pg_ctl -D "$dir" -l "$log" -W start > /dev/null
  # promoted (recovery.signal removed by PostgreSQL) once the target is reached; a server that
  # exits first did not reach it (or could not read the archive)
  waited=0
  until [ -s "$dir/postmaster.pid" ]; do
    waited=$((waited + 1))
    [ "$waited" -le 120 ] || fail_restore "the recovering instance did not start: $(tail -n 1 "$log")"
    sleep 0.5
  done
  postmaster="$(head -n 1 "$dir/postmaster.pid")"
  # promoted: the end-of-recovery checkpoint is written and pg_control says "in production" (the
  # signal file goes earlier; stopped then, the next start would replay all of pg_wal, target or not)
  while [ "$(pg_controldata "$dir" | sed -n 's/^Database cluster state: *//p')" != "in production" ]; do
    if ! kill -0 "$postmaster" 2>/dev/null; then
      sleep 1
      if [ "$(pg_controldata "$dir" | sed -n 's/^Database cluster state: *//p')" != "in production" ]; then
        fail_restore "recovery of $server stopped before the target: $(grep -E 'FATAL|PANIC' "$log" \
          | grep -v -e 'database system is starting up' -e 'not yet accepting connections' | tail -n 1)"
      fi
    fi
    sleep 1
  done
  pg_ctl -D "$dir" -m fast -w -t 300 stop > /dev/null \
    || fail_restore "the recovered instance did not stop: $(tail -n 1 "$log")"
  if [ -n "${PGSHARD_RESTORE_TARGET_NAME:-}${PGSHARD_RESTORE_TARGET_TIME:-}" ] \
    && ! grep -q 'recovery stopping' "$log"; then
    fail_restore "recovery of $server ended without stopping at its target (no 'recovery stopping' in its log)"
  fi
  echo "pgshard-restore: $server recovered to ${PGSHARD_RESTORE_TARGET_NAME:-${PGSHARD_RESTORE_TARGET_TIME:-the end of its archive}} in $(($(now_ms) - fetched_ms)) ms (restore $(($(now_ms) - started_ms)) ms in all)" >&2
}

command="${1:-}"
[ "$#" -gt 0 ] && shift
case "$command" in
  archive) archive "$@" ;;
  base-backup) base_backup "$@" ;;
  run-base-backup) run_base_backup "$@" ;;
  list) list_backups "$@" ;;
  delete) delete_backup "$@" ;;
  restore) restore "$@" ;;
  restore-wal) restore_wal "$@" ;;
  *)
    echo "usage: backup.sh archive <wal path> | base-backup <name> | restore <data directory>" >&2
    exit 2
    ;;
esac

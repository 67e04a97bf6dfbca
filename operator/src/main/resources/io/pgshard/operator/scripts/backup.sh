#!/bin/sh
# pgshard's Barman Cloud commands (POSIX sh), run by PostgreSQL in the instance's container:
#
#   backup.sh archive <wal path>      archive_command (archive_mode = always: a standby archives
#                                     what it receives, so a segment its primary had not archived
#                                     when it failed is archived all the same); the last failure
#                                     is kept in $PGSHARD_RUN_DIR/backups/archive.last-error until
#                                     a segment is archived
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

command="${1:-}"
[ "$#" -gt 0 ] && shift
case "$command" in
  archive) archive "$@" ;;
  base-backup) base_backup "$@" ;;
  run-base-backup) run_base_backup "$@" ;;
  *)
    echo "usage: backup.sh archive <wal path> | base-backup <name>" >&2
    exit 2
    ;;
esac

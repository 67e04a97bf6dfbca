#!/bin/sh
# pgshard pooler entrypoint (POSIX sh): fills in the pod's address and the auth file, then runs
# PgBouncer in the foreground. Shipped in the shard's pooler ConfigMap. The auth file holds the
# application's user and the admin console's user (a pooler-only user, not a PostgreSQL role): the
# superuser's password never reaches a pooler.
#   POD_IP PGSHARD_CONFIG_DIR PGSHARD_RUN_DIR
#   PGSHARD_APP_USER PGSHARD_APP_PASSWORD PGSHARD_POOLER_ADMIN_USER PGSHARD_POOLER_ADMIN_PASSWORD
set -eu
: "${POD_IP:?}" "${PGSHARD_CONFIG_DIR:?}" "${PGSHARD_RUN_DIR:?}"
: "${PGSHARD_APP_USER:?}" "${PGSHARD_APP_PASSWORD:?}"
: "${PGSHARD_POOLER_ADMIN_USER:?}" "${PGSHARD_POOLER_ADMIN_PASSWORD:?}"

umask 0077
mkdir -p "$PGSHARD_RUN_DIR"
userlist_field() { printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')"; }
{
  printf '%s %s\n' "$(userlist_field "$PGSHARD_APP_USER")" "$(userlist_field "$PGSHARD_APP_PASSWORD")"
  printf '%s %s\n' "$(userlist_field "$PGSHARD_POOLER_ADMIN_USER")" "$(userlist_field "$PGSHARD_POOLER_ADMIN_PASSWORD")"
} > "$PGSHARD_RUN_DIR/userlist.txt"
sed -e "s|@POD_IP@|$POD_IP|g" -e "s|@RUN_DIR@|$PGSHARD_RUN_DIR|g" \
  "$PGSHARD_CONFIG_DIR/pgbouncer.ini" > "$PGSHARD_RUN_DIR/pgbouncer.ini"
exec pgbouncer "$PGSHARD_RUN_DIR/pgbouncer.ini"

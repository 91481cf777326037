#!/usr/bin/env bash
# A throwaway PostgreSQL for the HQ tests, from Debian's packages, on loopback only.
#   scripts/test-postgres.sh start   # prints the URL to put in STOREKEEP_TEST_PG
#   scripts/test-postgres.sh stop
# The cluster lives in /tmp (fsync off: test data only). Run as root (CI), it runs as the
# `postgres` user the Debian package creates, since PostgreSQL refuses to run as root.
set -euo pipefail
PORT="${STOREKEEP_PG_PORT:-55432}"
DIR="${STOREKEEP_PG_DIR:-/tmp/storekeep-test-pg-$PORT}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$BIN/initdb" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-}" in
  start)
    if ! [ -f "$DIR/PG_VERSION" ]; then
      mkdir -p "$DIR"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
      as_pg "$BIN/initdb" -D "$DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_pg "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
      as_pg "$BIN/pg_ctl" -D "$DIR" -w -l "$DIR/server.log" \
        -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
    fi
    echo "postgres://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    if [ -f "$DIR/PG_VERSION" ]; then as_pg "$BIN/pg_ctl" -D "$DIR" -m fast stop >/dev/null 2>&1 || true; fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

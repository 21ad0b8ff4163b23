#!/usr/bin/env bash
# Starts a local PostgreSQL server for the lineage store's *PostgresTest classes
# and prints the environment they read, so that CI (or a developer) can run:
#
#   eval "$(.ci/start-postgres.sh)"
#   mvn -pl lineage -am verify -Dtest='*PostgresTest' -Dsurefire.failIfNoSpecifiedTests=false
#
# Idempotent: installs PostgreSQL from Debian packages only when missing, starts
# the cluster only when it is down, creates the role and database only once.
# Needs root (apt-get, and to act as the postgres user). Messages go to stderr;
# stdout carries only the export lines.
set -euo pipefail

PORT="${KILN_PG_PORT:-5432}"
DB="${KILN_PG_DB:-kiln_test}"
USER_NAME="${KILN_PG_USER:-kiln}"
PASSWORD="${KILN_PG_PASSWORD:-kiln}"

log() { echo "start-postgres: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  log "must run as root (it installs packages and runs commands as the postgres user)"
  exit 1
fi

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  log "PostgreSQL is not installed; installing it from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi

as_postgres() { su postgres -s /bin/sh -c "$1"; }

if command -v pg_lsclusters >/dev/null 2>&1; then
  # Debian's postgresql-common: one cluster per version, managed by pg_ctlcluster.
  VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n1)"
  if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main"' | grep -q .; then
    log "creating cluster $VERSION/main on port $PORT"
    pg_createcluster "$VERSION" main --port "$PORT" >&2
  fi
  STATUS="$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $4}')"
  if [ "$STATUS" != "online" ]; then
    log "starting cluster $VERSION/main"
    pg_ctlcluster "$VERSION" main start >&2
  else
    log "cluster $VERSION/main is already running"
  fi
else
  # Plain PostgreSQL without postgresql-common: our own data folder, pg_ctl as postgres.
  BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
  DATA="${KILN_PG_DATA:-/var/lib/postgresql/kiln-ci}"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    log "initialising $DATA"
    mkdir -p "$DATA" && chown postgres:postgres "$DATA"
    as_postgres "$BIN/initdb -D '$DATA' --auth-local=trust --auth-host=scram-sha-256 >/dev/null"
  fi
  if ! as_postgres "$BIN/pg_ctl -D '$DATA' status" >/dev/null 2>&1; then
    log "starting server from $DATA"
    as_postgres "$BIN/pg_ctl -D '$DATA' -l '$DATA/server.log' -o \"-p $PORT -k /tmp -h 127.0.0.1\" -w start" >&2
  fi
fi

log "waiting for 127.0.0.1:$PORT"
for _ in $(seq 1 60); do
  if pg_isready -q -h 127.0.0.1 -p "$PORT"; then break; fi
  sleep 1
done
pg_isready -h 127.0.0.1 -p "$PORT" >&2

psql_admin() { as_postgres "psql -X -q -v ON_ERROR_STOP=1 -p $PORT -d postgres -tAc \"$1\""; }

if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname = '$USER_NAME'")" != "1" ]; then
  log "creating role $USER_NAME"
  psql_admin "CREATE ROLE $USER_NAME LOGIN PASSWORD '$PASSWORD'"
else
  psql_admin "ALTER ROLE $USER_NAME LOGIN PASSWORD '$PASSWORD'"
fi
if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != "1" ]; then
  log "creating database $DB owned by $USER_NAME"
  psql_admin "CREATE DATABASE $DB OWNER $USER_NAME"
fi

# Check the credentials the tests will use, over TCP as they will.
PGPASSWORD="$PASSWORD" psql -X -q -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d "$DB" -tAc "SELECT 1" >/dev/null
log "ready: database $DB on 127.0.0.1:$PORT, user $USER_NAME"

echo "export KILN_TEST_PG_URL=jdbc:postgresql://127.0.0.1:$PORT/$DB"
echo "export KILN_TEST_PG_USER=$USER_NAME"
echo "export KILN_TEST_PG_PASSWORD=$PASSWORD"

#!/usr/bin/env bash
# A private PostgreSQL cluster for the tests: its own data directory (artifacts/postgres/data), listening only on
# 127.0.0.1:55432 (ENSEMBLE_TEST_POSTGRES_PORT overrides) and on a socket in artifacts/postgres, trust auth for
# local connections, database ensemble_test. Installs Debian's postgresql when no server is installed.
#   scripts/test-postgres.sh start|stop|restart|status
# start (idempotent) prints the Npgsql connection string on stdout; everything else goes to stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${ENSEMBLE_TEST_POSTGRES_PORT:-55432}"
DATABASE=ensemble_test
BASE="$ROOT/artifacts/postgres"
say() { echo "test-postgres: $*" >&2; }

# The server refuses to run as root: as root, every server command runs as the postgres OS user.
as_server_user() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

find_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
  [[ -n "$dir" && -x "$dir/pg_ctl" ]] && echo "$dir"
}

install_server() {
  say "no PostgreSQL server found; installing Debian's postgresql"
  local sudo=""
  [[ $(id -u) == 0 ]] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # Only our private cluster: no default "main" cluster started on port 5432.
  $sudo mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.d/ensemble-tests.conf >/dev/null
  if ! $sudo apt-get install -y -qq --no-install-recommends postgresql >&2; then
    $sudo apt-get update -qq >&2
    $sudo apt-get install -y -qq --no-install-recommends postgresql >&2
  fi
}

BIN="$(find_bin || true)"
if [[ -z "$BIN" ]]; then
  [[ "${1:-}" == start || "${1:-}" == restart ]] || { say "no PostgreSQL server is installed"; exit 1; }
  install_server
  BIN="$(find_bin || true)"
  [[ -n "$BIN" ]] || { say "installing postgresql gave no /usr/lib/postgresql/*/bin/pg_ctl"; exit 1; }
fi

# The server user must reach the data directory. Under a home directory it may not (mode 700): then the cluster
# lives in a directory of its own under /tmp, named after this checkout.
mkdir -p "$BASE"
if [[ $(id -u) == 0 ]] && ! runuser -u postgres -- test -x "$BASE" 2>/dev/null; then
  BASE="${TMPDIR:-/tmp}/ensemble-test-postgres-$(echo -n "$ROOT" | sha256sum | cut -c1-12)"
  say "the postgres user cannot reach $ROOT/artifacts; using $BASE"
fi
DATA="$BASE/data"
SOCKET="$BASE/socket"
LOG="$BASE/postgres.log"
CONNECTION="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=$DATABASE"

# As root, hands the paths to the server user.
own() { if [[ $(id -u) == 0 ]]; then chown postgres: "$@"; fi; }

running() { [[ -f "$DATA/PG_VERSION" ]] && as_server_user "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

init_cluster() {
  [[ -f "$DATA/PG_VERSION" ]] && return 0
  say "creating the cluster in $DATA"
  mkdir -p "$BASE" "$SOCKET"
  own "$BASE" "$SOCKET"
  as_server_user "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$BASE/initdb.log" 2>&1 \
    || { cat "$BASE/initdb.log" >&2; exit 1; }
  # A throwaway cluster for tests: durability off for speed, reachable only from this machine.
  cat >>"$DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCKET'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
  cat >"$DATA/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
}

start() {
  init_cluster
  if ! running; then
    mkdir -p "$SOCKET"
    touch "$LOG"
    own "$SOCKET" "$LOG"
    say "starting PostgreSQL on 127.0.0.1:$PORT"
    if ! as_server_user "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null; then
      say "PostgreSQL did not start; the end of $LOG:"
      tail -n 20 "$LOG" >&2
      exit 1
    fi
  fi
  if ! as_server_user "$BIN/psql" -h "$SOCKET" -p "$PORT" -U postgres -d postgres -tAc \
       "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" | grep -q 1; then
    as_server_user "$BIN/createdb" -h "$SOCKET" -p "$PORT" -U postgres "$DATABASE"
  fi
  echo "$CONNECTION"
}

stop() {
  if running; then
    say "stopping PostgreSQL on 127.0.0.1:$PORT"
    as_server_user "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status)
    if running; then say "running on 127.0.0.1:$PORT ($DATA)"; echo "$CONNECTION"; else say "not running"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# PgBouncer (Debian's `pgbouncer` package) in transaction pooling mode in front of the local Postgres,
# for CI's integration run and for development: every database of the server is reachable through it
# (a `*` wildcard), including the per-test databases the suite creates while it runs.
#
#   bash scripts/pgbouncer/pgbouncer.sh start    # install pgbouncer if missing, write the config, start, wait for ready
#   bash scripts/pgbouncer/pgbouncer.sh stop     # stop the pgbouncer started by `start` and wait for it to exit
#   bash scripts/pgbouncer/pgbouncer.sh status   # exit 0 when it runs and answers a query through to Postgres
#
# Then: TEST_DATABASE_URL=postgres://postgres@127.0.0.1:6432/postgres npm run test:integration
# Pools and clients: psql -h 127.0.0.1 -p 6432 -U postgres pgbouncer -c 'SHOW POOLS'
#
# Environment (defaults in brackets):
#   PGBOUNCER_PORT [6432]                 where it listens (127.0.0.1 only)
#   PGBOUNCER_TARGET_HOST [127.0.0.1]     the Postgres server behind it
#   PGBOUNCER_TARGET_PORT [5432]
#   PGBOUNCER_POOL_MODE [transaction]     transaction | session | statement
#   PGBOUNCER_POOL_SIZE [20]              default_pool_size: server connections per (database, user)
#   PGBOUNCER_RESERVE_POOL [5]            reserve_pool_size (used after reserve_pool_timeout=3s of waiting)
#   PGBOUNCER_MAX_CLIENT_CONN [1000]      max_client_conn: client connections, all pools together
#   PGBOUNCER_MAX_USER_CONN [50]          max_user_connections: server connections of one user, all databases
#                                         together (keep it under Postgres's max_connections minus what else uses it)
#   PGBOUNCER_MAX_DB_CONN [0]             max_db_connections: per database, 0 = unlimited
#   PGBOUNCER_QUERY_WAIT_TIMEOUT [120]    seconds a client may wait for a server connection before an error
#   PGBOUNCER_IGNORE_STARTUP [extra_float_digits]
#                                         ignore_startup_parameters. node-postgres sends only user, database and
#                                         application_name (which PgBouncer tracks itself), so nothing is needed
#                                         for the functions; `options` is deliberately not ignored: a URL with
#                                         ?options=-c search_path=... would silently lose it.
#   PGBOUNCER_USERS [postgres]            users written to the auth file (auth_type = trust)
#   PGBOUNCER_RUN_AS [postgres]           the OS user it runs as when this script runs as root
#                                         (pgbouncer refuses to run as root)
#   PGBOUNCER_DIR [.data/pgbouncer]       config, auth file, pid file and log
#   PGBOUNCER_START_TIMEOUT [30]          seconds
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
cd "$ROOT"

HOST=127.0.0.1
PGBOUNCER_PORT="${PGBOUNCER_PORT:-6432}"
TARGET_HOST="${PGBOUNCER_TARGET_HOST:-127.0.0.1}"
TARGET_PORT="${PGBOUNCER_TARGET_PORT:-5432}"
POOL_MODE="${PGBOUNCER_POOL_MODE:-transaction}"
POOL_SIZE="${PGBOUNCER_POOL_SIZE:-20}"
RESERVE_POOL="${PGBOUNCER_RESERVE_POOL:-5}"
MAX_CLIENT_CONN="${PGBOUNCER_MAX_CLIENT_CONN:-1000}"
MAX_USER_CONN="${PGBOUNCER_MAX_USER_CONN:-50}"
MAX_DB_CONN="${PGBOUNCER_MAX_DB_CONN:-0}"
QUERY_WAIT_TIMEOUT="${PGBOUNCER_QUERY_WAIT_TIMEOUT:-120}"
IGNORE_STARTUP="${PGBOUNCER_IGNORE_STARTUP:-extra_float_digits}"
USERS="${PGBOUNCER_USERS:-postgres}"
RUN_AS="${PGBOUNCER_RUN_AS:-postgres}"
PGB_DIR="${PGBOUNCER_DIR:-.data/pgbouncer}"
START_TIMEOUT="${PGBOUNCER_START_TIMEOUT:-30}"
PGBOUNCER="${PGBOUNCER:-}"

case "$PGB_DIR" in /*) ;; *) PGB_DIR="$ROOT/$PGB_DIR" ;; esac
CONFIG="$PGB_DIR/pgbouncer.ini"
AUTH_FILE="$PGB_DIR/userlist.txt"
PID_FILE="$PGB_DIR/pgbouncer.pid"
LOG_FILE="$PGB_DIR/pgbouncer.log"

log() { echo "pgbouncer: $*" >&2; }
die() { echo "pgbouncer: error: $*" >&2; exit 1; }

usage() {
  echo "usage: bash scripts/pgbouncer/pgbouncer.sh start|stop|status" >&2
  exit 2
}

# --- process helpers -------------------------------------------------------------------------------

# Prints the pid from the pid file when that process is alive and is a pgbouncer (not a reused pid).
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'pgbouncer' || return 1
  fi
  echo "$pid"
}

port_open() {
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

log_tail() {
  if [[ -f "$LOG_FILE" ]]; then
    echo "----- last 40 lines of $LOG_FILE -----" >&2
    tail -n 40 "$LOG_FILE" >&2 || true
    echo "-----" >&2
  fi
}

# True when a query goes through PgBouncer to Postgres (psql), or at least the port accepts (no psql).
answers() {
  if command -v psql >/dev/null 2>&1; then
    PGCONNECT_TIMEOUT=3 psql -X -q -h "$HOST" -p "$PGBOUNCER_PORT" -U "${USERS%% *}" -d postgres -Atc 'SELECT 1' >/dev/null 2>&1
  else
    port_open "$PGBOUNCER_PORT"
  fi
}

# --- prerequisites ----------------------------------------------------------------------------------

# Finding or installing pgbouncer, and its configuration files.
source "$SCRIPT_DIR/setup.sh"

cmd_start() {
  local pid
  if pid="$(running_pid)"; then
    if answers; then
      echo "pgbouncer ready on $HOST:$PGBOUNCER_PORT (already running, pid $pid)"
      return 0
    fi
    log "pgbouncer pid $pid runs but does not answer; restarting it"
    cmd_stop >/dev/null
  fi
  rm -f "$PID_FILE"
  port_open "$PGBOUNCER_PORT" && die "$HOST:$PGBOUNCER_PORT is already in use by another process (Debian's own pgbouncer service? set PGBOUNCER_PORT)"
  port_open "$TARGET_PORT" || [[ "$TARGET_HOST" != "$HOST" ]] || log "warning: nothing listens on $TARGET_HOST:$TARGET_PORT (Postgres not started?)"

  install_pgbouncer
  local bin
  bin="$(find_pgbouncer)"
  mkdir -p "$PGB_DIR"
  if [[ "$(id -u)" == 0 ]]; then
    id "$RUN_AS" >/dev/null 2>&1 || die "pgbouncer refuses to run as root and user '$RUN_AS' does not exist (set PGBOUNCER_RUN_AS)"
  fi
  write_config
  : >"$LOG_FILE"
  [[ "$(id -u)" == 0 ]] && chown "$RUN_AS" "$LOG_FILE"

  # -d: it daemonizes itself and writes the pid file; as root, -u switches to $RUN_AS
  # (it exits with "PgBouncer should not run as root" otherwise).
  local args=(-d "$CONFIG")
  [[ "$(id -u)" == 0 ]] && args=(-d -u "$RUN_AS" "$CONFIG")
  local out
  if ! out="$("$bin" "${args[@]}" 2>&1)"; then
    log "pgbouncer did not start: $out"
    log_tail
    exit 1
  fi

  local end=$((SECONDS + START_TIMEOUT))
  pid=""
  while ((SECONDS < end)); do
    pid="$(running_pid || true)"
    if [[ -n "$pid" ]] && answers; then
      local version
      version="$("$bin" --version 2>/dev/null | head -n1 || true)"
      log "started (pid $pid, $version, $POOL_MODE pooling, default_pool_size=$POOL_SIZE, max_client_conn=$MAX_CLIENT_CONN, max_user_connections=$MAX_USER_CONN, log ${LOG_FILE#"$ROOT"/})"
      echo "pgbouncer ready on $HOST:$PGBOUNCER_PORT -> $TARGET_HOST:$TARGET_PORT"
      return 0
    fi
    # The pid file is written by the daemon a moment after it forks: only a pid in it that is gone means an exit.
    local written
    written="$(tr -dc '0-9' <"$PID_FILE" 2>/dev/null || true)"
    if [[ -z "$pid" && -n "$written" ]] && ! kill -0 "$written" 2>/dev/null; then
      log "pgbouncer exited during startup"
      log_tail
      rm -f "$PID_FILE"
      exit 1
    fi
    sleep 0.2
  done
  log "pgbouncer did not answer within ${START_TIMEOUT}s"
  log_tail
  cmd_stop >/dev/null || true
  exit 1
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    echo "pgbouncer not running"
    return 0
  fi
  # PgBouncer 1.18: SIGINT = safe shutdown (waits for running transactions), SIGTERM = immediate.
  kill -INT "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 100; i++)); do # up to 10 s
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid still alive after 10s of safe shutdown; shutting down immediately (SIGTERM)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid still alive; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$PID_FILE"
  echo "pgbouncer stopped (pid $pid)"
}

cmd_status() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "pgbouncer not running"
    return 1
  fi
  if answers; then
    echo "pgbouncer running (pid $pid) on $HOST:$PGBOUNCER_PORT -> $TARGET_HOST:$TARGET_PORT"
    return 0
  fi
  echo "pgbouncer process running (pid $pid) but a query through $HOST:$PGBOUNCER_PORT does not answer; see ${LOG_FILE#"$ROOT"/}"
  return 2
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) usage ;;
esac

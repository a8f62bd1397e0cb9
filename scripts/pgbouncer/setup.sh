# Sourced by pgbouncer.sh: finding or installing Debian's pgbouncer, and writing its configuration
# (pgbouncer.ini and the auth file) under $PGB_DIR from the PGBOUNCER_* settings read there.
# shellcheck shell=bash

find_pgbouncer() {
  if [[ -n "$PGBOUNCER" ]]; then echo "$PGBOUNCER"; return; fi
  command -v pgbouncer 2>/dev/null && return
  [[ -x /usr/sbin/pgbouncer ]] && { echo /usr/sbin/pgbouncer; return; }
  return 1
}

install_pgbouncer() {
  find_pgbouncer >/dev/null && return 0
  command -v apt-get >/dev/null 2>&1 || die "pgbouncer not found and no apt-get to install it (set PGBOUNCER=/path/to/pgbouncer)"
  local sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "pgbouncer not found; install it: apt-get install -y pgbouncer"
    sudo=(sudo)
  fi
  log "installing Debian's pgbouncer (apt-get install -y pgbouncer) ..."
  mkdir -p "$PGB_DIR"
  # policy-rc.d 101: the package's own service is not started (it would take port 6432 with /etc/pgbouncer's config).
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ "$(id -u)" == 0 && ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
  fi
  local rc=0
  DEBIAN_FRONTEND=noninteractive ${sudo[@]+"${sudo[@]}"} apt-get install -y -qq pgbouncer >"$PGB_DIR/apt.log" 2>&1 || rc=$?
  if ((rc != 0)); then
    log "apt-get install failed; running apt-get update and trying again"
    { DEBIAN_FRONTEND=noninteractive ${sudo[@]+"${sudo[@]}"} apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive ${sudo[@]+"${sudo[@]}"} apt-get install -y -qq pgbouncer; } >>"$PGB_DIR/apt.log" 2>&1 || rc=$?
    [[ $rc == 0 ]] || true
  fi
  ((created_policy)) && rm -f "$policy"
  find_pgbouncer >/dev/null || { tail -n 20 "$PGB_DIR/apt.log" >&2 || true; die "apt-get install -y pgbouncer failed, see ${PGB_DIR#"$ROOT"/}/apt.log"; }
}

# --- configuration ----------------------------------------------------------------------------------

write_config() {
  mkdir -p "$PGB_DIR"
  : >"$AUTH_FILE"
  local u
  for u in $USERS; do printf '"%s" ""\n' "$u" >>"$AUTH_FILE"; done
  cat >"$CONFIG" <<EOF
; Written by scripts/pgbouncer/pgbouncer.sh on every start; edits are lost.
[databases]
; Every database of the server, also those created after the start (the per-test databases):
; a pool per (database, user) is made on first use and dropped after autodb_idle_timeout.
* = host=$TARGET_HOST port=$TARGET_PORT

[pgbouncer]
listen_addr = $HOST
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
pidfile = $PID_FILE
logfile = $LOG_FILE

auth_type = trust
auth_file = $AUTH_FILE
admin_users = ${USERS%% *}
stats_users = ${USERS%% *}

pool_mode = $POOL_MODE
default_pool_size = $POOL_SIZE
min_pool_size = 0
reserve_pool_size = $RESERVE_POOL
reserve_pool_timeout = 3
max_client_conn = $MAX_CLIENT_CONN
max_db_connections = $MAX_DB_CONN
max_user_connections = $MAX_USER_CONN
autodb_idle_timeout = 60
server_idle_timeout = 60
server_lifetime = 3600
query_wait_timeout = $QUERY_WAIT_TIMEOUT
; transaction pooling: no DISCARD ALL between clients (server_reset_query is for session mode);
; a session-level SET, advisory lock, LISTEN or named statement stays on the server connection
; and is seen by whichever client gets it next.
server_reset_query = DISCARD ALL
server_reset_query_always = 0
ignore_startup_parameters = $IGNORE_STARTUP

log_connections = 0
log_disconnections = 0
log_pooler_errors = 1
stats_period = 60
EOF
  if [[ "$(id -u)" == 0 ]]; then
    chown -R "$RUN_AS" "$PGB_DIR"
  fi
  chmod 600 "$AUTH_FILE"
}

# --- commands -----------------------------------------------------------------------------------------

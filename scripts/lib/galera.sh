# shellcheck shell=bash
# A private three-node MariaDB Galera cluster for the test suites and the bench, run as the
# current user on 127.0.0.1 with all of its files under one directory (Debian's mariadb-server
# and galera-4; state transfers by rsync). Source this file, then:
#   galera_start DIR        bootstrap node 1 (--wsrep-new-cluster) in DIR/node1, join nodes 2
#                           and 3 (a state transfer each), create the account mileage/mileage@
#                           127.0.0.1 (ALL PRIVILEGES) and the database mileage_test (both
#                           replicated); exports MILEAGE_TEST_GALERA_URLS (three mysql:// URLs,
#                           space-separated, node 1 first) and MILEAGE_TEST_GALERA_PIDS (three
#                           pids, same order; 0 for a node that is not running).
#   galera_stop             stop every node (TERM, a clean shutdown; KILL after 30 s); safe to
#                           call twice or when nothing was started.
#   galera_kill_node I      SIGKILL node I (1-based) and wait until it is gone; the other two
#                           keep quorum and evict it within a few seconds.
#   galera_restart_node I   start node I again: it recovers its position from InnoDB and
#                           rejoins by incremental transfer (IST) or, failing that, a full one
#                           (SST); returns when it is Synced. Updates MILEAGE_TEST_GALERA_PIDS.
#   galera_restart_down     galera_restart_node for every node that is not running (after a
#                           test that killed one, whichever it was).
#   galera_attach DIR       take over a cluster that another shell started in DIR (its ports from
#                           the nodes' my.cnf, its pids from their pid files), e.g. in a test
#                           script that kills and restarts a node; galera_stop in either shell
#                           then stops whatever runs in DIR.
# galera_start also exports MILEAGE_TEST_GALERA_DIR (the absolute DIR) for galera_attach.
# Each node has its own SQL, group-communication (gcomm), IST and SST ports, all free loopback
# ports chosen at start. Failure detection is tightened (suspect after 2 s, evicted after 4 s)
# so a test that kills a node does not wait the production default of 15 s.
# Every function returns non-zero with the failing node's log on stderr when something fails.

if ! declare -F _mariadb_bin >/dev/null; then
  # shellcheck source=scripts/lib/mariadb.sh
  source "$(dirname "${BASH_SOURCE[0]}")/mariadb.sh"
fi

_galera_dir=""
_galera_pids=("" "" "")
_galera_sql_ports=("" "" "")
_galera_gcomm_ports=("" "" "")
_galera_ist_ports=("" "" "")
_galera_sst_ports=("" "" "")
_galera_provider=/usr/lib/galera/libgalera_smm.so

# Prints COUNT distinct free loopback ports, one a line (all bound at once, so no duplicates).
_galera_free_ports() {
  python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])
EOF
}

_galera_client() {
  local i="$1"
  shift
  "$(_mariadb_bin mariadb mysql)" --no-defaults --socket="$_galera_dir/node$i/mysqld.sock" \
    --user=root --connect-timeout=2 --batch --skip-column-names "$@"
}

# Writes DIR/nodeI/my.cnf from the port arrays (SQL, gcomm, IST, SST per node).
_galera_write_config() {
  local i="$1" node="$_galera_dir/node$1" user cluster=""
  user=$(id -un)
  local j
  for j in 1 2 3; do
    cluster+="${cluster:+,}127.0.0.1:${_galera_gcomm_ports[$((j - 1))]}"
  done
  local idx=$((i - 1))
  cat >"$node/my.cnf" <<EOF
[mysqld]
user=$user
datadir=$node/data
tmpdir=$node/tmp
socket=$node/mysqld.sock
pid-file=$node/mysqld.pid
log-error=$node/error.log
port=${_galera_sql_ports[$idx]}
bind-address=127.0.0.1
skip-name-resolve
innodb_flush_log_at_trx_commit=1
innodb_buffer_pool_size=128M
innodb_log_file_size=16M
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
max_connections=300
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
wsrep_on=ON
wsrep_provider=$_galera_provider
wsrep_cluster_name=mileage_test
wsrep_cluster_address=gcomm://$cluster
wsrep_node_name=node$i
wsrep_node_address=127.0.0.1:${_galera_gcomm_ports[$idx]}
wsrep_node_incoming_address=127.0.0.1:${_galera_sql_ports[$idx]}
wsrep_sst_method=mileage_rsync
wsrep_sst_receive_address=127.0.0.1:${_galera_sst_ports[$idx]}
wsrep_slave_threads=2
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:${_galera_gcomm_ports[$idx]};ist.recv_addr=127.0.0.1:${_galera_ist_ports[$idx]};gcache.size=64M;evs.keepalive_period=PT0.5S;evs.suspect_timeout=PT2S;evs.inactive_check_period=PT0.5S;evs.inactive_timeout=PT4S;evs.install_timeout=PT4S;pc.wait_prim_timeout=PT30S"
EOF
}

# True when node I answers and reports wsrep_local_state_comment=Synced and wsrep_ready=ON.
_galera_synced() {
  local out
  out=$(_galera_client "$1" -e "SHOW GLOBAL STATUS WHERE Variable_name IN
      ('wsrep_local_state_comment', 'wsrep_ready')" 2>/dev/null) || return 1
  grep -q $'^wsrep_local_state_comment\tSynced$' <<<"$out" &&
    grep -q $'^wsrep_ready\tON$' <<<"$out"
}

# State transfers use the method "mileage_rsync": DIR/bin/wsrep_sst_mileage_rsync runs Debian's
# wsrep_sst_rsync with DIR/bin first on its PATH, where an rsync wrapper keeps the rsync daemon
# running as the current user (started by root, a daemon drops to the user nobody, which cannot
# write into a datadir owned by root). mariadbd puts its own bin directory first on the SST
# script's PATH, so the wrapper has to be a method of its own rather than a PATH entry.
_galera_write_sst_wrappers() {
  local rsync sst
  rsync=$(command -v rsync) || return 1
  sst=$(_mariadb_bin wsrep_sst_rsync) || return 1
  mkdir -p "$_galera_dir/bin" || return 1
  cat >"$_galera_dir/bin/rsync" <<EOF || return 1
#!/bin/sh
if [ "\$(id -u)" -eq 0 ]; then
  case " \$* " in
    *" --daemon "*) exec $rsync "\$@" --dparam=uid=0 --dparam=gid=0 ;;
  esac
fi
exec $rsync "\$@"
EOF
  cat >"$_galera_dir/bin/wsrep_sst_mileage_rsync" <<EOF || return 1
#!/bin/sh
PATH="$_galera_dir/bin:\$PATH" exec $sst "\$@"
EOF
  chmod +x "$_galera_dir/bin/rsync" "$_galera_dir/bin/wsrep_sst_mileage_rsync"
}

# Starts node I's server with EXTRA arguments and records its pid (no waiting).
_galera_launch() {
  local i="$1" server
  shift
  server=$(_mariadb_bin mariadbd mysqld) || return 1
  PATH="$_galera_dir/bin:$PATH" "$server" --defaults-file="$_galera_dir/node$i/my.cnf" "$@" \
    >>"$_galera_dir/node$i/stdout.log" 2>&1 &
  _galera_pids[i - 1]=$!
}

# Waits up to 120 s for node I to be Synced; fails early when its server exits.
_galera_wait_synced() {
  local i="$1" pid="${_galera_pids[$(($1 - 1))]}" waited=0
  while ! _galera_synced "$i"; do
    if ! _mariadb_alive "$pid"; then
      echo "galera: node $i exited while starting:" >&2
      tail -n 40 "$_galera_dir/node$i/error.log" >&2
      return 1
    fi
    if [ "$waited" -ge 1200 ]; then
      echo "galera: node $i was not Synced within 120 s:" >&2
      tail -n 40 "$_galera_dir/node$i/error.log" >&2
      return 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

_galera_export() {
  export MILEAGE_TEST_GALERA_DIR="$_galera_dir"
  local urls="" i
  for i in 0 1 2; do
    urls+="${urls:+ }mysql://mileage:mileage@127.0.0.1:${_galera_sql_ports[$i]}/mileage_test"
  done
  export MILEAGE_TEST_GALERA_URLS="$urls"
  local pids="" pid
  for pid in "${_galera_pids[@]}"; do
    pids+="${pids:+ }${pid:-0}"
  done
  export MILEAGE_TEST_GALERA_PIDS="$pids"
}

# One attempt at the whole cluster on fresh ports; returns 3 when a port was taken meanwhile.
_galera_start_once() {
  local install_db ports i
  install_db=$(_mariadb_bin mariadb-install-db mysql_install_db) || return 1
  mapfile -t ports < <(_galera_free_ports 12) || return 1
  _galera_sql_ports=("${ports[@]:0:3}")
  _galera_gcomm_ports=("${ports[@]:3:3}")
  _galera_ist_ports=("${ports[@]:6:3}")
  _galera_sst_ports=("${ports[@]:9:3}")
  for i in 1 2 3; do
    rm -rf "$_galera_dir/node$i"
    mkdir -p "$_galera_dir/node$i/data" "$_galera_dir/node$i/tmp" || return 1
    _galera_write_config "$i" || return 1
  done
  # Only node 1 needs system tables: the joiners receive everything by state transfer.
  if ! "$install_db" --no-defaults --user="$(id -un)" --datadir="$_galera_dir/node1/data" \
      --auth-root-authentication-method=normal --skip-test-db \
      >"$_galera_dir/install.log" 2>&1; then
    echo "galera_start: mariadb-install-db failed:" >&2
    tail -n 30 "$_galera_dir/install.log" >&2
    return 1
  fi
  _galera_launch 1 --wsrep-new-cluster || return 1
  if ! _galera_wait_synced 1; then
    grep -qE 'Address already in use|Bind on TCP/IP port' "$_galera_dir/node1/error.log" && return 3
    return 1
  fi
  if ! _galera_client 1 -e "
      CREATE USER 'mileage'@'127.0.0.1' IDENTIFIED BY 'mileage';
      GRANT ALL PRIVILEGES ON *.* TO 'mileage'@'127.0.0.1';
      CREATE DATABASE mileage_test CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;" \
      2>"$_galera_dir/setup.log"; then
    echo "galera_start: creating the test account failed:" >&2
    cat "$_galera_dir/setup.log" >&2
    return 1
  fi
  # One joiner at a time: an rsync donor serves a single state transfer (joining both at once
  # measured no faster and sometimes twice as slow).
  for i in 2 3; do
    _galera_launch "$i" || return 1
    if ! _galera_wait_synced "$i"; then
      grep -qE 'Address already in use|Bind on TCP/IP port|Failed to listen' \
        "$_galera_dir/node$i/error.log" && return 3
      return 1
    fi
  done
}

galera_start() {
  local dir="${1:-}"
  if [ -z "$dir" ]; then
    echo "usage: galera_start DIR" >&2
    return 2
  fi
  if [ -n "$_galera_dir" ]; then
    echo "galera_start: a cluster is already running (files in $_galera_dir)" >&2
    return 1
  fi
  if [ ! -r "$_galera_provider" ]; then
    echo "galera_start: $_galera_provider is missing (scripts/install-deps test: galera-4)" >&2
    return 1
  fi
  command -v rsync >/dev/null || {
    echo "galera_start: rsync is missing (scripts/install-deps test)" >&2
    return 1
  }
  mkdir -p "$dir" || return 1
  _galera_dir=$(cd "$dir" && pwd) || return 1
  _galera_write_sst_wrappers || return 1
  local attempt rc=1
  for attempt in 1 2 3; do
    _galera_start_once && rc=0 || rc=$?
    [ "$rc" -eq 0 ] && break
    _galera_stop_nodes
    [ "$rc" -eq 3 ] || break
    echo "galera_start: a port was taken meanwhile; retrying on new ports (attempt $attempt)" >&2
  done
  if [ "$rc" -ne 0 ]; then
    _galera_dir=""
    return 1
  fi
  _galera_export
  echo "galera: nodes on 127.0.0.1:${_galera_sql_ports[*]} (pids ${_galera_pids[*]}, files in $_galera_dir)"
}

# The pid of node I's live server: the one this shell started, else its pid file's (a node
# that another shell restarted); "" when none runs.
_galera_node_pid() {
  local i="$1" pid="${_galera_pids[$(($1 - 1))]}"
  if [ -n "$pid" ] && _mariadb_alive "$pid"; then
    echo "$pid"
    return 0
  fi
  pid=$(cat "$_galera_dir/node$i/mysqld.pid" 2>/dev/null) || pid=""
  if [ -n "$pid" ] && _mariadb_alive "$pid" &&
      grep -qa -- "$_galera_dir/node$i/my.cnf" "/proc/$pid/cmdline" 2>/dev/null; then
    echo "$pid"
  fi
}

# Stops node I: TERM (a clean shutdown), then KILL after 30 s.
_galera_stop_node() {
  local i="$1" pid waited
  pid=$(_galera_node_pid "$i")
  if [ -z "$pid" ]; then
    _galera_pids[i - 1]=""
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  waited=0
  while _mariadb_alive "$pid" && [ "$waited" -lt 300 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if _mariadb_alive "$pid"; then
    echo "galera_stop: node $i (pid $pid) ignored TERM for 30 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  _galera_pids[i - 1]=""
}

_galera_stop_nodes() {
  local i
  # Joiners first, so the last node leaves a clean (safe_to_bootstrap) state behind.
  for i in 3 2 1; do
    _galera_stop_node "$i"
  done
}

galera_stop() {
  [ -n "$_galera_dir" ] || return 0
  _galera_stop_nodes
  unset MILEAGE_TEST_GALERA_URLS MILEAGE_TEST_GALERA_PIDS
  _galera_dir=""
  return 0
}

_galera_check_index() {
  case "${1:-}" in
    1 | 2 | 3) ;;
    *) echo "galera: node index must be 1, 2 or 3 (got '${1:-}')" >&2; return 2 ;;
  esac
  if [ -z "$_galera_dir" ]; then
    echo "galera: no cluster is running (galera_start first)" >&2
    return 1
  fi
}

galera_kill_node() {
  _galera_check_index "${1:-}" || return
  local i="$1" pid
  pid=$(_galera_node_pid "$i")
  if [ -z "$pid" ]; then
    echo "galera_kill_node: node $i is not running" >&2
    return 1
  fi
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  _galera_pids[i - 1]=""
  _galera_export
}

galera_restart_node() {
  _galera_check_index "${1:-}" || return
  local i="$1" pid server position
  pid=$(_galera_node_pid "$i")
  if [ -n "$pid" ]; then
    echo "galera_restart_node: node $i is already running (pid $pid)" >&2
    return 1
  fi
  server=$(_mariadb_bin mariadbd mysqld) || return 1
  # After a crash grastate.dat holds seqno -1: recover the last committed position from InnoDB
  # (what the packaged galera_recovery does) so the node can ask for IST instead of a full SST.
  : >"$_galera_dir/node$i/recover.log"
  "$server" --defaults-file="$_galera_dir/node$i/my.cnf" --wsrep-recover \
    --log-error="$_galera_dir/node$i/recover.log" >/dev/null 2>&1 || true
  position=$(sed -n 's/.*WSREP: Recovered position: *\([^ ]*\).*/\1/p' \
    "$_galera_dir/node$i/recover.log" | tail -n 1)
  if [ -n "$position" ]; then
    _galera_launch "$i" --wsrep-start-position="$position" || return 1
  else
    _galera_launch "$i" || return 1
  fi
  _galera_wait_synced "$i" || return 1
  _galera_export
}

galera_restart_down() {
  local i
  for i in 1 2 3; do
    if [ -z "$(_galera_node_pid "$i")" ]; then
      galera_restart_node "$i" || return 1
    fi
  done
}

galera_attach() {
  local dir="${1:-}" i port
  if [ -z "$dir" ] || [ ! -r "$dir/node1/my.cnf" ]; then
    echo "galera_attach: no cluster in '${dir}' (expected DIR/node1/my.cnf)" >&2
    return 2
  fi
  if [ -n "$_galera_dir" ]; then
    echo "galera_attach: this shell runs a cluster already (files in $_galera_dir)" >&2
    return 1
  fi
  _galera_dir=$(cd "$dir" && pwd) || return 1
  for i in 1 2 3; do
    port=$(sed -n 's/^port=//p' "$_galera_dir/node$i/my.cnf")
    if [ -z "$port" ]; then
      echo "galera_attach: $_galera_dir/node$i/my.cnf names no port" >&2
      _galera_dir=""
      return 1
    fi
    _galera_sql_ports[i - 1]="$port"
    _galera_pids[i - 1]=""
    _galera_pids[i - 1]=$(_galera_node_pid "$i")
  done
  _galera_export
}

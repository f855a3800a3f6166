# shellcheck shell=bash
# A private MariaDB server for the test suites, run as the current user on 127.0.0.1 with all
# of its files under one directory. Source this file, then:
#   mariadb_start DIR [OPTION...]
#                       install a fresh data directory under DIR, start the server on a free
#                       port, create the account mileage/mileage@127.0.0.1 (ALL PRIVILEGES:
#                       tests create and drop their own databases) and the database
#                       mileage_test; exports MILEAGE_TEST_MYSQL_URL and MILEAGE_TEST_MYSQL_PID.
#                       OPTIONs are added to the server's command line (they win over its
#                       defaults here, which are as durable as production's).
#   mariadb_stop        stop it (clean shutdown, then TERM, then KILL); safe to call twice or
#                       when nothing was started.
# Both return non-zero with the server's log on stderr when something fails.

_mariadb_dir=""

_mariadb_bin() {
  local name
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then
      command -v "$name"
      return 0
    fi
    if [ -x "/usr/sbin/$name" ]; then
      echo "/usr/sbin/$name"
      return 0
    fi
  done
  echo "mariadb.sh: none of $* is installed (scripts/install-deps test)" >&2
  return 1
}

_mariadb_free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
  else
    echo $((20000 + RANDOM % 40000))
  fi
}

# True while PID is a live (not zombie) MariaDB server process.
_mariadb_alive() {
  local pid="$1" state
  [ -r "/proc/$pid/stat" ] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [ "$state" != "Z" ] || return 1
  grep -qaE 'mariadbd|mysqld' "/proc/$pid/cmdline" 2>/dev/null
}

mariadb_start() {
  local dir="${1:-}"
  local extra=("${@:2}")
  if [ -z "$dir" ]; then
    echo "usage: mariadb_start DIR [OPTION...]" >&2
    return 2
  fi
  if [ -n "${MILEAGE_TEST_MYSQL_PID:-}" ] && _mariadb_alive "$MILEAGE_TEST_MYSQL_PID"; then
    echo "mariadb_start: a server is already running (pid $MILEAGE_TEST_MYSQL_PID)" >&2
    return 1
  fi
  local server install_db admin client
  server=$(_mariadb_bin mariadbd mysqld) || return 1
  install_db=$(_mariadb_bin mariadb-install-db mysql_install_db) || return 1
  admin=$(_mariadb_bin mariadb-admin mysqladmin) || return 1
  client=$(_mariadb_bin mariadb mysql) || return 1

  mkdir -p "$dir/data" "$dir/tmp" || return 1
  dir=$(cd "$dir" && pwd) || return 1
  local user socket
  user=$(id -un)
  socket="$dir/mysqld.sock"

  if ! "$install_db" --no-defaults --user="$user" --datadir="$dir/data" \
      --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1; then
    echo "mariadb_start: mariadb-install-db failed:" >&2
    tail -n 30 "$dir/install.log" >&2
    return 1
  fi

  local port pid waited
  for _ in 1 2 3 4 5; do
    port=$(_mariadb_free_port)
    : >"$dir/error.log"
    "$server" --no-defaults --user="$user" --datadir="$dir/data" --tmpdir="$dir/tmp" \
      --socket="$socket" --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" \
      --port="$port" --bind-address=127.0.0.1 --skip-name-resolve \
      --innodb-flush-log-at-trx-commit=1 --innodb-buffer-pool-size=128M \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      --max-connections=300 "${extra[@]}" >/dev/null 2>&1 &
    pid=$!
    waited=0
    while ! "$admin" --no-defaults --socket="$socket" --user=root --connect-timeout=2 \
        ping >/dev/null 2>&1; do
      if ! _mariadb_alive "$pid"; then
        break
      fi
      if [ "$waited" -ge 600 ]; then
        echo "mariadb_start: the server did not answer within 60 s:" >&2
        tail -n 30 "$dir/error.log" >&2
        kill -KILL "$pid" 2>/dev/null || true
        return 1
      fi
      sleep 0.1
      waited=$((waited + 1))
    done
    if _mariadb_alive "$pid"; then
      break
    fi
    if grep -qE 'Address already in use|Bind on TCP/IP port' "$dir/error.log"; then
      pid=""
      continue
    fi
    echo "mariadb_start: the server exited at start-up:" >&2
    tail -n 30 "$dir/error.log" >&2
    return 1
  done
  if [ -z "$pid" ]; then
    echo "mariadb_start: no free port found after 5 attempts" >&2
    return 1
  fi

  _mariadb_dir="$dir"
  export MILEAGE_TEST_MYSQL_PID="$pid"
  if ! "$client" --no-defaults --socket="$socket" --user=root -e "
      CREATE USER 'mileage'@'127.0.0.1' IDENTIFIED BY 'mileage';
      GRANT ALL PRIVILEGES ON *.* TO 'mileage'@'127.0.0.1';
      CREATE DATABASE mileage_test CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;" 2>"$dir/setup.log"
  then
    echo "mariadb_start: creating the test account failed:" >&2
    cat "$dir/setup.log" >&2
    mariadb_stop
    return 1
  fi
  export MILEAGE_TEST_MYSQL_URL="mysql://mileage:mileage@127.0.0.1:$port/mileage_test"
  echo "mariadb: listening on 127.0.0.1:$port (pid $pid, files in $dir)"
}

mariadb_stop() {
  local pid="${MILEAGE_TEST_MYSQL_PID:-}"
  if [ -z "$pid" ]; then
    return 0
  fi
  if _mariadb_alive "$pid"; then
    local admin waited
    admin=$(_mariadb_bin mariadb-admin mysqladmin 2>/dev/null) || admin=""
    if [ -n "$admin" ] && [ -n "$_mariadb_dir" ]; then
      "$admin" --no-defaults --socket="$_mariadb_dir/mysqld.sock" --user=root \
        --connect-timeout=5 shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    else
      kill -TERM "$pid" 2>/dev/null || true
    fi
    waited=0
    while _mariadb_alive "$pid" && [ "$waited" -lt 300 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if _mariadb_alive "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      waited=0
      while _mariadb_alive "$pid" && [ "$waited" -lt 100 ]; do
        sleep 0.1
        waited=$((waited + 1))
      done
    fi
    if _mariadb_alive "$pid"; then
      echo "mariadb_stop: pid $pid ignored TERM; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  unset MILEAGE_TEST_MYSQL_PID MILEAGE_TEST_MYSQL_URL
  _mariadb_dir=""
  return 0
}

# shellcheck shell=bash
# Runs a private redis-server for tests. Sourced by scripts/test:
#
#   source scripts/lib/redis.sh
#   redis_start "$tmpdir/redis"   # exports MILEAGE_TEST_REDIS_URL and MILEAGE_TEST_REDIS_PID
#   trap redis_stop EXIT
#
# The server runs as the current user, listens on 127.0.0.1 only, on a free port, keeps nothing
# on disk (no RDB, no AOF) and writes its pid file and log under DIR. Works under set -euo pipefail.

_MILEAGE_REDIS_STARTED_PID=""
_MILEAGE_REDIS_PORT=""

# True when something accepts connections on 127.0.0.1:PORT.
_redis_port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# redis_start DIR: starts the server, waits up to 20 s for PONG, exports the variables.
# Returns non-zero (printing the log tail) when it cannot start.
redis_start() {
  local dir=${1:-}
  if [[ -z $dir ]]; then
    echo "redis_start: usage: redis_start DIR" >&2
    return 2
  fi
  if [[ -n $_MILEAGE_REDIS_STARTED_PID ]]; then
    echo "redis_start: already running (pid $_MILEAGE_REDIS_STARTED_PID)" >&2
    return 1
  fi
  local server cli
  server=$(command -v redis-server) || { echo "redis_start: redis-server not found" >&2; return 1; }
  cli=$(command -v redis-cli) || { echo "redis_start: redis-cli not found" >&2; return 1; }
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)

  local attempt port pid deadline
  for attempt in 1 2 3 4 5; do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    if _redis_port_in_use "$port"; then
      continue
    fi
    rm -f "$dir/redis.log" "$dir/redis.pid"
    "$server" --bind 127.0.0.1 --port "$port" --protected-mode yes \
      --save "" --appendonly no --dir "$dir" \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --daemonize no \
      </dev/null >/dev/null 2>&1 &
    pid=$!
    deadline=$((SECONDS + 20))
    while ((SECONDS < deadline)); do
      if ! kill -0 "$pid" 2>/dev/null; then
        break  # exited: most likely the port was taken meanwhile; try another
      fi
      if [[ $("$cli" -h 127.0.0.1 -p "$port" ping 2>/dev/null) == PONG ]]; then
        _MILEAGE_REDIS_STARTED_PID=$pid
        _MILEAGE_REDIS_PORT=$port
        export MILEAGE_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
        export MILEAGE_TEST_REDIS_PID=$pid
        echo "redis: pid $pid listening on 127.0.0.1:$port (dir $dir)" >&2
        return 0
      fi
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      echo "redis_start: redis-server did not answer PING within 20 s (attempt $attempt)" >&2
      tail -n 20 "$dir/redis.log" >&2 2>/dev/null || true
      return 1
    fi
    wait "$pid" 2>/dev/null || true
  done
  echo "redis_start: redis-server failed to start; last log:" >&2
  tail -n 20 "$dir/redis.log" >&2 2>/dev/null || true
  return 1
}

# redis_stop: stops the server redis_start started (SHUTDOWN NOSAVE, then TERM, then KILL).
# Does nothing when none was started or it was already stopped, so it is safe in an EXIT trap.
redis_stop() {
  local pid=$_MILEAGE_REDIS_STARTED_PID port=$_MILEAGE_REDIS_PORT
  if [[ -z $pid ]]; then
    return 0
  fi
  _MILEAGE_REDIS_STARTED_PID=""
  _MILEAGE_REDIS_PORT=""
  unset MILEAGE_TEST_REDIS_URL MILEAGE_TEST_REDIS_PID
  if kill -0 "$pid" 2>/dev/null; then
    redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
    local _
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 30); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  return 0
}

# shellcheck shell=bash
# The `nodes` part of scripts/bench (sourced; uses $work, $pids, free_port, wait_http,
# bench_config, _notify_bootstrap, DURATION, ROUNDS, NOTIFY_CONNECTIONS from it): payment
# notifications through 1, 2 and 3 `mileage serve` processes at once, on one MariaDB and on a
# three-node MariaDB Galera cluster (process i on Galera node i, ?wsrep_sync_wait=1 as
# docs/OPERATIONS.md recommends), all sharing one Redis; bench/payments/notification_load
# spreads its NOTIFY_CONNECTIONS over the processes, and GET /ping over the same processes is
# the baseline of each run. Everything shares this machine's cores: more processes cannot add
# throughput here, so the figures show what the cluster costs, not how it scales.

# _nodes_serve NAME URL...: one configured, bootstrapped (through the first URL) and started
# `mileage serve` per database URL; sets _nodes_ports to their ports, comma-separated.
_nodes_ports=""
_nodes_serve() {
  local name="$1" i=0 url port config
  _nodes_ports=""
  shift
  for url in "$@"; do
    i=$((i + 1))
    port=$(free_port)
    config="$work/nodes-$name-$i.json"
    bench_config "$config" "$port" "$url" "$MILEAGE_TEST_REDIS_URL"
    [ "$i" -eq 1 ] && _notify_bootstrap "$config"
    build/release/server/mileage serve --config "$config" >"$work/nodes-$name-$i.log" 2>&1 &
    pids+=($!)
    wait_http "http://127.0.0.1:$port/healthz"
    _nodes_ports+="${_nodes_ports:+,}$port"
  done
}

# _nodes_run NAME COUNT PORTS: ROUNDS runs against the first COUNT of PORTS; appends
# "NAME COUNT rps p50 p99 ping_rps ping_p50 ping_p99 failed" per round to $work/nodes.
_nodes_run() {
  local name="$1" count="$2" targets out
  targets=$(echo "$3" | cut -d, -f1-"$count")
  for _ in $(seq 1 "$ROUNDS"); do
    out=$(build/release/bench/payments/notification_load 127.0.0.1 "$targets" 1900000001 \
      wx8888888888888888 "$work/apiv3.key" PUB_KEY_ID_0114232134912410000000000000 \
      tests/testdata/wechat/java_wechat_pay_private_key.pem "$NOTIFY_CONNECTIONS" "$DURATION" 5000) ||
      { echo "bench: notifications failed on $name with $count nodes:"; echo "$out"; } >&2
    echo "$out" | awk -v n="$name" -v c="$count" '$1=="notify" {r=$2; a=$3; b=$4; f=$5}
      $1=="ping" {print n, c, r, a, b, $2, $3, $4, f}' >>"$work/nodes"
  done
}

_nodes_stop_services() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}

bench_nodes() {
  local count urls started
  # shellcheck source=scripts/lib/galera.sh
  source scripts/lib/galera.sh
  mariadb_redis_start "$work/nodes-servers"
  _nodes_serve mariadb "$MILEAGE_TEST_MYSQL_URL" "$MILEAGE_TEST_MYSQL_URL" \
    "$MILEAGE_TEST_MYSQL_URL"
  for count in 1 2 3; do _nodes_run mariadb "$count" "$_nodes_ports"; done
  _nodes_stop_services
  mariadb_stop

  started=$SECONDS
  galera_start "$work/nodes-galera" >/dev/null
  echo "bench: the Galera cluster started in $((SECONDS - started)) s" >&2
  read -r -a urls <<<"$MILEAGE_TEST_GALERA_URLS"
  _nodes_serve galera "${urls[0]}?wsrep_sync_wait=1" "${urls[1]}?wsrep_sync_wait=1" \
    "${urls[2]}?wsrep_sync_wait=1"
  for count in 1 2 3; do _nodes_run galera "$count" "$_nodes_ports"; done
  _nodes_stop_services
  galera_stop
  redis_stop

  echo
  echo "Payment notifications through 1-3 Mileage processes, $(nproc) cores shared by every"
  echo "process and database node, $NOTIFY_CONNECTIONS connections spread over the processes,"
  echo "${DURATION}s, median of $ROUNDS rounds; Galera: process i on node i, wsrep_sync_wait=1:"
  echo
  echo "| backend | Mileage processes | notifications/s | p50 ms | p99 ms | GET /ping req/s (same run) | ratio | failed |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for name in mariadb galera; do
    for count in 1 2 3; do
      grep "^$name $count " "$work/nodes" | sort -k3 -g |
        awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}' |
        awk '{printf "| %s | %s | %.0f | %s | %s | %.0f | %.3f | %s |\n", $1, $2, $3, $4, $5, $6, $3/$6, $9}'
    done
  done
}

# shellcheck shell=bash
# The partner-earnings part of scripts/bench (sourced; uses $work, $pids, free_port, wait_http,
# bench_config, mariadb_redis_start/stop, DURATION, ROUNDS, NOTIFY_CONNECTIONS from it and
# _card_bootstrap from bench_card.sh). On SQLite with the in-process Kv, then on MariaDB + Redis:
# a fresh database with a brand, the sandbox's mini-program and a brand admin, the WeChat
# sandbox for code2Session, the service, then bench/partner/partner_load ROUNDS times (median by
# earnings/s). Each round creates its own partner and links its own members. On MariaDB + Redis
# the first round also counts the round trips of one earning (MariaDB's Questions and
# Com_stmt_prepare, Redis's total_commands_processed, over PARTNER_COUNTED earnings sent one at
# a time).
PARTNER_MEMBERS_PER_CONNECTION="${PARTNER_MEMBERS_PER_CONNECTION:-4}"
PARTNER_COUNTED="${PARTNER_COUNTED:-1000}"

# _partner_counters MYSQL_URL REDIS_URL: a shell command printing "NAME VALUE" lines.
_partner_counters() {
  local client mysql="${1#mysql://}" redis="${2#redis://}"
  client=$(_mariadb_bin mariadb mysql)
  local user=${mysql%%:*} rest=${mysql#*:}
  local pass=${rest%%@*} hostport=${rest#*@}
  hostport=${hostport%%/*}
  redis=${redis%%/*}
  echo "$client --no-defaults -h ${hostport%%:*} -P ${hostport##*:} -u$user -p$pass -N -B -e \
\"SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions','Com_stmt_prepare','Com_commit')\" | \
awk '{print \"mariadb_\" \$1, \$2}'; redis-cli -h ${redis%%:*} -p ${redis##*:} info stats | \
tr -d '\\r' | awk -F: '\$1==\"total_commands_processed\" {print \"redis_commands\", \$2}'"
}

_partner_run() {  # NAME CONFIG PORT SANDBOX_PORT [COUNTER_COMMAND]
  local name="$1" config="$2" port="$3" pid out round=0
  local -a counted
  _card_bootstrap "$config" "$work/partner-sandbox" >/dev/null
  build/release/server/mileage serve --config "$config" >"$work/partner-$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_http "http://127.0.0.1:$port/healthz"
  for _ in $(seq 1 "$ROUNDS"); do
    round=$((round + 1))
    counted=()
    [ -n "${5:-}" ] && [ "$round" = 1 ] && counted=("$PARTNER_COUNTED" "$5")
    out=$(build/release/bench/partner/partner_load 127.0.0.1 "$port" wx8888888888888888 bench \
      bench-pass-word "$NOTIFY_CONNECTIONS" "$DURATION" "$PARTNER_MEMBERS_PER_CONNECTION" \
      "${counted[@]}") ||
      { echo "bench: partner earnings failed on $name:"; echo "$out"; tail -5 "$work/partner-$name.log"; } >&2
    echo "$out" | awk -v n="$name" '$1=="earning" {e=$2; p50=$3; p95=$4; p99=$5; f=$6}
      $1=="ping" {print n, e, p50, p95, p99, $2, $3, $4, $5, f}' >>"$work/partner"
    echo "$out" | awk -v n="$name" '$1=="per_earning" {print n, $2, $3}' >>"$work/partner-trips"
  done
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

bench_partner() {
  local port sandbox_port sandbox_pid
  sandbox_port=$(free_port)
  cat >"$work/partner-sandbox.json" <<JSON
{"listen": "127.0.0.1:$sandbox_port", "state_dir": "$work/partner-sandbox",
 "mini_programs": [{"appid": "wx8888888888888888", "secret": "sandbox-secret"}]}
JSON
  build/release/server/mileage sandbox serve --config "$work/partner-sandbox.json" \
    >"$work/partner-sandbox.log" 2>&1 &
  sandbox_pid=$!
  pids+=("$sandbox_pid")
  wait_http "http://127.0.0.1:$sandbox_port/sandbox"

  port=$(free_port)
  bench_config "$work/partner-sqlite.json" "$port" "sqlite:$work/partner.db" memory \
    "\"wechat_api_base_url\": \"http://127.0.0.1:$sandbox_port\","
  _partner_run sqlite "$work/partner-sqlite.json" "$port" "$sandbox_port"

  mariadb_redis_start "$work/partner-servers"
  port=$(free_port)
  bench_config "$work/partner-mariadb.json" "$port" "$MILEAGE_TEST_MYSQL_URL" \
    "$MILEAGE_TEST_REDIS_URL" "\"wechat_api_base_url\": \"http://127.0.0.1:$sandbox_port\","
  _partner_run mariadb "$work/partner-mariadb.json" "$port" "$sandbox_port" \
    "$(_partner_counters "$MILEAGE_TEST_MYSQL_URL" "$MILEAGE_TEST_REDIS_URL")"
  mariadb_redis_stop
  kill "$sandbox_pid"
  wait "$sandbox_pid" 2>/dev/null || true

  echo
  echo "Partner earnings POST /api/partner/v1/earnings, $(nproc) cores, $NOTIFY_CONNECTIONS connections, ${DURATION}s,"
  echo "median of $ROUNDS rounds (each signed, a new request_id and nonce; member by partner_member_id;"
  echo "verify + nonce + identify + ledger posting + commit; SQLite synchronous=FULL with group commit,"
  echo "MariaDB innodb_flush_log_at_trx_commit=1):"
  echo
  echo "| backend | earnings/s | p50 ms | p95 ms | p99 ms | GET /ping req/s | ping p50 ms | ping p99 ms | ratio | failed |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for name in sqlite mariadb; do
    grep "^$name " "$work/partner" | sort -k2 -g | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}' |
      awk '$6 > 0 {printf "| %s | %.0f | %s | %s | %s | %.0f | %s | %s | %.3f | %s |\n",
        $1, $2, $3, $4, $5, $6, $7, $9, $2/$6, $10}'
  done
  if [ -s "$work/partner-trips" ]; then
    echo
    echo "Round trips per earning on MariaDB + Redis ($PARTNER_COUNTED earnings one at a time):"
    echo
    awk '{printf "- %s: %.2f\n", $2, $3}' "$work/partner-trips"
  fi
}

# shellcheck shell=bash
# The payment-notification part of scripts/bench (sourced; uses $work, $pids, free_port,
# wait_http, bench_config, mariadb_redis_start/stop, DURATION, ROUNDS, NOTIFY_CONNECTIONS from
# it). For each backend: a fresh database with one merchant whose platform keys are the
# official Java SDK test pair, the service, then bench/payments/notification_load (ROUNDS runs,
# median by notifications/s), signing in public-key mode.

_notify_bootstrap() {  # CONFIG: brand .. store and the merchant, through `mileage admin`
  local config="$1" bin=build/release/server/mileage brand region dealer store
  brand=$("$bin" admin create-brand --config "$config" --name Bench)
  region=$("$bin" admin create-region --config "$config" --brand "$brand" --name R)
  dealer=$("$bin" admin create-dealer --config "$config" --region "$region" --name D)
  store=$("$bin" admin create-store --config "$config" --dealer "$dealer" --name S)
  printf 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb' >"$work/apiv3.key"
  "$bin" admin add-app --config "$config" --brand "$brand" --appid wx8888888888888888 \
    --kind miniprogram --name Bench >/dev/null
  # The SDK's certificate of this key pair expired (registration refuses it); its WeChat Pay
  # public key has no expiry.
  "$bin" admin add-merchant --config "$config" --store "$store" --mchid 1900000001 \
    --appid wx8888888888888888 --apiv3-key-file "$work/apiv3.key" \
    --platform-key PUB_KEY_ID_0114232134912410000000000000=tests/testdata/wechat/java_wechat_pay_public_key.pem \
    >/dev/null
}

# _notify_run NAME CONFIG PORT: serve CONFIG, run the load ROUNDS times, append
# "NAME rps p50 p99 ping_rps ping_p50 ping_p99 failed" per round to $work/notify.
_notify_run() {
  local name="$1" config="$2" port="$3" pid out
  _notify_bootstrap "$config"
  build/release/server/mileage serve --config "$config" >"$work/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_http "http://127.0.0.1:$port/healthz"
  for _ in $(seq 1 "$ROUNDS"); do
    out=$(build/release/bench/payments/notification_load 127.0.0.1 "$port" 1900000001 \
      wx8888888888888888 "$work/apiv3.key" PUB_KEY_ID_0114232134912410000000000000 \
      tests/testdata/wechat/java_wechat_pay_private_key.pem "$NOTIFY_CONNECTIONS" "$DURATION" 5000) ||
      { echo "bench: notifications failed on $name:"; echo "$out"; tail -5 "$work/$name.log"; } >&2
    echo "$out" | awk -v n="$name" '$1=="notify" {r=$2; a=$3; b=$4; f=$5}
      $1=="ping" {print n, r, a, b, $2, $3, $4, f}' >>"$work/notify"
  done
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

bench_notifications() {
  local port
  port=$(free_port)
  bench_config "$work/notify-sqlite.json" "$port" "sqlite:$work/notify.db" memory
  _notify_run sqlite "$work/notify-sqlite.json" "$port"

  mariadb_redis_start "$work/notify-servers"
  port=$(free_port)
  bench_config "$work/notify-mariadb.json" "$port" "$MILEAGE_TEST_MYSQL_URL" "$MILEAGE_TEST_REDIS_URL"
  _notify_run mariadb "$work/notify-mariadb.json" "$port"
  mariadb_redis_stop

  echo
  echo "Payment notifications, $(nproc) cores, $NOTIFY_CONNECTIONS connections, ${DURATION}s, median of $ROUNDS rounds"
  echo "(each a new transaction: verify + decrypt + enroll/find member + points + commit; SQLite"
  echo "synchronous=FULL with group commit, MariaDB innodb_flush_log_at_trx_commit=1):"
  echo
  echo "| backend | notifications/s | p50 ms | p99 ms | GET /ping req/s (same run) | ratio | failed |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for name in sqlite mariadb; do
    grep "^$name " "$work/notify" | sort -k2 -g | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}' |
      awk '{printf "| %s | %.0f | %s | %s | %.0f | %.3f | %s |\n", $1, $2, $3, $4, $5, $2/$5, $8}'
  done
}

# shellcheck shell=bash
# The coupon part of scripts/bench (sourced; uses $work, $pids, free_port, wait_http,
# bench_config, mariadb_redis_start/stop, DURATION, ROUNDS, CONNECTIONS from it). For each
# backend: a fresh database with a brand, a store, the sandbox's mini-program and a brand admin
# (through `mileage admin`), the WeChat sandbox for code2Session, the service, then
# bench/coupons/claim_load ROUNDS times (median by claims/s).

_coupons_bootstrap() {  # CONFIG -> prints "BRAND STORE"
  local config="$1" bin=build/release/server/mileage brand region dealer store
  brand=$("$bin" admin create-brand --config "$config" --name Bench)
  region=$("$bin" admin create-region --config "$config" --brand "$brand" --name R)
  dealer=$("$bin" admin create-dealer --config "$config" --region "$region" --name D)
  store=$("$bin" admin create-store --config "$config" --dealer "$dealer" --name S)
  printf 'sandbox-secret' >"$work/app.secret"
  "$bin" admin add-miniprogram --config "$config" --brand "$brand" --appid wx8888888888888888 \
    --secret-file "$work/app.secret" >/dev/null
  printf 'bench-pass-word' >"$work/staff.password"
  "$bin" admin create-user --config "$config" --username bench --role brand_admin \
    --scope-type brand --scope-id "$brand" --password-file "$work/staff.password" >/dev/null
  echo "$brand $store"
}

# _coupons_run NAME CONFIG PORT: appends "NAME claim_rps p50 p99 ping_rps redeem_rps p50 p99
# sellout_total created issued failed" per round to $work/coupons.
_coupons_run() {
  local name="$1" config="$2" port="$3" pid out ids
  ids=$(_coupons_bootstrap "$config")
  build/release/server/mileage serve --config "$config" >"$work/$name-coupons.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_http "http://127.0.0.1:$port/healthz"
  for _ in $(seq 1 "$ROUNDS"); do
    # shellcheck disable=SC2086  # ids is "BRAND STORE"
    out=$(build/release/bench/coupons/claim_load 127.0.0.1 "$port" wx8888888888888888 $ids \
      bench bench-pass-word "$CONNECTIONS" "$DURATION" 20) ||
      { echo "bench: claims failed on $name:"; echo "$out"; tail -5 "$work/$name-coupons.log"; } >&2
    echo "$out" | awk -v n="$name" '$1=="claim" {c=$2; cp50=$3; cp99=$4; f=$5}
      $1=="ping" {p=$2} $1=="redeem" {r=$2; rp50=$3; rp99=$4; f+=$5}
      $1=="sellout" {print n, c, cp50, cp99, p, r, rp50, rp99, $2, $3, $4, f}' >>"$work/coupons"
  done
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

bench_coupons() {
  local port sandbox_port sandbox_pid
  sandbox_port=$(free_port)
  cat >"$work/sandbox.json" <<JSON
{"listen": "127.0.0.1:$sandbox_port", "state_dir": "$work/sandbox",
 "mini_programs": [{"appid": "wx8888888888888888", "secret": "sandbox-secret"}]}
JSON
  build/release/server/mileage sandbox serve --config "$work/sandbox.json" >"$work/sandbox.log" 2>&1 &
  sandbox_pid=$!
  pids+=("$sandbox_pid")
  wait_http "http://127.0.0.1:$sandbox_port/sandbox"

  local wechat="\"wechat_api_base_url\": \"http://127.0.0.1:$sandbox_port\","
  port=$(free_port)
  bench_config "$work/coupons-sqlite.json" "$port" "sqlite:$work/coupons.db" memory "$wechat"
  _coupons_run sqlite "$work/coupons-sqlite.json" "$port"

  mariadb_redis_start "$work/coupons-servers"
  port=$(free_port)
  bench_config "$work/coupons-mariadb.json" "$port" "$MILEAGE_TEST_MYSQL_URL" \
    "$MILEAGE_TEST_REDIS_URL" "$wechat"
  _coupons_run mariadb "$work/coupons-mariadb.json" "$port"
  mariadb_redis_stop
  kill "$sandbox_pid"
  wait "$sandbox_pid" 2>/dev/null || true

  echo
  echo "Coupon claims on one hot stock, $(nproc) cores, $CONNECTIONS connections, ${DURATION}s, median of $ROUNDS rounds"
  echo "(each 201 a committed coupon: session check + eligibility + counter shard + slot + coupon"
  echo "row + outbox in one transaction; then redemptions of the claimed coupons by the brand"
  echo "admin; then a sell-out of a 2,000 stock by 4,000 claims under the same load):"
  echo
  echo "| backend | claims/s | p50 ms | p99 ms | GET /ping req/s | ratio | redemptions/s | redeem p50 ms | redeem p99 ms | sell-out: total / 201s / issued | failed |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"
  for name in sqlite mariadb; do
    grep "^$name " "$work/coupons" | sort -k2 -g | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}' |
      awk '{printf "| %s | %.0f | %s | %s | %.0f | %.3f | %.0f | %s | %s | %s / %s / %s | %s |\n",
        $1, $2, $3, $4, $5, $2/$5, $6, $7, $8, $9, $10, $11, $12}'
  done
}

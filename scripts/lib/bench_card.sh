# shellcheck shell=bash
# The owner-card part of scripts/bench (sourced; uses $work, $pids, free_port, wait_http,
# bench_config, DURATION, ROUNDS, CONNECTIONS from it). On SQLite with the in-process Kv: a
# fresh database with a brand, a store, the sandbox's mini-program and merchant (registered from
# `mileage sandbox export`) and a brand admin, the WeChat sandbox for code2Session and payments,
# the service, then bench/card/card_load ROUNDS times (median by cards/s). Each round signs in
# its own members, pays twice for each through the sandbox and claims two coupons each, so the
# database grows a little from round to round.

_card_bootstrap() {  # CONFIG SANDBOX_STATE -> prints BRAND
  local config="$1" state="$2" bin=build/release/server/mileage brand region dealer store
  brand=$("$bin" admin create-brand --config "$config" --name Bench)
  region=$("$bin" admin create-region --config "$config" --brand "$brand" --name R)
  dealer=$("$bin" admin create-dealer --config "$config" --region "$region" --name D)
  store=$("$bin" admin create-store --config "$config" --dealer "$dealer" --name S)
  printf 'sandbox-secret' >"$work/card-app.secret"
  "$bin" admin add-miniprogram --config "$config" --brand "$brand" --appid wx8888888888888888 \
    --secret-file "$work/card-app.secret" >/dev/null
  # `sandbox export --out` prints the add-merchant options for the files it wrote.
  local merchant
  merchant=$("$bin" sandbox export --state-dir "$state" --mchid 1900000001 \
    --out "$work/card-export" | sed -n 's/^mileage admin add-merchant --store STORE_ID //p')
  # shellcheck disable=SC2086  # merchant is a list of options without spaces inside
  "$bin" admin add-merchant --config "$config" --store "$store" $merchant >/dev/null
  printf 'bench-pass-word' >"$work/card-staff.password"
  "$bin" admin create-user --config "$config" --username bench --role brand_admin \
    --scope-type brand --scope-id "$brand" --password-file "$work/card-staff.password" >/dev/null
  echo "$brand"
}

bench_card() {
  local port sandbox_port sandbox_pid pid brand out
  sandbox_port=$(free_port)
  cat >"$work/card-sandbox.json" <<JSON
{"listen": "127.0.0.1:$sandbox_port", "state_dir": "$work/card-sandbox",
 "mini_programs": [{"appid": "wx8888888888888888", "secret": "sandbox-secret"}]}
JSON
  build/release/server/mileage sandbox serve --config "$work/card-sandbox.json" \
    >"$work/card-sandbox.log" 2>&1 &
  sandbox_pid=$!
  pids+=("$sandbox_pid")
  wait_http "http://127.0.0.1:$sandbox_port/sandbox"

  port=$(free_port)
  bench_config "$work/card-sqlite.json" "$port" "sqlite:$work/card.db" memory \
    "\"wechat_api_base_url\": \"http://127.0.0.1:$sandbox_port\","
  brand=$(_card_bootstrap "$work/card-sqlite.json" "$work/card-sandbox")
  build/release/server/mileage serve --config "$work/card-sqlite.json" >"$work/card.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_http "http://127.0.0.1:$port/healthz"
  for _ in $(seq 1 "$ROUNDS"); do
    out=$(build/release/bench/card/card_load 127.0.0.1 "$port" wx8888888888888888 \
      "$sandbox_port" 1900000001 bench bench-pass-word "$brand" "$CONNECTIONS" "$DURATION" 4) ||
      { echo "bench: cards failed:"; echo "$out"; tail -5 "$work/card.log"; } >&2
    echo "$out" | awk '$1=="card" {c=$2; p50=$3; p99=$4; f=$5}
      $1=="ping" {print "sqlite", c, p50, p99, $2, $3, $4, f}' >>"$work/card"
  done
  kill "$pid" "$sandbox_pid"
  wait "$pid" "$sandbox_pid" 2>/dev/null || true

  echo
  echo "Owner card GET /api/mp/card, $(nproc) cores, $CONNECTIONS connections, ${DURATION}s, median of $ROUNDS rounds"
  echo "(session check + member + rolling activity + points summary + usable coupons count + vehicles, one"
  echo "query each, + a signed member code; members with two payments and four coupons each):"
  echo
  echo "| backend | cards/s | p50 ms | p99 ms | GET /ping req/s | ping p50 ms | ping p99 ms | ratio | failed |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  sort -k2 -g "$work/card" | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}' |
    awk '{printf "| %s | %.0f | %s | %s | %.0f | %s | %s | %.2f | %s |\n",
      $1, $2, $3, $4, $5, $6, $7, $2/$5, $8}'
}

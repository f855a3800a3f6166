# shellcheck shell=bash
# The console-reports part of scripts/bench (sourced; uses $work, $pids, free_port, wait_http,
# bench_config, mariadb_redis_start/stop from it). Not in the default PARTS: generating the data
# takes minutes. On SQLite, then on MariaDB + Redis: a fresh database migrated by `mileage admin`
# with one brand, 2 regions x 5 dealers x 4 stores and a brand admin, a dealer manager and a
# store clerk; bench/reports/generate.py's year of data (REPORT_PAYMENTS payments, default
# 1,000,000) loaded through the sqlite3 / mariadb client, timed; then `mileage serve` and
# bench/reports/dashboard_timing.py: the 30-day dashboard (summary + daily + funnel, in turn)
# REPORT_ROUNDS times per role, p50/p95, and the report statements' plans for the dealer.

_reports_password="bench-pass-word"

# _reports_org CONFIG: the org and the three staff; prints "brand region dealer store" of the
# dealer manager's dealer and the clerk's store, and writes the stores' paths to $work.
_reports_org() {
  local config="$1" bin=build/release/server/mileage brand region dealer store r d s
  local -a stores=()
  brand=$("$bin" admin create-brand --config "$config" --name Bench)
  for r in 1 2; do
    region=$("$bin" admin create-region --config "$config" --brand "$brand" --name "R$r")
    for d in 1 2 3 4 5; do
      dealer=$("$bin" admin create-dealer --config "$config" --region "$region" --name "D$r$d")
      for s in 1 2 3 4; do
        store=$("$bin" admin create-store --config "$config" --dealer "$dealer" --name "S$r$d$s")
        stores+=("$brand:$region:$dealer:$store")
      done
    done
  done
  (IFS=,; echo "${stores[*]}") >"$work/reports-stores"
  printf '%s' "$_reports_password" >"$work/reports-staff.password"
  IFS=: read -r brand region dealer store <<<"${stores[0]}"
  local role scope_type scope_id
  for role in brand_admin:brand:$brand dealer_manager:dealer:$dealer store_clerk:store:$store; do
    IFS=: read -r role scope_type scope_id <<<"$role"
    "$bin" admin create-user --config "$config" --username "bench_$role" --role "$role" \
      --scope-type "$scope_type" --scope-id "$scope_id" \
      --password-file "$work/reports-staff.password" >/dev/null
  done
  echo "$brand $region $dealer $store"
}

# _reports_run NAME CONFIG DATABASE LOAD...: bootstrap, generate and load (LOAD is the client
# command that reads SQL on stdin), serve, time; appends its lines to $work/reports-NAME.
_reports_run() {
  local name="$1" config="$2" database="$3" port="$4" brand region dealer store started pid
  shift 4
  read -r brand region dealer store < <(_reports_org "$config")
  started=$(date +%s)
  python3 bench/reports/generate.py --stores "$(cat "$work/reports-stores")" \
    --payments "${REPORT_PAYMENTS:-1000000}" --members "${REPORT_MEMBERS:-200000}" \
    --coupons "${REPORT_COUPONS:-300000}" --spends "${REPORT_SPENDS:-100000}" \
    2>>"$work/reports-$name" | "$@"
  echo "generation $(($(date +%s) - started))" >>"$work/reports-$name"
  build/release/server/mileage serve --config "$config" >"$work/reports-$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_http "http://127.0.0.1:$port/healthz"
  python3 bench/reports/dashboard_timing.py --port "$port" --rounds "${REPORT_ROUNDS:-50}" \
    --user "bench_brand_admin:$_reports_password" \
    --user "bench_dealer_manager:$_reports_password" \
    --user "bench_store_clerk:$_reports_password" \
    --explain "$database" --brand "$brand" --region "$region" --dealer "$dealer" \
    >>"$work/reports-$name" ||
    { echo "bench: reports on $name failed"; tail -5 "$work/reports-$name.log"; } >&2
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

bench_reports() {
  local port name
  port=$(free_port)
  bench_config "$work/reports-sqlite.json" "$port" "sqlite:$work/reports.db" memory
  _reports_run sqlite "$work/reports-sqlite.json" "sqlite:$work/reports.db" "$port" \
    sqlite3 "$work/reports.db"

  mariadb_redis_start "$work/reports-servers"
  port=$(free_port)
  bench_config "$work/reports-mariadb.json" "$port" "$MILEAGE_TEST_MYSQL_URL" \
    "$MILEAGE_TEST_REDIS_URL"
  local url="${MILEAGE_TEST_MYSQL_URL#mysql://}"
  local hostport="${url#*@}"
  hostport="${hostport%%/*}"
  _reports_run mariadb "$work/reports-mariadb.json" "$MILEAGE_TEST_MYSQL_URL" "$port" \
    mariadb --host=127.0.0.1 --port="${hostport#*:}" --user=mileage --password=mileage \
    "${url##*/}"
  mariadb_redis_stop

  echo
  echo "Console reports: the 30-day dashboard (summary + daily?days=30 + funnel?days=30, one after"
  echo "the other on one connection, as the page loads them), ${REPORT_ROUNDS:-50} loads per role"
  echo "after one warm-up, $(nproc) cores, $(date -u +%Y-%m-%d):"
  echo
  for name in sqlite mariadb; do
    grep '^generated' "$work/reports-$name" | sed "s/^/$name: /"
    awk -v n="$name" '$1=="generation" {print n ": generated and loaded in " $2 " s"}' \
      "$work/reports-$name"
  done
  echo
  echo "| backend | role | p50 ms | p95 ms | max ms | loads | payments in 30 days | campaigns |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
  for name in sqlite mariadb; do
    awk -v n="$name" '$1=="dashboard" {sub("bench_", "", $2);
      printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", n, $2, $3, $4, $5, $6, $7, $8}' \
      "$work/reports-$name"
  done
  for name in sqlite mariadb; do
    echo
    echo "$name plans (dealer, and the brand-only numbers):"
    sed -n '/^plan /,$p' "$work/reports-$name"
  done
}

#!/usr/bin/env bash
# scripts/check-layering must pass on the repository and fail on each forbidden include.
set -uo pipefail
repo="$1"
check="$repo/scripts/check-layering"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
passes=0

expect() {  # expect EXIT_CODE DESCRIPTION ROOT
  "$check" "$3" >"$work/out" 2>&1
  local got=$?
  if [ "$got" -ne "$1" ]; then
    echo "FAIL: $2: exit $got, wanted $1"; cat "$work/out"; failures=$((failures + 1))
  else
    echo "ok: $2"; passes=$((passes + 1))
  fi
}

expect 0 "the repository itself" "$repo"

violating_tree() {  # violating_tree NAME FILE LINE
  local root="$work/$1"
  mkdir -p "$root/$(dirname "$2")"
  printf '#pragma once\n%s\n' "$3" >"$root/$2"
  echo "$root"
}
expect 1 "common includes httplib" "$(violating_tree a common/x.h '#include <httplib.h>')"
expect 1 "domain includes RapidJSON" "$(violating_tree b members/m.h '#include <rapidjson/document.h>')"
expect 1 "domain includes a MySQL driver header" "$(violating_tree c points/p.cc '#include <cppconn/driver.h>')"
expect 1 "domain includes sqlite3.h" "$(violating_tree d coupons/c.h '#include "sqlite3.h"')"
expect 1 "domain includes hiredis" "$(violating_tree e payments/p.h '#include <hiredis/hiredis.h>')"
expect 1 "domain includes server/" "$(violating_tree f org/o.h '#include "server/app.h"')"
expect 1 "db interface includes sqlite3.h" "$(violating_tree g db/db.h '#include <sqlite3.h>')"
expect 1 "kv interface includes hiredis" "$(violating_tree h kv/kv.h '#include <hiredis/hiredis.h>')"
expect 1 "common includes db/" "$(violating_tree i common/c.h '#include "db/db.h"')"
expect 1 "the wechat core includes httplib" "$(violating_tree k wechat/pay/n.h '#include <httplib.h>')"
expect 1 "the wechat core includes the Kv" "$(violating_tree l wechat/pay/n.cc '#include "kv/kv.h"')"
expect 1 "members includes points/" "$(violating_tree n members/m.h '#include "points/ledger.h"')"
expect 1 "members includes the wechat core" "$(violating_tree o members/m.cc '#include "wechat/pay/notification.h"')"
expect 1 "members includes the migration runner" "$(violating_tree p members/m.cc '#include "db/migrate.h"')"
expect 0 "members may use org, the db and kv interfaces and their protocols" "$(violating_tree q members/m.cc '#include "org/types.h"
#include "crypto/digest.h"
#include "db/db.h"
#include "db/sql_dialect.h"
#include "db/outbox.h"
#include "kv/kv.h"
#include "kv/fixed_window.h"
#include "kv/sliding_sessions.h"')"
expect 1 "members includes the Redis driver" "$(violating_tree y members/m.cc '#include "kv/redis/redis_kv.h"')"
expect 1 "members includes the connection pool" "$(violating_tree z members/m.cc '#include "db/pool.h"')"
expect 1 "crypto includes the wechat core" "$(violating_tree u crypto/x.cc '#include "wechat/reasons.h"')"
expect 1 "crypto includes org" "$(violating_tree v crypto/x.h '#include "org/types.h"')"
expect 1 "crypto includes httplib" "$(violating_tree w crypto/x.h '#include <httplib.h>')"
expect 1 "common includes crypto" "$(violating_tree x common/c.h '#include "crypto/hex.h"')"
expect 1 "a domain module includes the JSON reader" "$(violating_tree y members/m.cc '#include "json/reader.h"')"
expect 1 "json includes the wechat core" "$(violating_tree z json/r.cc '#include "wechat/reasons.h"')"
expect 1 "points includes coupons" "$(violating_tree r points/l.cc '#include "coupons/stock.h"')"
expect 1 "points includes the wechat core" "$(violating_tree s points/l.h '#include "wechat/pay/notification.h"')"
expect 0 "points may include members" "$(violating_tree t points/l.cc '#include "members/member.h"')"
expect 1 "coupons includes payments" "$(violating_tree y coupons/c.cc '#include "payments/payment_recorder.h"')"
expect 1 "coupons includes the server" "$(violating_tree z coupons/c.h '#include "server/app.h"')"
expect 1 "coupons includes the wechat core" "$(violating_tree aa coupons/c.cc '#include "wechat/pay/notification.h"')"
expect 1 "coupons includes the migration runner" "$(violating_tree ab coupons/c.cc '#include "db/migrate.h"')"
expect 1 "coupons includes a driver folder" "$(violating_tree ac coupons/c.cc '#include "db/mysql/mysql_db.h"')"
expect 0 "coupons may use org, members, points, crypto and the db interfaces" "$(violating_tree ad coupons/c.cc '#include "org/authorizer.h"
#include "members/member_store.h"
#include "points/ledger.h"
#include "crypto/digest.h"
#include "db/db.h"
#include "db/outbox.h"
#include "db/paged_query.h"
#include "db/sql_dialect.h"
#include "db/transaction_runner.h"
#include "kv/kv.h"')"
expect 0 "payments may include coupons" "$(violating_tree ae payments/p.cc '#include "coupons/payment_rewards.h"')"
expect 1 "care includes payments" "$(violating_tree af care/a.cc '#include "payments/payment_recorder.h"')"
expect 1 "care includes points" "$(violating_tree ag care/a.cc '#include "points/ledger.h"')"
expect 1 "care includes the server" "$(violating_tree ah care/a.h '#include "server/app.h"')"
expect 1 "care includes httplib" "$(violating_tree ai care/a.h '#include <httplib.h>')"
expect 1 "care includes the connection pool" "$(violating_tree aj care/a.cc '#include "db/pool.h"')"
expect 1 "coupons includes care" "$(violating_tree ak coupons/c.cc '#include "care/types.h"')"
expect 1 "members includes care" "$(violating_tree al members/m.cc '#include "care/types.h"')"
expect 0 "care may use org, members, coupons, crypto and the db and kv interfaces" "$(violating_tree am care/a.cc '#include "org/authorizer.h"
#include "members/member_codes.h"
#include "coupons/redemption_service.h"
#include "crypto/digest.h"
#include "db/db.h"
#include "db/outbox.h"
#include "db/paged_query.h"
#include "kv/kv.h"')"
expect 1 "growth includes the server" "$(violating_tree gr1 growth/g.cc '#include "server/app.h"')"
expect 1 "growth includes httplib" "$(violating_tree gr2 growth/g.h '#include <httplib.h>')"
expect 1 "growth includes the connection pool" "$(violating_tree gr3 growth/g.cc '#include "db/pool.h"')"
expect 1 "payments includes growth" "$(violating_tree gr4 payments/p.cc '#include "growth/feedback_types.h"')"
expect 1 "coupons includes growth" "$(violating_tree gr5 coupons/c.cc '#include "growth/feedback_types.h"')"
expect 0 "growth may use payments, coupons, members, org and the db interfaces" "$(violating_tree gr6 growth/g.cc '#include "payments/payment_store.h"
#include "coupons/coupon_store.h"
#include "members/member_sessions.h"
#include "org/authorizer.h"
#include "db/paged_query.h"')"
expect 1 "relay includes httplib" "$(violating_tree rl1 relay/r.cc '#include <httplib.h>')"
expect 1 "relay includes RapidJSON" "$(violating_tree rl2 relay/r.h '#include <rapidjson/document.h>')"
expect 1 "relay includes payments" "$(violating_tree rl3 relay/r.cc '#include "payments/payment_recorder.h"')"
expect 1 "relay includes the server" "$(violating_tree rl4 relay/r.cc '#include "server/app.h"')"
expect 0 "relay may use org, crypto and the db interface" "$(violating_tree rl5 relay/r.cc '#include "org/authorizer.h"
#include "crypto/field_cipher.h"
#include "db/outbox.h"')"
expect 0 "the wechat client may use httplib" "$(violating_tree m wechat/client/c.cc '#include <httplib.h>')"
expect 0 "a driver folder may include its driver" "$(violating_tree j db/sqlite/s.cc '#include <sqlite3.h>')"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]

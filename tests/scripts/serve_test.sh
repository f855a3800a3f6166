#!/usr/bin/env bash
# scripts/serve, as a newcomer runs it, with an existing binary on free ports and a temporary
# var dir: it starts the sandbox and the service, sets up the demo organisation (merchant,
# mini-program with its secret, console user demo), prints a payment command that reaches the
# service and a member login that finds the member it made, stops both on SIGTERM without
# leaving a process behind, and a second run reuses everything instead of failing.
# Usage: serve_test.sh REPO MILEAGE_BINARY
set -uo pipefail
repo=$1
bin=$2
work=$(mktemp -d)
var="$work/var"
failures=0
passes=0
script_pid=""

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
serve_port=$(free_port)
sandbox_port=$(free_port)
base="http://127.0.0.1:$serve_port"

# The processes scripts/serve started for this test: their command lines name $work.
leftovers() { pgrep -f -- "$work/" || true; }

cleanup() {
  if [[ -n $script_pid ]]; then kill -TERM "$script_pid" 2>/dev/null; wait "$script_pid"; fi
  local pid
  for pid in $(leftovers); do kill -KILL "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

check() {  # check DESCRIPTION COMMAND...
  if "${@:2}"; then
    echo "ok: $1"; passes=$((passes + 1))
  else
    echo "FAIL: $1"; failures=$((failures + 1)); return 1
  fi
}

# start_serve OUT: runs scripts/serve in the background; waits for its banner (the service up).
start_serve() {
  MILEAGE_BIN=$bin MILEAGE_VAR_DIR=$var MILEAGE_SERVE_PORT=$serve_port \
    MILEAGE_SANDBOX_PORT=$sandbox_port "$repo/scripts/serve" --no-build >"$1" 2>&1 &
  script_pid=$!
  local _
  for _ in $(seq 1200); do
    if grep -q '^Make a simulated payment' "$1"; then return 0; fi
    if ! kill -0 "$script_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "scripts/serve did not come up; its output:"; cat "$1"
  return 1
}

# stop_serve: SIGTERM to the script; true when it and everything it started are gone in 30 s.
stop_serve() {
  kill -TERM "$script_pid"
  local _
  for _ in $(seq 300); do
    if ! kill -0 "$script_pid" 2>/dev/null && [[ -z $(leftovers) ]]; then
      wait "$script_pid"
      script_pid=""
      return 0
    fi
    sleep 0.1
  done
  echo "still running after SIGTERM:"
  ps -o pid,args -p "$script_pid" || true
  pgrep -af -- "$work/" || true
  return 1
}

healthy() { curl -fsS "$base/healthz" | grep -q '"status":"ok"'; }
login() {  # prints the token of demo
  curl -fsS -X POST "$base/api/console/login" \
    -d "{\"username\":\"demo\",\"password\":\"$(cat "$var/demo-password")\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
merchants() {  # prints "total mchid store_id" of GET /api/console/merchants
  curl -fsS "$base/api/console/merchants" -H "Authorization: Bearer $1" |
    python3 -c 'import json, sys
d = json.load(sys.stdin)
print(d["total"], *[(m["mchid"], m["store_id"]) for m in d["items"]])'
}
mode_is_0600() { [[ $(stat -c %a "$1") == 600 ]]; }
same_file() { cmp -s "$1" "$2"; }
no_leftovers() { [[ -z $(leftovers) ]]; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- First run: nothing in var/.
if ! start_serve "$work/run1.out"; then exit 1; fi
check "the service answers /healthz" healthy
token=$(login)
check "demo logs in with the password in var/demo-password" test -n "$token"
check "var/demo-password is 0600" mode_is_0600 "$var/demo-password"
store_id=$(sed -n 's/^DEMO_STORE_ID=//p' "$var/demo.env")
check "the sandbox merchant is registered on the demo store" \
  test "$(merchants "$token")" == "1 ('1900000001', $store_id)"
check "the service config points WeChat at the sandbox" \
  grep -q "\"wechat_pay_base_url\": \"http://127.0.0.1:$sandbox_port\"" "$var/serve.json"

# The printed payment command reaches the sandbox, whose notification reaches this service
# (on its port, not 8080) and is accepted; the payer is then a member with the payment's points.
pay=$(grep -A1 '^Make a simulated payment' "$work/run1.out" | tail -n 1)
check "the payment command is printed" grep -q "sandbox pay --amount 8800 --openid-code alice" \
  <<<"$pay"
eval "$pay" >"$work/pay.out" 2>&1
check "the payment is made and accepted by the service" grep -q 'first attempt: HTTP 204' \
  "$work/pay.out" || cat "$work/pay.out"
openid=$(sed -n 's/.*"payer_openid":"\([^"]*\)".*/\1/p' "$work/pay.out")
member_points() {  # prints "number tier points" of the member the payment made
  local id
  id=$(curl -fsS "$base/api/console/members?q=$openid" -H "Authorization: Bearer $token" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')
  curl -fsS "$base/api/console/members/$id/points" -H "Authorization: Bearer $token" |
    python3 -c 'import json, sys
d = json.load(sys.stdin)
print(d["total"], d["items"][0]["points"], d["items"][0]["reason"])'
}
check "the payer is a member with 88 points for the payment" \
  test "$(member_points)" == "1 88 payment"

# The printed member login (alice's wx.login code, answered by the sandbox) finds that member.
paid_member=$(curl -fsS "$base/api/console/members?q=$openid" -H "Authorization: Bearer $token" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')
mp_login=$(grep -m1 -- "-X POST $base/api/mp/login" "$work/run1.out")
check "the member login command is printed" grep -q '"code":"alice"' <<<"$mp_login"
mp_field() {  # mp_field JSON FIELD...: prints the value at the path, or nothing
  python3 -c 'import json, sys
v = json.loads(sys.argv[1])
for k in sys.argv[2:]: v = v[k]
print(v)' "$@" 2>/dev/null
}
login_answer=$(eval "$mp_login")
member_token=$(mp_field "$login_answer" token)
check "alice logs in to the member API as the member the payment made" \
  test "$(mp_field "$login_answer" member id)" == "$paid_member"
me() { curl -sS "$base/api/mp/me" -H "Authorization: Bearer $member_token"; }
check "her member token works on /api/mp/me" test "$(mp_field "$(me)" member id)" == "$paid_member"

# An operator suspends her from the command line (another process, its own Kv): the running
# service ends her session within its 5 s truth cache, and she cannot log in until reactivated.
admin() { "$bin" admin "$@" --config "$var/serve.json"; }
check "mileage admin suspend-member prints the member" \
  test "$(admin suspend-member --member "$paid_member")" == "$paid_member"
session_ends() {
  local _
  for _ in $(seq 150); do
    [[ $(mp_field "$(me)" code) == MEMBER_SUSPENDED ]] && return 0
    sleep 0.1
  done
  me
  return 1
}
check "the suspended member's session ends" session_ends
check "a suspended member cannot log in" \
  test "$(mp_field "$(eval "$mp_login")" code)" == MEMBER_SUSPENDED
admin reactivate-member --member "$paid_member" >/dev/null
check "reactivated, she logs in again" \
  test "$(mp_field "$(eval "$mp_login")" member id)" == "$paid_member"

cp "$var/demo.env" "$work/demo.env.first"
cp "$var/demo-password" "$work/password.first"
check "SIGTERM stops the script, the service and the sandbox" stop_serve
check "both ports are free again" port_free "$serve_port"
check "  (the sandbox's too)" port_free "$sandbox_port"

# --- Second run: the same var/, nothing created twice.
if ! start_serve "$work/run2.out"; then exit 1; fi
check "the second run serves again" healthy
check "the second run reuses the demo organisation" same_file "$var/demo.env" "$work/demo.env.first"
check "the second run keeps the password" same_file "$var/demo-password" "$work/password.first"
token=$(login)
check "demo still logs in" test -n "$token"
check "the merchant is still registered once" \
  test "$(merchants "$token")" == "1 ('1900000001', $store_id)"
check "alice still logs in as the same member" \
  test "$(mp_field "$(eval "$mp_login")" member id)" == "$paid_member"
check "the second run also stops cleanly" stop_serve

# --- Third run: a demo made before member login (no mini-program step recorded, its app without
# a secret, as the merchant-trust migration made it) gets the secret, once.
grep -v '^DEMO_MINIPROGRAM_ID=' "$work/demo.env.first" >"$var/demo.env"
python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE brand_apps SET secret_sealed = \x27\x27")
db.commit()' "$var/mileage.db"
if ! start_serve "$work/run3.out"; then exit 1; fi
check "the third run records the mini-program step" \
  grep -q "^DEMO_MINIPROGRAM_ID=$(sed -n 's/^DEMO_MINIPROGRAM_ID=//p' "$work/demo.env.first")\$" \
  "$var/demo.env"
check "alice logs in once the secret is registered" \
  test "$(mp_field "$(eval "$mp_login")" member id)" == "$paid_member"
check "the third run also stops cleanly" stop_serve
check "nothing is left running" no_leftovers

echo "$passes passed, $failures failed"
[[ $failures -eq 0 ]]

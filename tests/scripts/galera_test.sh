#!/usr/bin/env bash
# Mileage on the three-node MariaDB Galera cluster of MILEAGE_TEST_GALERA_URLS (scripts/test
# starts one with scripts/lib/galera.sh and exports MILEAGE_TEST_GALERA_DIR too): the Galera
# suite (a write through node 1 read on nodes 2 and 3, wsrep_sync_wait, a commit that loses
# certification, one notification delivered to the three nodes at once), the db contract
# (with the schema's primary-key rule) on node 2, the payment notifications on node 3 and the
# coupon claim race on node 1; then node 3 is killed under traffic, restarted (IST) and read
# again. Exits 77 (ctest: skipped) without a cluster when MILEAGE_TEST_ALLOW_SKIP=1.
# Usage: galera_test.sh REPO GALERA_TEST DB_CONTRACT_TEST PAYMENTS_TEST COUPONS_RACE_TEST
set -uo pipefail
repo=$1
galera_test=$2
db_contract_test=$3
payments_test=$4
coupons_race_test=$5

if [[ -z ${MILEAGE_TEST_GALERA_URLS:-} || -z ${MILEAGE_TEST_GALERA_DIR:-} ]]; then
  if [[ ${MILEAGE_TEST_ALLOW_SKIP:-} == 1 ]]; then
    echo "galera_test: MILEAGE_TEST_GALERA_URLS/MILEAGE_TEST_GALERA_DIR not set; skipped"
    exit 77
  fi
  echo "galera_test: MILEAGE_TEST_GALERA_URLS and MILEAGE_TEST_GALERA_DIR are not set" \
    "(scripts/test starts a cluster; set MILEAGE_TEST_ALLOW_SKIP=1 to skip)" >&2
  exit 1
fi
read -r -a urls <<<"$MILEAGE_TEST_GALERA_URLS"
if [[ ${#urls[@]} -ne 3 ]]; then
  echo "galera_test: MILEAGE_TEST_GALERA_URLS must hold three URLs" >&2
  exit 1
fi

failures=0
step() {
  local name=$1 started=$SECONDS
  shift
  echo "== $name"
  if "$@"; then
    echo "== $name: ok ($((SECONDS - started)) s)"
  else
    echo "== $name: FAILED ($((SECONDS - started)) s)"
    failures=$((failures + 1))
  fi
}
on_node() {
  local node=$1
  shift
  MILEAGE_TEST_MYSQL_URL=${urls[$((node - 1))]} "$@"
}

step "galera suite" "$galera_test" --gtest_brief=1
step "db contract on node 2" on_node 2 "$db_contract_test" --gtest_brief=1 \
  --gtest_filter='*Mysql*'
step "payment notifications on node 3" on_node 3 "$payments_test" --gtest_brief=1 \
  --gtest_filter='*NotificationTest*Mysql*'
step "coupon claim race on node 1" on_node 1 "$coupons_race_test" --gtest_brief=1 \
  --gtest_filter='*Mysql*'

# Node 3 killed under traffic (its current pid from the cluster's pid files: an earlier run may
# have restarted it); then it rejoins and serves what was written meanwhile.
# shellcheck source=scripts/lib/galera.sh
source "$repo/scripts/lib/galera.sh"
if ! galera_attach "$MILEAGE_TEST_GALERA_DIR"; then
  echo "galera_test: cannot attach to the cluster in $MILEAGE_TEST_GALERA_DIR" >&2
  exit 1
fi
step "node 3 killed" env MILEAGE_TEST_GALERA_KILL_NODE=3 "$galera_test" --gtest_brief=1 \
  --gtest_filter='GaleraNodeFailureTest.*'
step "node 3 restarted" galera_restart_node 3
step "galera suite after the restart" "$galera_test" --gtest_brief=1 \
  --gtest_filter='*ThroughNode1IsReadOnNodes2And3*:*DeliveredToThreeNodes*'

if [[ $failures -ne 0 ]]; then
  echo "galera_test: $failures step(s) failed"
  exit 1
fi
echo "galera_test: all steps passed in $SECONDS s"

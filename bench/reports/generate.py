#!/usr/bin/env python3
"""Writes SQL that fills a migrated Mileage database with a year of report data.

The console reports' bench data (docs/PERFORMANCE.md "Console reports", PARTS=reports
scripts/bench): payments spread over the given stores and the hours of a business day, members
enrolled at those stores, coupon stocks at the brand, each dealer and some stores with coupons
issued and redeemed at stores, member point accounts and spend journals. The org (brand,
regions, dealers, stores) and the staff are made beforehand through `mileage admin`; this only
adds the rows the reports aggregate, straight into the tables, with multi-row INSERTs inside
one transaction per table, so that 1,000,000 payments take minutes, not hours. Rows are
written in time order (ids grow with time), as the service writes them.

The same SQL runs on SQLite (`sqlite3 FILE`) and MariaDB (`mariadb DB`). Ids are explicit and
start at 1: run it once on a fresh database. Deterministic for a given --seed and --now.

Usage: generate.py --stores B:R:D:S,... [--payments N] [--members N] [--coupons N]
                   [--spends N] [--now UNIX] [--seed N] > data.sql
"""

import argparse
import random
import sys
import time

DAY = 86400
DAYS = 365
BEIJING = 8 * 3600
ROWS_PER_INSERT = 1000
# Payments per Beijing hour of day (9:00-21:00 busiest, a little at night).
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 12, 12, 14, 14, 12, 12, 10, 8, 6, 4, 2, 1]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--stores", required=True,
                   help="comma-separated brand:region:dealer:store ids of the stores")
    p.add_argument("--payments", type=int, default=1_000_000)
    p.add_argument("--members", type=int, default=200_000)
    p.add_argument("--coupons", type=int, default=300_000)
    p.add_argument("--spends", type=int, default=100_000)
    p.add_argument("--now", type=int, default=int(time.time()))
    p.add_argument("--seed", type=int, default=12)
    return p.parse_args()


class Writer:
    """Multi-row INSERTs of ROWS_PER_INSERT rows into one table, inside one transaction."""

    def __init__(self, out, table, columns):
        self.out, self.head, self.rows = out, f"INSERT INTO {table} ({columns}) VALUES\n", []
        out.write("BEGIN;\n")

    def add(self, row):
        self.rows.append(row)
        if len(self.rows) == ROWS_PER_INSERT:
            self.flush()

    def flush(self):
        if self.rows:
            self.out.write(self.head + ",\n".join(self.rows) + ";\n")
            self.rows = []

    def close(self):
        self.flush()
        self.out.write("COMMIT;\n")


def sql_text(text):
    return "'" + text.replace("'", "''") + "'"


def random_time(rng, now):
    """A second in the last DAYS Beijing days, at an hour drawn from HOUR_WEIGHTS, before now."""
    while True:
        day_start = ((now + BEIJING) // DAY - rng.randrange(DAYS)) * DAY - BEIJING
        hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
        t = day_start + hour * 3600 + rng.randrange(3600)
        if t < now:
            return t


def random_times(rng, now, count):
    """count random_time()s in order: the service inserts rows as they happen, so ids grow with
    time and a recent window is a recent stretch of the table (as in production)."""
    return sorted(random_time(rng, now) for _ in range(count))


def members(out, rng, stores, count, now):
    w = Writer(out, "members", "id, brand_id, number, tier, status, enrolled_via, "
               "enrolled_store_id, created_at, updated_at")
    for i, t in enumerate(random_times(rng, now, count), start=1):
        brand, _, _, store = rng.choice(stores)
        w.add(f"({i},{brand},'B{i:010d}','silver','active','wechat_pay',{store},{t},{t})")
    w.close()
    w = Writer(out, "point_accounts", "brand_id, kind, owner_id, balance")
    for i in range(1, count + 1):
        w.add(f"({stores[0][0]},'member',{i},{rng.randrange(0, 5000)})")
    w.close()


def payments(out, rng, stores, count, member_count, now):
    w = Writer(out, "payment_transactions",
               "id, transaction_id, merchant_id, brand_id, region_id, dealer_id, store_id, mchid, "
               "appid, out_trade_no, payer_openid, amount_fen, payer_total_fen, paid_at, "
               "member_id, points_earned, rule_version, refunded_fen, state, created_at")
    for i, t in enumerate(random_times(rng, now, count), start=1):
        brand, region, dealer, store = rng.choice(stores)
        yuan = rng.randint(10, 2000)
        refunded = yuan * 100 if rng.random() < 0.02 else 0
        state = "refunded" if refunded else "credited"
        member = rng.randint(1, member_count)
        w.add(f"({i},'4200{i:016d}',{store},{brand},{region},{dealer},{store},'19{store:08d}',"
              f"'wx8888888888888888','B{i:014d}','o{member:027d}',{yuan * 100},{yuan * 100},{t},"
              f"{member},{yuan},1,{refunded},'{state}',{t})")
    w.close()


def stocks(out, stores, now):
    """2 brand campaigns, one per dealer, one at each of the first 4 stores: [(id, stores)]."""
    brand = stores[0][0]
    dealers = sorted({s[2] for s in stores})
    specs = [("brand", None, None, None, stores)] * 2
    for d in dealers:
        subtree = [s for s in stores if s[2] == d]
        specs.append(("dealer", subtree[0][1], d, None, subtree))
    for s in stores[:4]:
        specs.append(("store", s[1], s[2], s[3], [s]))
    w = Writer(out, "coupon_stocks",
               "id, brand_id, region_id, dealer_id, store_id, node_type, name, description, type, "
               "value_fen, threshold_fen, percent_off, max_discount_fen, item, valid_from, "
               "valid_until, valid_days, total_quantity, per_member_limit, daily_quantity, "
               "budget_fen, min_tier, channel_claim, channel_payment, channel_grant, "
               "reward_min_amount_fen, reward_first_payment_only, state, created_at, updated_at")
    start = now - (DAYS + 1) * DAY
    out_specs = []
    for i, (node, region, dealer, store, subtree) in enumerate(specs, start=1):
        ids = ",".join("NULL" if v is None else str(v) for v in (region, dealer, store))
        w.add(f"({i},{brand},{ids},'{node}',{sql_text(f'{node} campaign {i}')},'',"
              f"'cash',2000,10000,0,0,'',{start},{now + DAYS * DAY},30,10000000,0,0,0,'',1,0,0,"
              f"0,0,'active',{start},{start})")
        out_specs.append((i, subtree))
    w.close()
    return out_specs


def coupons(out, rng, specs, count, member_count, now):
    """Coupons over the year, 40% of them redeemed within 14 days at a store of the stock."""
    brand = specs[0][1][0][0]
    issued, redeemed = [], []
    for i, t in enumerate(random_times(rng, now, count), start=1):
        # Brand campaigns issue most; (member, slot) is unique per coupon, so per stock too.
        k = i % (len(specs) + 4)
        stock, subtree = specs[min(k, 1) if k < 6 else k - 4]
        member = (i - 1) % member_count + 1
        issued.append((i, stock, member, (i - 1) // member_count, t))
        if rng.random() < 0.4:
            r = min(t + rng.randrange(14 * DAY), now - 1)
            redeemed.append((r, i, stock, member, rng.choice(subtree)))
    redeemed.sort()
    redemption_of = {r[1]: (rid, r[0]) for rid, r in enumerate(redeemed, start=1)}
    cw = Writer(out, "coupons",
                "id, code, brand_id, stock_id, member_id, member_slot, channel, state, issued_at, "
                "valid_from, expires_at, redeemed_at, redemption_id, updated_at")
    for i, stock, member, slot, t in issued:
        expires = t + 30 * DAY
        state, redeemed_at, redemption = ("expired" if expires < now else "issued"), "NULL", "NULL"
        if i in redemption_of:
            state, (redemption, redeemed_at) = "redeemed", redemption_of[i]
        cw.add(f"({i},'{i:017d}',{brand},{stock},{member},{slot},'claim','{state}',{t},{t},"
               f"{expires},{redeemed_at},{redemption},{t})")
    cw.close()
    rw = Writer(out, "coupon_redemptions",
                "id, brand_id, coupon_id, stock_id, member_id, region_id, dealer_id, store_id, "
                "request_id, order_amount_fen, discount_fen, created_at")
    for rid, (t, coupon, stock, member, (b, region, dealer, store)) in enumerate(redeemed, 1):
        rw.add(f"({rid},{b},{coupon},{stock},{member},{region},{dealer},{store},'bench-{rid}',"
               f"20000,2000,{t})")
    rw.close()
    return len(redeemed)


def spends(out, rng, brand, count, member_count, now):
    w = Writer(out, "point_journals",
               "brand_id, idempotency_key, kind, reason, source_ref, points, member_id, created_at")
    for i, t in enumerate(random_times(rng, now, count), start=1):
        w.add(f"({brand},'bench-spend-{i}','spend','redeem','bench-{i}',{rng.randint(10, 500)},"
              f"{rng.randint(1, member_count)},{t})")
    w.close()


def main():
    args = parse_args()
    stores = [tuple(int(x) for x in s.split(":")) for s in args.stores.split(",")]
    rng = random.Random(args.seed)
    out = sys.stdout
    members(out, rng, stores, args.members, args.now)
    payments(out, rng, stores, args.payments, args.members, args.now)
    specs = stocks(out, stores, args.now)
    redeemed = coupons(out, rng, specs, args.coupons, args.members, args.now)
    spends(out, rng, stores[0][0], args.spends, args.members, args.now)
    print(f"generated: {len(stores)} stores, {args.members} members, {args.payments} payments, "
          f"{len(specs)} coupon stocks, {args.coupons} coupons ({redeemed} redeemed), "
          f"{args.spends} spend journals", file=sys.stderr)


if __name__ == "__main__":
    main()

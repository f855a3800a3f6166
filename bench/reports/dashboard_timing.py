#!/usr/bin/env python3
"""Times the console's 30-day dashboard per role and prints the report queries' plans.

For each USER:PASSWORD (staff made by scripts/lib/bench_reports.sh) it signs in through
POST /api/console/login of a running `mileage serve`, then loads the dashboard as the page does:
GET /api/console/reports/summary, /daily?days=30 and /funnel?days=30, one after the other on one
keep-alive connection, --rounds times after one warm-up load. Prints one line per user:
"dashboard USER p50_ms p95_ms max_ms rounds payments_30d campaigns" (the last two from the
warm-up's answers, to show the scope's data is there). Any answer but 200 fails the run.

With --explain it then prints the plans of the report statements for a dealer and a brand
(SQLite `EXPLAIN QUERY PLAN` through python's sqlite3, MariaDB `EXPLAIN` through the mariadb
client). The statements are written out here as payments/report_store.cc builds them for a
dealer scope (keep the two in step); the times are the last 30 Beijing days.

Usage: dashboard_timing.py --port PORT --user NAME:PASSWORD ... [--rounds 50]
                           [--explain DATABASE --brand ID --region ID --dealer ID]
"""

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import time
from urllib.parse import urlparse

DAY = 86400
BEIJING = 8 * 3600
DASHBOARD = ["/api/console/reports/summary", "/api/console/reports/daily?days=30",
             "/api/console/reports/funnel?days=30"]


def sign_in(conn, username, password):
    conn.request("POST", "/api/console/login",
                 json.dumps({"username": username, "password": password}),
                 {"Content-Type": "application/json"})
    resp = conn.getresponse()
    body = resp.read()
    if resp.status != 200:
        sys.exit(f"login {username}: {resp.status} {body[:200]!r}")
    return json.loads(body)["token"]


def load_dashboard(conn, token):
    """Milliseconds to load the dashboard, and the answers' bodies."""
    start, bodies = time.perf_counter(), []
    for path in DASHBOARD:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        resp = conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            sys.exit(f"GET {path}: {resp.status} {body[:200]!r}")
        bodies.append(body)
    return (time.perf_counter() - start) * 1000, bodies


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1)]


def time_user(port, user, rounds):
    username, password = user.split(":", 1)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    token = sign_in(conn, username, password)
    _, (_, daily, funnel) = load_dashboard(conn, token)
    payments = sum(day["payments"] for day in json.loads(daily)["days"])
    campaigns = len(json.loads(funnel)["items"])
    times = [load_dashboard(conn, token)[0] for _ in range(rounds)]
    conn.close()
    print(f"dashboard {username} {statistics.median(times):.1f} {percentile(times, 95):.1f} "
          f"{max(times):.1f} {rounds} {payments} {campaigns}")


def statements(dialect, brand, region, dealer, now):
    """(name, SQL) of the dealer's and brand's dashboard queries, with literal parameters."""
    today = (now + BEIJING) // DAY
    frm, to = (today - 29) * DAY - BEIJING, (today + 1) * DAY - BEIJING
    div = "/" if dialect == "sqlite" else "DIV"

    def per_day(col, aggregates, where):
        d = f"(({col} + {BEIJING}) {div} ({DAY}))"
        return (f"SELECT {d} AS d, {aggregates} FROM {where} AND {col} >= {frm} AND {col} < {to} "
                f"GROUP BY {d}")

    visible = (f" AND s.brand_id = {brand} AND ((1 = 1 AND s.dealer_id = {dealer}) OR "
               f"((s.node_type = 'brand' OR (s.node_type = 'region' AND s.region_id = "
               f"{region})) AND (NOT EXISTS (SELECT 1 "
               f"FROM coupon_stock_stores x WHERE x.stock_id = s.id) OR EXISTS (SELECT 1 FROM "
               f"coupon_stock_stores x WHERE x.stock_id = s.id AND x.dealer_id = {dealer}))))")
    return [
        ("payments", per_day("paid_at", "COUNT(*), COALESCE(SUM(amount_fen), 0), "
                             "COALESCE(SUM(refunded_fen), 0), COALESCE(SUM(points_earned), 0)",
                             f"payment_transactions WHERE 1 = 1 AND dealer_id = {dealer}")),
        ("new members", per_day("created_at", "COUNT(*)",
                                "members WHERE enrolled_store_id IN (SELECT id FROM stores WHERE "
                                f"1 = 1 AND dealer_id = {dealer})")),
        ("coupons issued", per_day("issued_at", "COUNT(*)",
                                   "coupons WHERE stock_id IN (SELECT id FROM coupon_stocks WHERE "
                                   f"1 = 1 AND dealer_id = {dealer})")),
        ("redemptions", per_day("created_at", "COUNT(*)",
                                "coupon_redemptions WHERE reversed_at IS NULL AND dealer_id = "
                                f"{dealer}")),
        ("funnel", "SELECT s.id, s.name, COUNT(*) AS issued, COALESCE(SUM(CASE WHEN c.state = "
                   "'redeemed' THEN 1 ELSE 0 END), 0) FROM coupon_stocks s JOIN coupons c ON "
                   f"c.stock_id = s.id AND c.issued_at >= {frm} AND c.issued_at < {to} WHERE 1 = 1"
                   f"{visible} GROUP BY s.id, s.name ORDER BY issued DESC, s.id LIMIT 20"),
        ("brand: payments", per_day("paid_at", "COUNT(*), COALESCE(SUM(amount_fen), 0), "
                                    "COALESCE(SUM(refunded_fen), 0), "
                                    "COALESCE(SUM(points_earned), 0)",
                                    f"payment_transactions WHERE 1 = 1 AND brand_id = {brand}")),
        ("brand: points spent", "SELECT COALESCE(SUM(points), 0) FROM point_journals WHERE "
                                f"brand_id = {brand} AND kind = 'spend' AND created_at >= {frm} "
                                f"AND created_at < {to}"),
        ("brand: outstanding", "SELECT COALESCE(SUM(balance), 0) FROM point_accounts WHERE "
                               f"brand_id = {brand} AND kind = 'member'"),
    ]


def explain(database, brand, region, dealer):
    now = int(time.time())
    if database.startswith("sqlite:"):
        import sqlite3
        db = sqlite3.connect(database[len("sqlite:"):])
        for name, sql in statements("sqlite", brand, region, dealer, now):
            print(f"plan {name}:")
            for row in db.execute("EXPLAIN QUERY PLAN " + sql):
                print(f"  {row[3]}")
        return
    url = urlparse(database)
    client = ["mariadb", f"--host={url.hostname}", f"--port={url.port}", f"--user={url.username}",
              f"--password={url.password}", "--table", url.path.lstrip("/")]
    for name, sql in statements("mysql", brand, region, dealer, now):
        out = subprocess.run(client, input="EXPLAIN " + sql + ";", capture_output=True, text=True,
                             check=True).stdout
        print(f"plan {name}:")
        for line in out.splitlines():
            print(f"  {line}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", action="append", default=[], help="NAME:PASSWORD, repeatable")
    p.add_argument("--rounds", type=int, default=50)
    p.add_argument("--explain", metavar="DATABASE", help="sqlite:FILE or mysql://... URL")
    p.add_argument("--brand", type=int)
    p.add_argument("--region", type=int, help="the dealer's region")
    p.add_argument("--dealer", type=int)
    args = p.parse_args()
    for user in args.user:
        time_user(args.port, user, args.rounds)
    if args.explain:
        explain(args.explain, args.brand, args.region, args.dealer)


if __name__ == "__main__":
    main()

#include "tests/contract/growth/growth_fixture.h"

#include <algorithm>
#include <set>

#include "growth/tag_job.h"

namespace mileage::growth {
namespace {

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// yyyymm `k` months before 2026-11.
int64_t MonthBack(int64_t k) {
  int64_t y = 2026;
  int64_t m = 11 - k;
  while (m <= 0) {
    m += 12;
    --y;
  }
  return y * 100 + m;
}

// Purchase dates and their buckets on 2026-11-17.
struct Purchase {
  std::optional<std::string> date;
  std::string bucket;
};
const std::vector<Purchase>& Purchases() {
  static const auto* p = new std::vector<Purchase>{
      {"2026-06-01", "0_1"},    {"2025-11-17", "1_3"}, {"2025-11-18", "0_1"},
      {"2022-01-01", "3_5"},    {"2019-03-03", "5_8"}, {"2010-05-05", "8_plus"},
      {std::nullopt, "unknown"}};
  return *p;
}

int ExpectedR(std::optional<int64_t> days) {
  if (!days) return 1;
  if (*days <= 30) return 5;
  if (*days <= 90) return 4;
  if (*days <= 180) return 3;
  if (*days <= 365) return 2;
  return 1;
}
int ExpectedUp(int64_t v, int64_t a, int64_t b, int64_t c, int64_t d) {
  return v >= d ? 5 : v >= c ? 4 : v >= b ? 3 : v >= a ? 2 : 1;
}

// Runs `sql` + rows joined by ", " in chunks of 400 rows.
class BulkInsert {
 public:
  // `parent`'s rows go in first (the members the rows refer to).
  BulkInsert(db::Connection& conn, std::string head, BulkInsert* parent = nullptr)
      : conn_(conn), head_(std::move(head)), parent_(parent) {}
  void Add(std::vector<db::Value> row) {
    rows_.push_back(std::move(row));
    if (rows_.size() == 400) Flush();
  }
  void Flush() {
    if (rows_.empty()) return;
    if (parent_ != nullptr) parent_->Flush();
    std::string sql = head_;
    std::vector<db::Value> params;
    for (size_t i = 0; i < rows_.size(); ++i) {
      sql += i == 0 ? "(" : ", (";
      for (size_t j = 0; j < rows_[i].size(); ++j) {
        sql += j == 0 ? "?" : ", ?";
        params.push_back(rows_[i][j]);
      }
      sql += ")";
    }
    Result<db::ExecResult> done = conn_.Exec(sql, params);
    EXPECT_TRUE(done.ok()) << head_ << ": " << done.status().ToString();
    rows_.clear();
  }

 private:
  db::Connection& conn_;
  std::string head_;
  BulkInsert* parent_;
  std::vector<std::vector<db::Value>> rows_;
};

}  // namespace

FilterNode Tag(const std::string& key, const std::string& op, FilterValue value) {
  FilterNode n;
  n.kind = FilterNode::Kind::kTag;
  n.tag = key;
  n.op = op;
  n.values = {std::move(value)};
  return n;
}
FilterNode TagIn(const std::string& key, const std::string& op, std::vector<FilterValue> values) {
  FilterNode n;
  n.kind = FilterNode::Kind::kTag;
  n.tag = key;
  n.op = op;
  n.values = std::move(values);
  return n;
}
FilterNode Manual(const std::string& name) {
  FilterNode n;
  n.kind = FilterNode::Kind::kManual;
  n.tag = name;
  return n;
}
FilterNode All(std::vector<FilterNode> children) {
  FilterNode n;
  n.kind = FilterNode::Kind::kAll;
  n.children = std::move(children);
  return n;
}
FilterNode Any(std::vector<FilterNode> children) {
  FilterNode n;
  n.kind = FilterNode::Kind::kAny;
  n.children = std::move(children);
  return n;
}
FilterNode Not(FilterNode child) {
  FilterNode n;
  n.kind = FilterNode::Kind::kNot;
  n.children.push_back(std::move(child));
  return n;
}

void GrowthTest::SetUp() {
  CouponsTest::SetUp();
  if (database_ == nullptr) return;
  growth_ = std::make_unique<GrowthModule>(
      db(), authorizer_, *writer_, random_, expiry_,
      [this](std::string_view json) { return Parse(json); });
}

void GrowthTest::TearDown() {
  growth_.reset();
  CouponsTest::TearDown();
}

Result<FilterNode> GrowthTest::Parse(std::string_view json) {
  auto it = known_.find(std::string(json));
  if (it == known_.end()) return InvalidArgumentError("unknown filter", "INVALID_FILTER");
  return it->second;
}

FilterNode GrowthTest::Remember(FilterNode filter) {
  known_[FilterJson(filter)] = filter;
  return filter;
}

Result<int64_t> GrowthTest::RunTags(int64_t now, int64_t batch) {
  return RunTagRefresh(
      db(), [this](std::string_view json) { return Parse(json); }, now, batch);
}

std::vector<Expected> GrowthTest::Generate(int64_t n) {
  const int64_t brand = tree_.brand.brand_id;
  const int64_t store = tree_.store_a1.id();
  static const char* kTiers[] = {"silver", "gold", "platinum"};
  std::vector<Expected> out;
  out.reserve(static_cast<size_t>(n));
  Status written = db::InTransaction(
      db(),
      [&](db::Connection& conn) -> Status {
        out.clear();
        int64_t fuel = 0;
        int64_t carwash = 0;
        for (const char* category : {"fuel", "carwash"}) {
          MILEAGE_ASSIGN_OR_RETURN(
              int64_t id,
              conn.Insert(
                  "INSERT INTO partners (brand_id, name, category, api_key_id, active, "
                  "created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
                  {db::Value(brand), db::Value(std::string("P ") + category),
                   db::Value(std::string(category)), db::Value(std::string("gen-") + category),
                   db::Value(kNow), db::Value(kNow)}));
          (std::string(category) == "fuel" ? fuel : carwash) = id;
        }
        BulkInsert members(conn,
                           "INSERT INTO members (id, brand_id, number, tier, status, enrolled_via, "
                           "enrolled_store_id, created_at, updated_at, last_visit_at) VALUES ");
        BulkInsert activity(
            conn, "INSERT INTO member_activity (member_id, month, spend_fen, visits) VALUES ",
            &members);
        BulkInsert vehicles(
            conn,
            "INSERT INTO vehicles (member_id, brand_id, plate_hash, plate_sealed, "
            "plate_display, model, purchase_date, mileage_km, created_at, updated_at) "
            "VALUES ",
            &members);
        BulkInsert earnings(
            conn,
            "INSERT INTO partner_earnings (brand_id, partner_id, request_id, "
            "request_hash, member_id, amount_fen, points, rule_version, journal_id, "
            "lot_id, balance_after, occurred_at, detail, created_at) VALUES ");
        BulkInsert redemptions(conn,
                               "INSERT INTO coupon_redemptions (brand_id, coupon_id, stock_id, "
                               "member_id, region_id, dealer_id, store_id, request_id, "
                               "order_amount_fen, discount_fen, created_at, reversed_at) VALUES ");
        BulkInsert manual(conn,
                          "INSERT INTO member_manual_tags (brand_id, name, member_id, created_by, "
                          "created_at) VALUES ");
        for (int64_t i = 0; i < n; ++i) {
          const uint64_t h = Mix(static_cast<uint64_t>(i));
          Expected e;
          e.id = kFirstId + i;
          e.tier = kTiers[h % 3];
          e.active = i % 97 != 0;
          std::optional<int64_t> last;
          if (i % 11 != 0) {
            const int64_t days = static_cast<int64_t>((h >> 8) % 500);
            last = kNow - days * 86400 - static_cast<int64_t>((h >> 20) % 86400);
            e.recency_days = days;
          }
          char number[32];
          std::snprintf(number, sizeof number, "9%011lld", static_cast<long long>(i));
          members.Add({db::Value(e.id), db::Value(brand), db::Value(std::string(number)),
                       db::Value(e.tier), db::Value(std::string(e.active ? "active" : "suspended")),
                       db::Value(std::string("console")), db::Value(store), db::Value(kNow),
                       db::Value(kNow), last ? db::Value(*last) : db::Value(nullptr)});
          // Up to three months of activity among 0, 4, 11 (inside the 12) and 12, 13 (outside).
          static const int64_t kOffsets[] = {0, 4, 11, 12, 13};
          for (int k = 0; k < 5; ++k) {
            if (((h >> (30 + k)) & 1) == 0 || (k >= 3 && i % 2 == 0)) continue;
            const int64_t visits = static_cast<int64_t>((h >> (36 + k)) % 6);
            const int64_t spend = static_cast<int64_t>((h >> (40 + 3 * k)) % 900000);
            activity.Add({db::Value(e.id), db::Value(MonthBack(kOffsets[k])), db::Value(spend),
                          db::Value(visits)});
            if (kOffsets[k] <= 11) {
              e.visits += visits;
              e.spend += spend;
            }
          }
          std::set<std::string> ages;
          for (int v = 0; v < (i % 9 == 0 ? 2 : i % 3 == 0 ? 1 : 0); ++v) {
            const Purchase& p = Purchases()[(h >> (50 + v)) % Purchases().size()];
            ages.insert(p.bucket);
            vehicles.Add({db::Value(e.id), db::Value(brand),
                          db::Value("gen" + std::to_string(i) + "-" + std::to_string(v)),
                          db::Value(std::string("sealed")), db::Value(std::string("粤B***")),
                          db::Value(std::string("Model")),
                          p.date ? db::Value(*p.date) : db::Value(nullptr), db::Value(int64_t{0}),
                          db::Value(kNow), db::Value(kNow)});
          }
          e.vehicle_ages.assign(ages.begin(), ages.end());
          auto earn = [&](int64_t partner, const std::string& request) {
            earnings.Add({db::Value(brand), db::Value(partner), db::Value(request),
                          db::Value(std::string(64, 'a')), db::Value(e.id), db::Value(int64_t{100}),
                          db::Value(int64_t{1}), db::Value(int64_t{1}), db::Value(int64_t{1}),
                          db::Value(int64_t{1}), db::Value(int64_t{1}), db::Value(kNow),
                          db::Value(std::string("{}")), db::Value(kNow)});
          };
          if (i % 13 == 0) {
            earn(fuel, "f" + std::to_string(i));
            e.partner_categories.push_back("fuel");
          }
          if (i % 39 == 0) earn(fuel, "g" + std::to_string(i));
          if (i % 26 == 0) {
            earn(carwash, "c" + std::to_string(i));
            e.partner_categories.push_back("carwash");
          }
          if (i % 7 == 0) {
            redemptions.Add({db::Value(brand), db::Value(int64_t{1}), db::Value(int64_t{1}),
                             db::Value(e.id), db::Value(tree_.region1.id()),
                             db::Value(tree_.dealer_a.id()), db::Value(store),
                             db::Value("r" + std::to_string(i)), db::Value(int64_t{100}),
                             db::Value(int64_t{10}), db::Value(kNow),
                             i % 49 == 0 ? db::Value(kNow) : db::Value(nullptr)});
            e.redeemer = i % 49 != 0;
          }
          if (i % 10 == 0) {
            manual.Add({db::Value(brand), db::Value(std::string("VIP")), db::Value(e.id),
                        db::Value(nullptr), db::Value(kNow)});
            e.vip = true;
          }
          e.r = ExpectedR(e.recency_days);
          e.f = ExpectedUp(e.visits, 2, 4, 8, 12);
          e.m = ExpectedUp(e.spend, 100000, 300000, 800000, 2000000);
          out.push_back(std::move(e));
        }
        for (BulkInsert* b : {&members, &activity, &vehicles, &earnings, &redemptions, &manual}) {
          b->Flush();
        }
        return Status::Ok();
      },
      1);
  EXPECT_TRUE(written.ok()) << written.ToString();
  return out;
}

}  // namespace mileage::growth

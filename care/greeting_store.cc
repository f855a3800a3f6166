#include "care/greeting_store.h"

#include "db/in_list.h"
#include "db/paged_query.h"
#include "db/sql_dialect.h"

namespace mileage::care {
namespace {

constexpr const char* kRuleColumns =
    "id, brand_id, kind, stock_id, days_before, enabled, created_at, updated_at";
constexpr const char* kGreetingColumns =
    "g.id, g.brand_id, g.rule_id, g.kind, g.member_id, g.occasion_year, g.occasion_on, "
    "g.outcome, g.reason, g.stock_id, g.coupon_id, g.created_at";

CareRule RuleFromRow(const db::Row& row) {
  CareRule r;
  r.id = row.Int(0);
  r.brand_id = row.Int(1);
  r.kind = ParseCareKind(row.Text(2)).value_or(CareKind::kBirthday);
  r.stock_id = row.OptionalInt(3);
  r.days_before = row.Int(4);
  r.enabled = row.Int(5) != 0;
  r.created_at = row.Int(6);
  r.updated_at = row.Int(7);
  return r;
}

Greeting GreetingFromRow(const db::Row& row) {
  Greeting g;
  g.id = row.Int(0);
  g.brand_id = row.Int(1);
  g.rule_id = row.Int(2);
  g.kind = ParseCareKind(row.Text(3)).value_or(CareKind::kBirthday);
  g.member_id = row.Int(4);
  g.occasion_year = row.Int(5);
  g.occasion_on = row.Text(6);
  g.outcome = row.Text(7);
  g.reason = row.Text(8);
  g.stock_id = row.OptionalInt(9);
  g.coupon_id = row.OptionalInt(10);
  g.created_at = row.Int(11);
  return g;
}

db::Value OptionalId(const std::optional<int64_t>& id) {
  return id.has_value() ? db::Value(*id) : db::Value(nullptr);
}

}  // namespace

Result<int64_t> GreetingStore::InsertRule(const CareRule& r) {
  return conn_.Insert(
      "INSERT INTO care_rules (brand_id, kind, stock_id, days_before, enabled, created_at, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {db::Value(r.brand_id), db::Value(std::string(CareKindName(r.kind))), OptionalId(r.stock_id),
       db::Value(r.days_before), db::Value(int64_t{r.enabled ? 1 : 0}), db::Value(r.created_at),
       db::Value(r.updated_at)});
}

Result<std::optional<CareRule>> GreetingStore::FindRule(int64_t id, bool lock) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kRuleColumns + " FROM care_rules WHERE id = ?" +
                      std::string(lock ? db::ForUpdate(conn_.dialect()) : ""),
                  {db::Value(id)}));
  if (rows.empty()) return std::optional<CareRule>();
  return std::optional<CareRule>(RuleFromRow(rows.front()));
}

Result<PageOf<CareRule>> GreetingStore::RulesOf(int64_t brand_id, const PageRequest& page) {
  const std::string select = std::string("SELECT ") + kRuleColumns + " FROM care_rules";
  return db::QueryPage<CareRule>(
      conn_, {select, "SELECT COUNT(*) FROM care_rules", " WHERE brand_id = ?", "id"},
      {db::Value(brand_id)}, page, RuleFromRow);
}

Result<std::vector<CareRule>> GreetingStore::EnabledRules() {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query(std::string("SELECT ") + kRuleColumns +
                                       " FROM care_rules WHERE enabled = 1 ORDER BY id"));
  std::vector<CareRule> rules;
  rules.reserve(rows.size());
  for (const db::Row& row : rows) rules.push_back(RuleFromRow(row));
  return rules;
}

Status GreetingStore::UpdateRule(const CareRule& r) {
  return conn_
      .Exec(
          "UPDATE care_rules SET stock_id = ?, days_before = ?, enabled = ?, updated_at = ? "
          "WHERE id = ?",
          {OptionalId(r.stock_id), db::Value(r.days_before), db::Value(int64_t{r.enabled ? 1 : 0}),
           db::Value(r.updated_at), db::Value(r.id)})
      .status();
}

Status GreetingStore::DeleteRule(int64_t id) {
  return conn_.Exec("DELETE FROM care_rules WHERE id = ?", {db::Value(id)}).status();
}

Result<std::optional<int64_t>> GreetingStore::InsertGreeting(const Greeting& g) {
  Result<int64_t> id = conn_.Insert(
      "INSERT INTO care_greetings (brand_id, rule_id, kind, member_id, occasion_year, "
      "occasion_on, outcome, reason, stock_id, coupon_id, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {db::Value(g.brand_id), db::Value(g.rule_id), db::Value(std::string(CareKindName(g.kind))),
       db::Value(g.member_id), db::Value(g.occasion_year), db::Value(g.occasion_on),
       db::Value(g.outcome), db::Value(g.reason), OptionalId(g.stock_id), OptionalId(g.coupon_id),
       db::Value(g.created_at)});
  if (!id.ok() && id.status().code() == StatusCode::kAlreadyExists) {
    return std::optional<int64_t>();
  }
  MILEAGE_RETURN_IF_ERROR(id.status());
  return std::optional<int64_t>(*id);
}

Status GreetingStore::SetOutcome(int64_t id, std::string_view outcome, std::string_view reason,
                                 std::optional<int64_t> coupon_id) {
  return conn_
      .Exec("UPDATE care_greetings SET outcome = ?, reason = ?, coupon_id = ? WHERE id = ?",
            {db::Value(std::string(outcome)), db::Value(std::string(reason)), OptionalId(coupon_id),
             db::Value(id)})
      .status();
}

Result<std::vector<int64_t>> GreetingStore::Greeted(int64_t rule_id, int64_t occasion_year,
                                                    const std::vector<int64_t>& member_ids) {
  if (member_ids.empty()) return std::vector<int64_t>();
  std::string sql =
      "SELECT member_id FROM care_greetings WHERE rule_id = ? AND occasion_year = ? AND "
      "member_id IN ";
  std::vector<db::Value> params{db::Value(rule_id), db::Value(occasion_year)};
  db::AppendInList(sql, params, member_ids);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  std::vector<int64_t> greeted;
  greeted.reserve(rows.size());
  for (const db::Row& row : rows) greeted.push_back(row.Int(0));
  return greeted;
}

Result<PageOf<Greeting>> GreetingStore::List(int64_t brand_id, const GreetingFilter& filter,
                                             const std::optional<org::NodePath>& below_brand,
                                             const MemberScopeSql& seen, const PageRequest& page) {
  std::string where = " WHERE g.brand_id = ?";
  std::vector<db::Value> params{db::Value(brand_id)};
  if (filter.member_id.has_value()) {
    where += " AND g.member_id = ?";
    params.emplace_back(*filter.member_id);
  }
  if (filter.rule_id.has_value()) {
    where += " AND g.rule_id = ?";
    params.emplace_back(*filter.rule_id);
  }
  if (filter.kind.has_value()) {
    where += " AND g.kind = ?";
    params.emplace_back(std::string(CareKindName(*filter.kind)));
  }
  if (below_brand.has_value() && (!seen || !seen(*below_brand, where, params))) {
    return PageOf<Greeting>{{}, 0, page};
  }
  // The join gives the scope's condition the member (alias m) it decides on.
  const std::string from = below_brand.has_value()
                               ? " FROM care_greetings g JOIN members m ON m.id = g.member_id"
                               : " FROM care_greetings g";
  const std::string select = std::string("SELECT ") + kGreetingColumns + from;
  const std::string count = "SELECT COUNT(*)" + from;
  return db::QueryPage<Greeting>(conn_, {select, count, where, "g.id DESC"}, std::move(params),
                                 page, GreetingFromRow);
}

}  // namespace mileage::care

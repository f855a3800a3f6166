#include "coupons/stock_store.h"

#include <algorithm>
#include <map>

#include "coupons/rules.h"
#include "coupons/visibility_sql.h"
#include "db/in_list.h"
#include "db/paged_query.h"
#include "db/sql_dialect.h"
#include "org/scope_sql.h"

namespace mileage::coupons {
namespace {

constexpr const char* kStockColumns =
    "s.id, s.brand_id, s.region_id, s.dealer_id, s.store_id, s.node_type, s.name, "
    "s.description, s.type, s.value_fen, s.threshold_fen, s.percent_off, s.max_discount_fen, "
    "s.item, s.valid_from, s.valid_until, s.valid_days, s.total_quantity, s.per_member_limit, "
    "s.daily_quantity, s.budget_fen, s.min_tier, s.channel_claim, s.channel_payment, "
    "s.channel_grant, s.reward_min_amount_fen, s.reward_first_payment_only, s.state, "
    "s.created_by, s.created_at, s.updated_at";
constexpr size_t kStockColumnCount = 31;

const org::PathColumns kStockPath{"s.brand_id", "s.region_id", "s.dealer_id", "s.store_id"};

Stock StockFromRow(const db::Row& row) {
  Stock s;
  s.id = row.Int(0);
  s.node =
      org::PathFromRow(row, 1, org::ParseNodeType(row.Text(5)).value_or(org::NodeType::kBrand));
  s.name = row.Text(6);
  s.description = row.Text(7);
  s.type = ParseStockType(row.Text(8)).value_or(StockType::kCash);
  s.value_fen = row.Int(9);
  s.threshold_fen = row.Int(10);
  s.percent_off = row.Int(11);
  s.max_discount_fen = row.Int(12);
  s.item = row.Text(13);
  s.valid_from = row.Int(14);
  s.valid_until = row.Int(15);
  s.valid_days = row.Int(16);
  s.total_quantity = row.Int(17);
  s.per_member_limit = row.Int(18);
  s.daily_quantity = row.Int(19);
  s.budget_fen = row.Int(20);
  s.min_tier = row.Text(21);
  if (row.Int(22) != 0) s.channels.insert(Channel::kClaim);
  if (row.Int(23) != 0) s.channels.insert(Channel::kPayment);
  if (row.Int(24) != 0) s.channels.insert(Channel::kGrant);
  s.reward_min_amount_fen = row.Int(25);
  s.reward_first_payment_only = row.Int(26) != 0;
  s.state = ParseStockState(row.Text(27)).value_or(StockState::kEnded);
  s.created_by = row.OptionalInt(28);
  s.created_at = row.Int(29);
  s.updated_at = row.Int(30);
  return s;
}

db::Value OptionalId(int64_t id) { return id > 0 ? db::Value(id) : db::Value(nullptr); }

}  // namespace

Result<int64_t> StockStore::Insert(const Stock& s, const std::vector<int64_t>& caps) {
  MILEAGE_ASSIGN_OR_RETURN(
      int64_t inserted,
      conn_.Insert(
          "INSERT INTO coupon_stocks (brand_id, region_id, dealer_id, store_id, node_type, name, "
          "description, type, value_fen, threshold_fen, percent_off, max_discount_fen, item, "
          "valid_from, valid_until, valid_days, total_quantity, per_member_limit, "
          "daily_quantity, budget_fen, min_tier, channel_claim, channel_payment, channel_grant, "
          "reward_min_amount_fen, reward_first_payment_only, state, created_by, created_at, "
          "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
          "?, ?, ?, ?, ?, ?, ?, ?)",
          {db::Value(s.node.brand_id),
           OptionalId(s.node.region_id),
           OptionalId(s.node.dealer_id),
           OptionalId(s.node.store_id),
           db::Value(std::string(org::NodeTypeName(s.node.type))),
           db::Value(s.name),
           db::Value(s.description),
           db::Value(std::string(StockTypeName(s.type))),
           db::Value(s.value_fen),
           db::Value(s.threshold_fen),
           db::Value(s.percent_off),
           db::Value(s.max_discount_fen),
           db::Value(s.item),
           db::Value(s.valid_from),
           db::Value(s.valid_until),
           db::Value(s.valid_days),
           db::Value(s.total_quantity),
           db::Value(s.per_member_limit),
           db::Value(s.daily_quantity),
           db::Value(s.budget_fen),
           db::Value(s.min_tier),
           db::Value(int64_t{s.Takes(Channel::kClaim)}),
           db::Value(int64_t{s.Takes(Channel::kPayment)}),
           db::Value(int64_t{s.Takes(Channel::kGrant)}),
           db::Value(s.reward_min_amount_fen),
           db::Value(int64_t{s.reward_first_payment_only}),
           db::Value(std::string(StockStateName(s.state))),
           s.created_by.has_value() ? db::Value(*s.created_by) : db::Value(nullptr),
           db::Value(s.created_at),
           db::Value(s.updated_at)}));
  const int64_t id = inserted;
  MILEAGE_RETURN_IF_ERROR(ReplaceStores(id, s.stores));
  for (size_t shard = 0; shard < caps.size(); ++shard) {
    MILEAGE_RETURN_IF_ERROR(
        conn_
            .Exec("INSERT INTO coupon_stock_counters (stock_id, shard, cap, "
                  "issued) VALUES (?, ?, ?, 0)",
                  {db::Value(id), db::Value(static_cast<int64_t>(shard)), db::Value(caps[shard])})
            .status());
  }
  return id;
}

Result<std::optional<Stock>> StockStore::Find(int64_t id, bool lock) {
  std::string sql = std::string("SELECT ") + kStockColumns + " FROM coupon_stocks s WHERE s.id = ?";
  if (lock) sql += db::ForUpdate(conn_.dialect());
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, {db::Value(id)}));
  if (rows.empty()) return std::optional<Stock>();
  std::vector<Stock> stocks = {StockFromRow(rows.front())};
  MILEAGE_RETURN_IF_ERROR(LoadStores(stocks));
  return std::optional<Stock>(std::move(stocks.front()));
}

Result<std::vector<Stock>> StockStore::FindMany(const std::vector<int64_t>& ids) {
  std::vector<Stock> stocks;
  if (ids.empty()) return stocks;
  std::string sql = std::string("SELECT ") + kStockColumns + " FROM coupon_stocks s WHERE s.id IN ";
  std::vector<db::Value> params;
  db::AppendInList(sql, params, ids);
  sql += " ORDER BY s.id";
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  for (const db::Row& row : rows) stocks.push_back(StockFromRow(row));
  MILEAGE_RETURN_IF_ERROR(LoadStores(stocks));
  return stocks;
}

Result<std::map<int64_t, std::string>> StockStore::Names(const std::vector<int64_t>& ids) {
  return db::TextsById(conn_, "SELECT id, name FROM coupon_stocks WHERE id IN", ids);
}

Status StockStore::LoadStores(std::vector<Stock>& stocks) {
  if (stocks.empty()) return Status::Ok();
  std::string sql =
      "SELECT stock_id, store_id, region_id, dealer_id FROM coupon_stock_stores WHERE stock_id "
      "IN ";
  std::vector<int64_t> ids;
  std::map<int64_t, Stock*> by_id;
  for (Stock& stock : stocks) {
    ids.push_back(stock.id);
    by_id[stock.id] = &stock;
    stock.stores.clear();
  }
  std::vector<db::Value> params;
  db::AppendInList(sql, params, ids);
  sql += " ORDER BY stock_id, store_id";
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  for (const db::Row& row : rows) {
    Stock* stock = by_id[row.Int(0)];
    if (stock == nullptr) continue;
    stock->stores.push_back(
        {org::NodeType::kStore, stock->node.brand_id, row.Int(2), row.Int(3), row.Int(1)});
  }
  return Status::Ok();
}

Status StockStore::Update(const Stock& s) {
  return conn_
      .Exec(
          "UPDATE coupon_stocks SET name = ?, description = ?, total_quantity = ?, "
          "daily_quantity = ?, valid_until = ?, state = ?, updated_at = ? WHERE id = ?",
          {db::Value(s.name), db::Value(s.description), db::Value(s.total_quantity),
           db::Value(s.daily_quantity), db::Value(s.valid_until),
           db::Value(std::string(StockStateName(s.state))), db::Value(s.updated_at),
           db::Value(s.id)})
      .status();
}

Status StockStore::ReplaceStores(int64_t stock_id, const std::vector<org::NodePath>& stores) {
  MILEAGE_RETURN_IF_ERROR(
      conn_.Exec("DELETE FROM coupon_stock_stores WHERE stock_id = ?", {db::Value(stock_id)})
          .status());
  for (const org::NodePath& store : stores) {
    MILEAGE_RETURN_IF_ERROR(conn_
                                .Exec("INSERT INTO coupon_stock_stores (stock_id, store_id, "
                                      "region_id, dealer_id) VALUES (?, ?, ?, ?)",
                                      {db::Value(stock_id), db::Value(store.store_id),
                                       db::Value(store.region_id), db::Value(store.dealer_id)})
                                .status());
  }
  return Status::Ok();
}

Status StockStore::RaiseCaps(int64_t stock_id, int64_t increase) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT shard FROM coupon_stock_counters WHERE stock_id = ? ORDER BY cap, shard",
                  {db::Value(stock_id)}));
  // The smallest caps get the rest of the division, so the caps stay within one of each other.
  const std::vector<int64_t> parts = SplitIncrease(increase, static_cast<int64_t>(rows.size()));
  for (size_t i = 0; i < rows.size(); ++i) {
    if (parts[i] == 0) continue;
    MILEAGE_RETURN_IF_ERROR(
        conn_
            .Exec("UPDATE coupon_stock_counters SET cap = cap + ? WHERE "
                  "stock_id = ? AND shard = ?",
                  {db::Value(parts[i]), db::Value(stock_id), db::Value(rows[i].Int(0))})
            .status());
  }
  return Status::Ok();
}

Result<StockCounts> StockStore::Counts(int64_t stock_id) {
  StockCounts counts;
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> totals,
      conn_.Query("SELECT COALESCE(SUM(issued), 0), COALESCE(SUM(cap - issued), 0) FROM "
                  "coupon_stock_counters WHERE stock_id = ?",
                  {db::Value(stock_id)}));
  if (!totals.empty()) {
    counts.issued = totals.front().Int(0);
    counts.remaining = totals.front().Int(1);
  }
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> states,
      conn_.Query("SELECT state, COUNT(*) FROM coupons WHERE stock_id = ? GROUP BY state",
                  {db::Value(stock_id)}));
  for (const db::Row& row : states) {
    const std::optional<CouponState> state = ParseCouponState(row.Text(0));
    if (state == CouponState::kRedeemed) counts.redeemed = row.Int(1);
    if (state == CouponState::kExpired) counts.expired = row.Int(1);
    if (state == CouponState::kVoided) counts.voided = row.Int(1);
  }
  return counts;
}

Result<PageOf<Stock>> StockStore::List(const std::optional<org::NodePath>& viewer,
                                       const std::optional<StockState>& state,
                                       const std::optional<StockType>& type,
                                       const std::optional<org::NodePath>& node,
                                       const PageRequest& page) {
  std::string where = " WHERE 1 = 1";
  std::vector<db::Value> params;
  if (viewer.has_value()) AppendVisibleStocks(*viewer, where, params);
  if (state.has_value()) {
    where += " AND s.state = ?";
    params.emplace_back(std::string(StockStateName(*state)));
  }
  if (type.has_value()) {
    where += " AND s.type = ?";
    params.emplace_back(std::string(StockTypeName(*type)));
  }
  if (node.has_value()) {
    where += " AND s.brand_id = ?";
    params.emplace_back(node->brand_id);
    org::AppendSubtreeFilter(kStockPath, *node, where, params);
  }
  const std::string select = std::string("SELECT ") + kStockColumns + " FROM coupon_stocks s";
  MILEAGE_ASSIGN_OR_RETURN(
      PageOf<Stock> listed,
      db::QueryPage<Stock>(conn_, {select, "SELECT COUNT(*) FROM coupon_stocks s", where, "s.id"},
                           std::move(params), page, StockFromRow));
  MILEAGE_RETURN_IF_ERROR(LoadStores(listed.items));
  return listed;
}

Result<std::optional<IssueContext>> StockStore::LoadForIssue(int64_t stock_id, int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kStockColumns +
                      ", (SELECT COALESCE(MAX(c.member_slot), 0) FROM coupons c WHERE "
                      "c.stock_id = s.id AND c.member_id = ?), k.shard FROM coupon_stocks s LEFT "
                      "JOIN coupon_stock_counters k ON k.stock_id = s.id AND k.issued < k.cap "
                      "WHERE s.id = ? ORDER BY k.shard",
                  {db::Value(member_id), db::Value(stock_id)}));
  if (rows.empty()) return std::optional<IssueContext>();
  IssueContext context;
  context.stock = StockFromRow(rows.front());
  context.member_slots = rows.front().Int(kStockColumnCount);
  for (const db::Row& row : rows) {
    if (!row.IsNull(kStockColumnCount + 1)) {
      context.shards_with_room.push_back(row.Int(kStockColumnCount + 1));
    }
  }
  return std::optional<IssueContext>(std::move(context));
}

Result<bool> StockStore::TakeShard(int64_t stock_id, int64_t shard) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE coupon_stock_counters SET issued = issued + 1 WHERE stock_id = ? AND "
                 "shard = ? AND issued < cap",
                 {db::Value(stock_id), db::Value(shard)}));
  return updated.affected_rows == 1;
}

Result<bool> StockStore::TakeDay(int64_t stock_id, int64_t day, int64_t daily_quantity) {
  const std::string take =
      "UPDATE coupon_stock_days SET issued = issued + 1 WHERE stock_id = ? AND day = ? AND "
      "issued < ?";
  const std::vector<db::Value> params = {db::Value(stock_id), db::Value(day),
                                         db::Value(daily_quantity)};
  MILEAGE_ASSIGN_OR_RETURN(db::ExecResult updated, conn_.Exec(take, params));
  if (updated.affected_rows == 1) return true;
  // No row yet (the day's first coupon), or the day is full. Inserting only when the update
  // found nothing keeps the usual path to one statement and free of the shared lock an insert
  // that meets an existing row takes (two of those upgrading at once deadlock on MySQL).
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult inserted,
      conn_.Exec(std::string(db::InsertIgnoreInto(conn_.dialect())) +
                     " coupon_stock_days (stock_id, day, issued) VALUES (?, ?, 1)",
                 {db::Value(stock_id), db::Value(day)}));
  if (inserted.affected_rows == 1) return true;
  MILEAGE_ASSIGN_OR_RETURN(updated, conn_.Exec(take, params));  // inserted meanwhile by another
  return updated.affected_rows == 1;
}

Result<std::vector<Stock>> StockStore::Issuing(int64_t brand_id, Channel channel, int64_t now,
                                               int64_t limit) {
  const std::string column = "s.channel_" + std::string(ChannelName(channel));
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kStockColumns +
                      " FROM coupon_stocks s WHERE s.brand_id = ? AND s.state = 'active' AND " +
                      column +
                      " = 1 AND (s.valid_days > 0 OR s.valid_until >= ?) ORDER BY s.id "
                      "LIMIT ?",
                  {db::Value(brand_id), db::Value(now), db::Value(limit)}));
  std::vector<Stock> stocks;
  stocks.reserve(rows.size());
  for (const db::Row& row : rows) stocks.push_back(StockFromRow(row));
  MILEAGE_RETURN_IF_ERROR(LoadStores(stocks));
  return stocks;
}

Result<std::vector<ClaimCandidate>> StockStore::ClaimCandidates(int64_t brand_id, int64_t member_id,
                                                                int64_t day, int64_t now,
                                                                int64_t limit) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(
          std::string("SELECT ") + kStockColumns +
              ", (SELECT COALESCE(SUM(k.cap - k.issued), 0) FROM coupon_stock_counters k WHERE "
              "k.stock_id = s.id), (SELECT COALESCE(MAX(c.member_slot), 0) FROM coupons c WHERE "
              "c.stock_id = s.id AND c.member_id = ?), (SELECT COALESCE(MAX(d.issued), 0) FROM "
              "coupon_stock_days d WHERE d.stock_id = s.id AND d.day = ?) FROM coupon_stocks s "
              "WHERE s.brand_id = ? AND s.state = 'active' AND s.channel_claim = 1 AND "
              "(s.valid_days > 0 OR s.valid_until >= ?) ORDER BY s.id LIMIT ?",
          {db::Value(member_id), db::Value(day), db::Value(brand_id), db::Value(now),
           db::Value(limit)}));
  std::vector<ClaimCandidate> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) {
    ClaimCandidate candidate;
    candidate.stock = StockFromRow(row);
    candidate.remaining = row.Int(kStockColumnCount);
    candidate.member_slots = row.Int(kStockColumnCount + 1);
    candidate.issued_today = row.Int(kStockColumnCount + 2);
    out.push_back(std::move(candidate));
  }
  return out;
}

}  // namespace mileage::coupons

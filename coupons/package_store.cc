#include "coupons/package_store.h"

#include <map>

#include "coupons/stock_store.h"
#include "db/in_list.h"
#include "db/paged_query.h"
#include "org/scope_sql.h"

namespace mileage::coupons {
namespace {

// Selected FROM coupon_packages p JOIN stores st.
constexpr const char* kPackageSelect =
    "SELECT p.id, p.brand_id, p.region_id, p.dealer_id, p.store_id, st.name, p.name, "
    "p.description, p.price_fen, p.state, p.created_by, p.created_at, p.updated_at "
    "FROM coupon_packages p JOIN stores st ON st.id = p.store_id";
constexpr const char* kPackageCount = "SELECT COUNT(*) FROM coupon_packages p";

const org::PathColumns kPackagePath{"p.brand_id", "p.region_id", "p.dealer_id", "p.store_id"};

// Selected FROM package_orders o JOIN coupon_packages p.
constexpr const char* kOrderSelect =
    "SELECT o.id, o.brand_id, o.member_id, o.package_id, p.name, o.store_id, o.merchant_id, "
    "o.appid, o.out_trade_no, o.amount_fen, o.state, o.prepay_id, o.transaction_id, "
    "o.created_at, o.paid_at, o.updated_at FROM package_orders o "
    "JOIN coupon_packages p ON p.id = o.package_id";
constexpr const char* kOrderCount = "SELECT COUNT(*) FROM package_orders o";

Package PackageFromRow(const db::Row& row) {
  Package p;
  p.id = row.Int(0);
  p.store = org::PathFromRow(row, 1, org::NodeType::kStore);
  p.store_name = row.Text(5);
  p.name = row.Text(6);
  p.description = row.Text(7);
  p.price_fen = row.Int(8);
  p.state = ParsePackageState(row.Text(9)).value_or(PackageState::kOffSale);
  p.created_by = row.OptionalInt(10);
  p.created_at = row.Int(11);
  p.updated_at = row.Int(12);
  return p;
}

PackageOrder OrderFromRow(const db::Row& row) {
  PackageOrder o;
  o.id = row.Int(0);
  o.brand_id = row.Int(1);
  o.member_id = row.Int(2);
  o.package_id = row.Int(3);
  o.package_name = row.Text(4);
  o.store_id = row.Int(5);
  o.merchant_id = row.Int(6);
  o.appid = row.Text(7);
  o.out_trade_no = row.Text(8);
  o.amount_fen = row.Int(9);
  o.state = ParseOrderState(row.Text(10)).value_or(OrderState::kPending);
  o.prepay_id = row.OptionalText(11);
  o.transaction_id = row.OptionalText(12);
  o.created_at = row.Int(13);
  o.paid_at = row.OptionalInt(14);
  o.updated_at = row.Int(15);
  return o;
}

Result<std::optional<PackageOrder>> FirstOrder(Result<std::vector<db::Row>> rows) {
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<PackageOrder>();
  return std::optional<PackageOrder>(OrderFromRow(rows->front()));
}

}  // namespace

std::string OrderCouponPrefix(int64_t order_id) {
  return "order:" + std::to_string(order_id) + ":";
}

std::string OrderCouponRef(int64_t order_id, int64_t n) {
  return OrderCouponPrefix(order_id) + std::to_string(n);
}

Result<int64_t> PackageStore::Insert(const Package& p) {
  MILEAGE_ASSIGN_OR_RETURN(
      int64_t inserted,
      conn_.Insert(
          "INSERT INTO coupon_packages (brand_id, region_id, dealer_id, store_id, name, "
          "description, price_fen, state, created_by, created_at, updated_at) VALUES (?, "
          "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {db::Value(p.store.brand_id), db::Value(p.store.region_id), db::Value(p.store.dealer_id),
           db::Value(p.store.store_id), db::Value(p.name), db::Value(p.description),
           db::Value(p.price_fen), db::Value(std::string(PackageStateName(p.state))),
           p.created_by.has_value() ? db::Value(*p.created_by) : db::Value(nullptr),
           db::Value(p.created_at), db::Value(p.updated_at)}));
  const int64_t id = inserted;
  for (const PackageItem& item : p.items) {
    MILEAGE_RETURN_IF_ERROR(
        conn_
            .Exec("INSERT INTO coupon_package_items (package_id, stock_id, quantity) VALUES (?, "
                  "?, ?)",
                  {db::Value(id), db::Value(item.stock_id), db::Value(item.quantity)})
            .status());
  }
  return id;
}

Status PackageStore::Update(const Package& p) {
  return conn_
      .Exec(
          "UPDATE coupon_packages SET name = ?, description = ?, price_fen = ?, state = ?, "
          "updated_at = ? WHERE id = ?",
          {db::Value(p.name), db::Value(p.description), db::Value(p.price_fen),
           db::Value(std::string(PackageStateName(p.state))), db::Value(p.updated_at),
           db::Value(p.id)})
      .status();
}

Result<std::optional<Package>> PackageStore::Find(int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string(kPackageSelect) + " WHERE p.id = ?", {db::Value(id)}));
  if (rows.empty()) return std::optional<Package>();
  std::vector<Package> packages = {PackageFromRow(rows.front())};
  MILEAGE_RETURN_IF_ERROR(LoadDetails(packages));
  return std::optional<Package>(std::move(packages.front()));
}

Result<PageOf<Package>> PackageStore::List(const std::optional<org::NodePath>& viewer,
                                           const PageRequest& page) {
  std::string where = " WHERE 1 = 1";
  std::vector<db::Value> params;
  if (viewer.has_value()) org::AppendSubtreeFilter(kPackagePath, *viewer, where, params);
  MILEAGE_ASSIGN_OR_RETURN(
      PageOf<Package> found,
      db::QueryPage<Package>(conn_, {kPackageSelect, kPackageCount, where, "p.id"},
                             std::move(params), page, PackageFromRow));
  MILEAGE_RETURN_IF_ERROR(LoadDetails(found.items));
  return found;
}

Result<std::vector<Package>> PackageStore::OfBrand(int64_t brand_id, PackageState state,
                                                   int64_t limit) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string(kPackageSelect) +
                      " WHERE p.brand_id = ? AND p.state = ? ORDER BY p.id LIMIT ?",
                  {db::Value(brand_id), db::Value(std::string(PackageStateName(state))),
                   db::Value(limit)}));
  std::vector<Package> packages;
  packages.reserve(rows.size());
  for (const db::Row& row : rows) packages.push_back(PackageFromRow(row));
  MILEAGE_RETURN_IF_ERROR(LoadDetails(packages));
  return packages;
}

Result<std::vector<PackageItem>> PackageStore::ItemsOf(int64_t package_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT stock_id, quantity FROM coupon_package_items WHERE package_id = ? "
                  "ORDER BY stock_id",
                  {db::Value(package_id)}));
  std::vector<PackageItem> items;
  for (const db::Row& row : rows) items.push_back({row.Int(0), row.Int(1), Stock{}});
  return items;
}

Status PackageStore::LoadDetails(std::vector<Package>& packages) {
  if (packages.empty()) return Status::Ok();
  std::string sql =
      "SELECT package_id, stock_id, quantity FROM coupon_package_items WHERE package_id IN ";
  std::vector<int64_t> ids;
  std::map<int64_t, Package*> by_id;
  for (Package& package : packages) {
    ids.push_back(package.id);
    by_id[package.id] = &package;
    package.items.clear();
  }
  std::vector<db::Value> params;
  db::AppendInList(sql, params, ids);
  sql += " ORDER BY package_id, stock_id";
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  std::vector<int64_t> stock_ids;
  for (const db::Row& row : rows) {
    Package* package = by_id[row.Int(0)];
    if (package == nullptr) continue;
    package->items.push_back({row.Int(1), row.Int(2), Stock{}});
    stock_ids.push_back(row.Int(1));
  }
  MILEAGE_ASSIGN_OR_RETURN(std::vector<Stock> stocks, StockStore(conn_).FindMany(stock_ids));
  std::map<int64_t, const Stock*> stock_by_id;
  for (const Stock& stock : stocks) stock_by_id[stock.id] = &stock;
  for (Package& package : packages) {
    for (PackageItem& item : package.items) {
      auto it = stock_by_id.find(item.stock_id);
      if (it != stock_by_id.end()) item.stock = *it->second;
    }
  }
  return Status::Ok();
}

Result<int64_t> PackageStore::InsertOrder(const PackageOrder& o) {
  MILEAGE_ASSIGN_OR_RETURN(
      int64_t inserted,
      conn_.Insert("INSERT INTO package_orders (brand_id, member_id, package_id, store_id, "
                   "merchant_id, appid, out_trade_no, amount_fen, state, created_at, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {db::Value(o.brand_id), db::Value(o.member_id), db::Value(o.package_id),
                    db::Value(o.store_id), db::Value(o.merchant_id), db::Value(o.appid),
                    db::Value(o.out_trade_no), db::Value(o.amount_fen),
                    db::Value(std::string(OrderStateName(o.state))), db::Value(o.created_at),
                    db::Value(o.updated_at)}));
  return inserted;
}

Status PackageStore::SetPrepay(int64_t order_id, std::string_view prepay_id, int64_t now) {
  return conn_
      .Exec("UPDATE package_orders SET prepay_id = ?, updated_at = ? WHERE id = ?",
            {db::Value(std::string(prepay_id)), db::Value(now), db::Value(order_id)})
      .status();
}

Result<std::optional<PackageOrder>> PackageStore::FindOrder(int64_t id) {
  return FirstOrder(conn_.Query(std::string(kOrderSelect) + " WHERE o.id = ?", {db::Value(id)}));
}

Result<std::optional<PackageOrder>> PackageStore::FindOrderByTrade(int64_t merchant_id,
                                                                   std::string_view out_trade_no) {
  return FirstOrder(
      conn_.Query(std::string(kOrderSelect) + " WHERE o.merchant_id = ? AND o.out_trade_no = ?",
                  {db::Value(merchant_id), db::Value(std::string(out_trade_no))}));
}

Result<bool> PackageStore::MarkPaid(int64_t order_id, int64_t member_id, int64_t amount_fen,
                                    std::string_view transaction_id, OrderState to, int64_t paid_at,
                                    int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE package_orders SET state = ?, transaction_id = ?, paid_at = ?, "
                 "updated_at = ? WHERE id = ? AND state = 'pending' AND member_id = ? AND "
                 "amount_fen = ?",
                 {db::Value(std::string(OrderStateName(to))),
                  db::Value(std::string(transaction_id)), db::Value(paid_at), db::Value(now),
                  db::Value(order_id), db::Value(member_id), db::Value(amount_fen)}));
  return updated.affected_rows == 1;
}

Result<bool> PackageStore::MarkRefunded(int64_t order_id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE package_orders SET state = 'refunded', updated_at = ? WHERE id = ? AND "
                 "state IN ('paid', 'grant_failed')",
                 {db::Value(now), db::Value(order_id)}));
  return updated.affected_rows == 1;
}

Result<PageOf<PackageOrder>> PackageStore::OfMember(int64_t member_id, const PageRequest& page) {
  return db::QueryPage<PackageOrder>(
      conn_, {kOrderSelect, kOrderCount, " WHERE o.member_id = ?", "o.id DESC"},
      {db::Value(member_id)}, page, OrderFromRow);
}

Result<PageOf<PackageOrder>> PackageStore::OfPackage(int64_t package_id, const PageRequest& page) {
  return db::QueryPage<PackageOrder>(
      conn_, {kOrderSelect, kOrderCount, " WHERE o.package_id = ?", "o.id DESC"},
      {db::Value(package_id)}, page, OrderFromRow);
}

}  // namespace mileage::coupons

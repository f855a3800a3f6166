#include "coupons/visibility_sql.h"

#include "org/scope_sql.h"

namespace mileage::coupons {
namespace {

const org::PathColumns kStockPath{"s.brand_id", "s.region_id", "s.dealer_id", "s.store_id"};
const org::PathColumns kStockStorePath{nullptr, "x.region_id", "x.dealer_id", "x.store_id"};

}  // namespace

// Created in the subtree, or at an ancestor of the scope node and redeemable at a store in the
// subtree (no store list: every store below the ancestor, the scope's included).
void AppendVisibleStocks(const org::NodePath& viewer, std::string& sql,
                         std::vector<db::Value>& params) {
  sql += " AND s.brand_id = ?";
  params.emplace_back(viewer.brand_id);
  if (viewer.type == org::NodeType::kBrand) return;
  sql += " AND ((1 = 1";
  org::AppendSubtreeFilter(kStockPath, viewer, sql, params);
  sql += ") OR ((s.node_type = 'brand'";
  if (viewer.type > org::NodeType::kRegion) {
    sql += " OR (s.node_type = 'region' AND s.region_id = ?)";
    params.emplace_back(viewer.region_id);
  }
  if (viewer.type > org::NodeType::kDealer) {
    sql += " OR (s.node_type = 'dealer' AND s.dealer_id = ?)";
    params.emplace_back(viewer.dealer_id);
  }
  sql +=
      ") AND (NOT EXISTS (SELECT 1 FROM coupon_stock_stores x WHERE x.stock_id = s.id) OR "
      "EXISTS (SELECT 1 FROM coupon_stock_stores x WHERE x.stock_id = s.id";
  org::AppendSubtreeFilter(kStockStorePath, viewer, sql, params);
  sql += "))))";
}

}  // namespace mileage::coupons

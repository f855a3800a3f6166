#include "tests/contract/coupons/coupons_fixture.h"

#include "members/member_store.h"
#include "org/node_store.h"

namespace mileage::coupons {
namespace {

crypto::DataKey TestKey() {
  crypto::Key256 bytes{};
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i * 7 + 1);
  return crypto::DataKey::FromBytes(bytes);
}

}  // namespace

void CouponsTest::Open(int pool_size) {
  database_ = testing::TestDatabase::Open(GetParam(), pool_size);
  if (database_ == nullptr) return;
  writer_ = std::make_unique<org::AuditedWriter>(db(), clock_);
  if (db().dialect() == db::Dialect::kSqlite) {
    transactions_ = std::make_unique<db::GroupCommitter>(db());
  } else {
    transactions_ = std::make_unique<db::SeparateTransactions>(db());
  }
  // The console's member rule in short: brand staff see every member of the brand, others the
  // members enrolled at a store of their subtree (payments::MemberViews also counts payments).
  MemberVisibility visible = [this](db::Connection&, const org::NodePath& scope,
                                    const members::Member& member) -> Result<bool> {
    if (member.brand_id != scope.brand_id) return false;
    auto store = stores_.find(member.enrolled_store_id);
    return store != stores_.end() && org::Authorizer::InSubtree(scope, store->second);
  };
  module_ = std::make_unique<CouponsModule>(db(), *transactions_, authorizer_, *writer_, clock_,
                                            random_, TestKey(), tiers_, std::move(visible));

  Status built = db::InTransaction(db(), [&](db::Connection& conn) -> Status {
    org::NodeStore nodes(conn);
    auto add = [&](org::NodeType type, const org::NodePath& parent,
                   const char* name) -> Result<org::NodePath> {
      return nodes.Insert(type, parent, name, kNow);
    };
    using org::NodeType;
    MILEAGE_ASSIGN_OR_RETURN(tree_.brand, add(NodeType::kBrand, {}, "Brand A"));
    MILEAGE_ASSIGN_OR_RETURN(tree_.region1, add(NodeType::kRegion, tree_.brand, "R1"));
    MILEAGE_ASSIGN_OR_RETURN(tree_.region2, add(NodeType::kRegion, tree_.brand, "R2"));
    MILEAGE_ASSIGN_OR_RETURN(tree_.dealer_a, add(NodeType::kDealer, tree_.region1, "Dealer A"));
    MILEAGE_ASSIGN_OR_RETURN(tree_.dealer_b, add(NodeType::kDealer, tree_.region1, "Dealer B"));
    MILEAGE_ASSIGN_OR_RETURN(tree_.dealer_c, add(NodeType::kDealer, tree_.region2, "Dealer C"));
    MILEAGE_ASSIGN_OR_RETURN(tree_.store_a1, add(NodeType::kStore, tree_.dealer_a, "A1"));
    MILEAGE_ASSIGN_OR_RETURN(tree_.store_a2, add(NodeType::kStore, tree_.dealer_a, "A2"));
    MILEAGE_ASSIGN_OR_RETURN(tree_.store_b1, add(NodeType::kStore, tree_.dealer_b, "B1"));
    MILEAGE_ASSIGN_OR_RETURN(tree_.store_c1, add(NodeType::kStore, tree_.dealer_c, "C1"));
    MILEAGE_ASSIGN_OR_RETURN(tree_.brand_z, add(NodeType::kBrand, {}, "Brand Z"));
    MILEAGE_ASSIGN_OR_RETURN(org::NodePath region_z, add(NodeType::kRegion, tree_.brand_z, "RZ"));
    MILEAGE_ASSIGN_OR_RETURN(org::NodePath dealer_z, add(NodeType::kDealer, region_z, "DZ"));
    MILEAGE_ASSIGN_OR_RETURN(tree_.store_z1, add(NodeType::kStore, dealer_z, "Z1"));
    return Status::Ok();
  });
  ASSERT_TRUE(built.ok()) << built.ToString();
  for (const org::NodePath& store :
       {tree_.store_a1, tree_.store_a2, tree_.store_b1, tree_.store_c1, tree_.store_z1}) {
    stores_[store.store_id] = store;
  }
  admin_ = Staff(org::Role::kBrandAdmin, tree_.brand);
  region1_manager_ = Staff(org::Role::kRegionManager, tree_.region1);
  dealer_a_manager_ = Staff(org::Role::kDealerManager, tree_.dealer_a);
  dealer_b_manager_ = Staff(org::Role::kDealerManager, tree_.dealer_b);
  clerk_a1_ = Staff(org::Role::kStoreClerk, tree_.store_a1);
  clerk_a2_ = Staff(org::Role::kStoreClerk, tree_.store_a2);
  clerk_b1_ = Staff(org::Role::kStoreClerk, tree_.store_b1);
  analyst_a_ = Staff(org::Role::kAnalyst, tree_.dealer_a);
  admin_z_ = Staff(org::Role::kBrandAdmin, tree_.brand_z);
}

void CouponsTest::TearDown() {
  module_.reset();
  transactions_.reset();  // the group committer's thread uses the database
  writer_.reset();
  database_.reset();
}

org::Actor CouponsTest::Staff(org::Role role, const org::NodePath& scope) {
  const int64_t id = next_staff_id_++;
  return org::Actor::ForStaff(org::Principal{id, "staff" + std::to_string(id), role, scope},
                              "req-" + std::to_string(id), "127.0.0.1");
}

std::vector<int64_t> CouponsTest::NewMembers(const org::NodePath& store, int n) {
  std::vector<int64_t> ids;
  constexpr int kPerTransaction = 250;
  for (int first = 0; first < n; first += kPerTransaction) {
    std::vector<int64_t> batch;
    Status enrolled = db::InTransaction(db(), [&](db::Connection& conn) -> Status {
      batch.clear();
      members::MemberStore members(conn, random_);
      for (int i = first; i < std::min(n, first + kPerTransaction); ++i) {
        const std::string openid = "openid-" + std::to_string(next_openid_++);
        MILEAGE_ASSIGN_OR_RETURN(
            members::Enrollment e,
            members.FindOrEnroll({store.brand_id, "wx_app", openid, std::nullopt}, "silver",
                                 "wechat_pay", store.store_id, kNow));
        batch.push_back(e.member.id);
      }
      return Status::Ok();
    });
    EXPECT_TRUE(enrolled.ok()) << enrolled.ToString();
    ids.insert(ids.end(), batch.begin(), batch.end());
  }
  for (int64_t id : ids) member_brand_[id] = store.brand_id;
  return ids;
}

int64_t CouponsTest::NewMember(const org::NodePath& store, const std::string& tier) {
  const std::vector<int64_t> ids = NewMembers(store, 1);
  if (ids.empty()) return 0;
  if (tier != "silver") {
    Result<db::PooledConnection> conn = db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (conn.ok()) {
      EXPECT_TRUE((*conn)
                      ->Exec("UPDATE members SET tier = ? WHERE id = ?",
                             {db::Value(tier), db::Value(ids.front())})
                      .ok());
    }
  }
  return ids.front();
}

std::string CouponsTest::MemberNumber(int64_t member_id) {
  Result<db::PooledConnection> conn = db().Acquire();
  if (!conn.ok()) return "";
  Result<std::vector<db::Row>> rows =
      (*conn)->Query("SELECT number FROM members WHERE id = ?", {db::Value(member_id)});
  return rows.ok() && !rows->empty() ? rows->front().Text(0) : "";
}

NewStock CouponsTest::Cash(const org::NodePath& node) {
  NewStock s;
  s.node_type = node.type;
  s.node_id = node.id();
  s.name = "100 off 500";
  s.type = StockType::kCash;
  s.value_fen = 10000;
  s.threshold_fen = 50000;
  s.valid_days = 30;
  s.total_quantity = 1000;
  s.per_member_limit = 2;
  s.channels = {Channel::kClaim, Channel::kGrant};
  return s;
}

Stock CouponsTest::CreateActive(NewStock stock, const org::Actor& actor) {
  Result<Stock> created = coupons().stocks().Create(actor, stock);
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  if (!created.ok()) return Stock();
  Status activated = Activate(created->id);
  EXPECT_TRUE(activated.ok()) << activated.ToString();
  Stock out = *created;
  out.state = StockState::kActive;
  return out;
}

Status CouponsTest::Activate(int64_t stock_id, StockState state) {
  StockPatch patch;
  patch.state = state;
  return coupons().stocks().Update(system_, stock_id, patch).status();
}

void CouponsTest::Deactivate(const org::NodePath& node) {
  Status done = db::InTransaction(
      db(), [&](db::Connection& conn) { return org::NodeStore(conn).SetInactive(node, kNow); });
  EXPECT_TRUE(done.ok()) << done.ToString();
}

int64_t CouponsTest::QueryInt(const std::string& sql, std::vector<db::Value> params) {
  Result<db::PooledConnection> conn = db().Acquire();
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return -1;
  Result<std::vector<db::Row>> rows = (*conn)->Query(sql, params);
  EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
  if (!rows.ok() || rows->empty() || rows->front().IsNull(0)) return rows.ok() ? 0 : -1;
  return rows->front().Int(0);
}

std::string CouponsTest::Written(bool with_audit) {
  std::string out;
  std::vector<std::string> tables = {
      "coupon_stocks", "coupon_stock_stores", "coupon_stock_counters", "coupon_stock_days",
      "coupons",       "coupon_redemptions",  "outbox_events"};
  if (with_audit) tables.push_back("audit_log");
  for (const std::string& table : tables) {
    out += table + "=" + std::to_string(QueryInt("SELECT COUNT(*) FROM " + table)) + " ";
  }
  out += "issued=" + std::to_string(QueryInt("SELECT SUM(issued) FROM coupon_stock_counters"));
  out += " caps=" + std::to_string(QueryInt("SELECT SUM(cap) FROM coupon_stock_counters"));
  out +=
      " states=" + std::to_string(QueryInt("SELECT COUNT(*) FROM coupons WHERE state = 'issued'")) +
      "/" + std::to_string(QueryInt("SELECT COUNT(*) FROM coupons WHERE state = 'redeemed'"));
  return out;
}

}  // namespace mileage::coupons

#include "growth/feedback_visits.h"

#include <algorithm>
#include <map>
#include <string>

#include "coupons/coupon_store.h"
#include "org/node_store.h"
#include "payments/payment_store.h"

namespace mileage::growth {
namespace {

Visit FromPayment(const payments::TransactionRecord& t) {
  Visit v;
  v.kind = VisitKind::kPayment;
  v.id = t.id;
  v.member_id = t.member_id;
  v.store = t.merchant.store;
  v.visited_at = t.paid_at;
  v.amount_fen = t.amount_fen;
  v.withdrawn = t.state == "refunded";
  return v;
}

Visit FromRedemption(const coupons::Redemption& r) {
  Visit v;
  v.kind = VisitKind::kRedemption;
  v.id = r.id;
  v.member_id = r.member_id;
  v.store = r.store;
  v.visited_at = r.created_at;
  v.amount_fen = r.order_amount_fen;
  v.withdrawn = r.reversed_at.has_value();
  return v;
}

// Fills each visit's store name, one lookup per store.
Status NameStores(db::Connection& conn, std::vector<Visit>& visits) {
  std::vector<int64_t> ids;
  for (const Visit& v : visits) ids.push_back(v.store.store_id);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<std::string> names,
                           NodeNames(conn, org::NodeType::kStore, ids));
  for (size_t i = 0; i < visits.size(); ++i) visits[i].store_name = names[i];
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::string>> NodeNames(db::Connection& conn, org::NodeType type,
                                           const std::vector<int64_t>& ids) {
  std::map<int64_t, std::string> known;
  org::NodeStore nodes(conn);
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (int64_t id : ids) {
    auto it = known.find(id);
    if (it == known.end()) {
      MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> node, nodes.Find(type, id));
      it = known.emplace(id, node.has_value() ? node->name : std::string()).first;
    }
    out.push_back(it->second);
  }
  return out;
}

Result<std::vector<Visit>> VisitsOfMemberSince(db::Connection& conn, int64_t member_id,
                                               int64_t since) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<payments::TransactionRecord> paid,
      payments::PaymentStore(conn).PaidByMemberSince(member_id, since, kMaxVisitsListed));
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<coupons::Redemption> redeemed,
      coupons::RedemptionStore(conn).OfMemberSince(member_id, since, kMaxVisitsListed));
  std::vector<Visit> visits;
  visits.reserve(paid.size() + redeemed.size());
  for (const payments::TransactionRecord& t : paid) visits.push_back(FromPayment(t));
  for (const coupons::Redemption& r : redeemed) visits.push_back(FromRedemption(r));
  std::sort(visits.begin(), visits.end(), [](const Visit& a, const Visit& b) {
    if (a.visited_at != b.visited_at) return a.visited_at > b.visited_at;
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.id > b.id;
  });
  if (visits.size() > static_cast<size_t>(kMaxVisitsListed)) {
    visits.resize(static_cast<size_t>(kMaxVisitsListed));
  }
  MILEAGE_RETURN_IF_ERROR(NameStores(conn, visits));
  return visits;
}

Result<std::optional<Visit>> FindVisit(db::Connection& conn, VisitKind kind, int64_t id) {
  std::vector<Visit> found;
  if (kind == VisitKind::kPayment) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<payments::TransactionRecord> t,
                             payments::PaymentStore(conn).FindById(id));
    if (t.has_value()) found.push_back(FromPayment(*t));
  } else {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<coupons::Redemption> r,
                             coupons::RedemptionStore(conn).Find(id));
    if (r.has_value()) found.push_back(FromRedemption(*r));
  }
  if (found.empty()) return std::optional<Visit>();
  MILEAGE_RETURN_IF_ERROR(NameStores(conn, found));
  return std::optional<Visit>(std::move(found.front()));
}

}  // namespace mileage::growth

#include "payments/member_views.h"

#include <optional>
#include <string>

#include "members/member_store.h"
#include "members/validation.h"
#include "org/scope_sql.h"
#include "org/validation.h"
#include "payments/payment_store.h"

namespace mileage::payments {
namespace {

// Where a payment's store and a store row keep the path ids of each level.
constexpr org::PathColumns kPaymentColumns{"brand_id", "region_id", "dealer_id", "store_id"};
constexpr org::PathColumns kStoreColumns{"s.brand_id", "s.region_id", "s.dealer_id", "s.id"};

Status MemberNotFound(int64_t member_id) {
  return NotFoundError("member " + std::to_string(member_id) + " not found", "MEMBER_NOT_FOUND");
}

Status StaffOnly() { return FailedPreconditionError("member views serve staff callers only"); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Result<MemberQuery> ParseMemberQuery(std::string_view q) {
  if (q.empty()) return InvalidArgumentError("q is required", "INVALID_QUERY");
  if (q.size() > kMaxQuery) {
    return InvalidArgumentError("q is at most " + std::to_string(kMaxQuery) + " bytes",
                                "INVALID_QUERY");
  }
  bool digits_only = true;
  bool phone_like = true;
  for (size_t i = 0; i < q.size(); ++i) {
    const char c = q[i];
    digits_only = digits_only && IsDigit(c);
    phone_like = phone_like && (IsDigit(c) || c == ' ' || c == '-' || (c == '+' && i == 0));
  }
  MemberQuery query;
  query.value = std::string(q);
  if (digits_only && q.size() == 12) {
    query.by = members::MemberSearchBy::kNumber;
  } else if (phone_like) {
    query.by = members::MemberSearchBy::kPhone;
  } else if (members::ValidateWechatId(q, "q").ok()) {
    query.by = members::MemberSearchBy::kOpenid;
  } else {
    return InvalidArgumentError(
        "q must be a 12-digit member number, a mobile phone number or an openid", "INVALID_QUERY");
  }
  return query;
}

Result<bool> MemberViews::Visible(db::Connection& conn, const org::NodePath& scope,
                                  const members::Member& member) {
  if (member.brand_id != scope.brand_id) return false;
  if (scope.type == org::NodeType::kBrand) return true;
  std::string sql = "SELECT 1 FROM payment_transactions WHERE member_id = ?";
  std::vector<db::Value> params = {db::Value(member.id)};
  org::AppendSubtreeFilter(kPaymentColumns, scope, sql, params);
  sql += " UNION ALL SELECT 1 FROM stores s WHERE s.id = ?";
  params.emplace_back(member.enrolled_store_id);
  org::AppendSubtreeFilter(kStoreColumns, scope, sql, params);
  // One row is enough: paid or enrolled in the subtree.
  sql = "SELECT COUNT(*) FROM (" + sql + ") visible";
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn.Query(sql, params));
  return org::FirstInt(rows) > 0;
}

Status MemberViews::CheckVisible(db::Connection& conn, const org::Actor& actor,
                                 const members::Member& member) {
  MILEAGE_ASSIGN_OR_RETURN(bool visible, Visible(conn, actor.staff->scope, member));
  if (!visible) return MemberNotFound(member.id);
  return authorizer_.Check(actor, org::Action::kMemberRead, actor.staff->scope,
                           "member " + std::to_string(member.id));
}

Result<std::vector<members::Member>> MemberViews::Search(const org::Actor& actor,
                                                         std::string_view q) {
  if (actor.is_system()) return StaffOnly();
  MILEAGE_ASSIGN_OR_RETURN(MemberQuery query, ParseMemberQuery(q));
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.CheckList(actor, org::Action::kMemberRead, std::nullopt, "members"));
  MILEAGE_ASSIGN_OR_RETURN(std::vector<members::Member> found,
                           directory_.Search(actor.staff->scope.brand_id, query.by, query.value));
  if (found.empty() || actor.staff->scope.type == org::NodeType::kBrand) return found;
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  std::vector<members::Member> out;
  for (members::Member& member : found) {
    MILEAGE_ASSIGN_OR_RETURN(bool visible, Visible(*conn, actor.staff->scope, member));
    if (visible) out.push_back(std::move(member));
  }
  return out;
}

Result<MemberView> MemberViews::Profile(const org::Actor& actor, int64_t member_id) {
  if (actor.is_system()) return StaffOnly();
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(member_id, "member_id"));
  MemberView view;
  MILEAGE_ASSIGN_OR_RETURN(view.profile, directory_.Profile(actor.staff->scope.brand_id, member_id,
                                                            UnixSeconds(clock_.Now())));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_RETURN_IF_ERROR(CheckVisible(*conn, actor, view.profile.member));
  MILEAGE_ASSIGN_OR_RETURN(view.balance, points::Ledger(*conn).BalanceOf(member_id));
  org::PageRequest recent;
  recent.page_size = MemberView::kRecentPayments;
  MILEAGE_ASSIGN_OR_RETURN(
      org::PageOf<TransactionRecord> payments,
      PaymentStore(*conn).ListTransactions(actor.staff->scope, member_id, recent));
  view.recent_payments = std::move(payments.items);
  return view;
}

Result<org::PageOf<points::JournalLine>> MemberViews::Points(const org::Actor& actor,
                                                             int64_t member_id,
                                                             const org::PageRequest& page) {
  if (actor.is_system()) return StaffOnly();
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(member_id, "member_id"));
  MILEAGE_RETURN_IF_ERROR(org::ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<members::Member> member,
                           members::MemberStore(*conn, no_draws_).Find(member_id));
  if (!member.has_value()) return MemberNotFound(member_id);
  MILEAGE_RETURN_IF_ERROR(CheckVisible(*conn, actor, *member));
  org::PageOf<points::JournalLine> out;
  out.request = page;
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> count,
                           conn->Query("SELECT COUNT(*) FROM point_journals WHERE member_id = ?",
                                       {db::Value(member_id)}));
  out.total = org::FirstInt(count);
  MILEAGE_ASSIGN_OR_RETURN(
      out.items,
      points::Ledger(*conn).History(member_id, page.page_size, (page.page - 1) * page.page_size));
  return out;
}

}  // namespace mileage::payments

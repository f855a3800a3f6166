#include "payments/member_views.h"

#include <optional>
#include <string>
#include <utility>

#include "members/member_store.h"
#include "members/validation.h"
#include "org/node_store.h"
#include "org/validation.h"
#include "payments/payment_store.h"

namespace mileage::payments {
namespace {

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
  // A plate starts with its province character: the one form that is not ASCII.
  if (static_cast<unsigned char>(q.front()) >= 0x80) {
    query.by = members::MemberSearchBy::kPlate;
  } else if (digits_only && q.size() == 12) {
    query.by = members::MemberSearchBy::kNumber;
  } else if (phone_like) {
    query.by = members::MemberSearchBy::kPhone;
  } else if (members::ValidateWechatId(q, "q").ok()) {
    query.by = members::MemberSearchBy::kOpenid;
  } else {
    return InvalidArgumentError(
        "q must be a 12-digit member number, a mobile phone number, a plate or an openid",
        "INVALID_QUERY");
  }
  return query;
}

Result<bool> MemberViews::Visible(db::Connection& conn, const org::NodePath& scope,
                                  const members::Member& member) {
  if (member.brand_id != scope.brand_id) return false;
  if (scope.type == org::NodeType::kBrand) return true;
  // Enrolled in the subtree: the enrolling store's place, read through org.
  if (member.enrolled_store_id > 0) {
    MILEAGE_ASSIGN_OR_RETURN(
        std::optional<org::Node> store,
        org::NodeStore(conn).Find(org::NodeType::kStore, member.enrolled_store_id));
    if (store.has_value() && org::Authorizer::InSubtree(scope, store->path)) return true;
  }
  // Or paid in the subtree.
  return PaymentStore(conn).HasPaidInSubtree(member.id, scope);
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
  if (!actor.staff.has_value()) return StaffOnly();
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

Result<std::vector<MemberListing>> MemberViews::Listings(db::Connection& conn,
                                                         std::vector<members::Member> found) {
  std::vector<int64_t> ids;
  ids.reserve(found.size());
  for (const members::Member& member : found) ids.push_back(member.id);
  MILEAGE_ASSIGN_OR_RETURN(auto phones, members::MemberStore(conn, no_draws_).MaskedPhones(ids));
  MILEAGE_ASSIGN_OR_RETURN(auto balances, points::Ledger(conn).BalancesOf(ids));
  std::vector<MemberListing> out;
  out.reserve(found.size());
  for (members::Member& member : found) {
    MemberListing listing;
    listing.member = std::move(member);
    if (auto phone = phones.find(listing.member.id); phone != phones.end()) {
      listing.phone_masked = std::move(phone->second);
    }
    if (auto balance = balances.find(listing.member.id); balance != balances.end()) {
      listing.balance = balance->second;
    }
    out.push_back(std::move(listing));
  }
  return out;
}

Result<std::vector<MemberListing>> MemberViews::SearchListings(const org::Actor& actor,
                                                               std::string_view q) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<members::Member> found, Search(actor, q));
  if (found.empty()) return std::vector<MemberListing>();
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return Listings(*conn, std::move(found));
}

Result<PageOf<MemberListing>> MemberViews::List(const org::Actor& actor, const PageRequest& page) {
  if (!actor.staff.has_value()) return StaffOnly();
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.CheckList(actor, org::Action::kMemberRead, std::nullopt, "members"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(PageOf<members::Member> members,
                           PaymentStore(*conn).MembersSeenIn(actor.staff->scope, page));
  PageOf<MemberListing> out;
  out.total = members.total;
  out.request = members.request;
  MILEAGE_ASSIGN_OR_RETURN(out.items, Listings(*conn, std::move(members.items)));
  return out;
}

Result<MemberView> MemberViews::Profile(const org::Actor& actor, int64_t member_id) {
  if (!actor.staff.has_value()) return StaffOnly();
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(member_id, "member_id"));
  MemberView view;
  MILEAGE_ASSIGN_OR_RETURN(view.profile, directory_.Profile(actor.staff->scope.brand_id, member_id,
                                                            UnixSeconds(clock_.Now())));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_RETURN_IF_ERROR(CheckVisible(*conn, actor, view.profile.member));
  MILEAGE_ASSIGN_OR_RETURN(view.balance, points::Ledger(*conn).BalanceOf(member_id));
  PageRequest recent;
  recent.page_size = MemberView::kRecentPayments;
  MILEAGE_ASSIGN_OR_RETURN(
      PageOf<TransactionRecord> payments,
      PaymentStore(*conn).ListTransactions(actor.staff->scope, member_id, recent));
  view.recent_payments = std::move(payments.items);
  return view;
}

Result<MemberView> MemberViews::Scan(const org::Actor& actor, std::string_view code) {
  if (!actor.staff.has_value()) return StaffOnly();
  MILEAGE_ASSIGN_OR_RETURN(int64_t member_id, codes_.Verify(actor.staff->scope.brand_id, code,
                                                            UnixSeconds(clock_.Now())));
  return Profile(actor, member_id);
}

Result<PageOf<points::JournalLine>> MemberViews::Points(const org::Actor& actor, int64_t member_id,
                                                        const PageRequest& page) {
  if (!actor.staff.has_value()) return StaffOnly();
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(member_id, "member_id"));
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<members::Member> member,
                           members::MemberStore(*conn, no_draws_).Find(member_id));
  if (!member.has_value()) return MemberNotFound(member_id);
  MILEAGE_RETURN_IF_ERROR(CheckVisible(*conn, actor, *member));
  return points::Ledger(*conn).History(member_id, page);
}

}  // namespace mileage::payments

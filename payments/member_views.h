#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "db/db.h"
#include "members/member_codes.h"
#include "members/member_directory.h"
#include "org/authorizer.h"
#include "org/principal.h"
#include "org/types.h"
#include "payments/types.h"
#include "points/ledger.h"

namespace mileage::payments {

// What `GET /api/console/members?q=` searched for: a 12-digit member number, a phone, a
// vehicle plate or an openid.
struct MemberQuery {
  members::MemberSearchBy by = members::MemberSearchBy::kOpenid;
  std::string value;
};

// Reads a console search string: text starting with a non-ASCII character is a plate (it
// starts with its province, 京A12345); 12 digits are a member number; digits with an optional
// leading "+", spaces or dashes are a phone; anything else is an openid. Errors:
// InvalidArgument INVALID_QUERY (empty, over kMaxQuery bytes, or no openid either).
// The number, phone and openid rules themselves are checked by the search.
inline constexpr size_t kMaxQuery = 128;
Result<MemberQuery> ParseMemberQuery(std::string_view q);

// A member as the console's profile shows it.
struct MemberView {
  members::MemberProfile profile;  // identities with masked phones
  points::Balance balance;
  std::vector<TransactionRecord> recent_payments;  // newest first, in the caller's scope
  static constexpr int64_t kRecentPayments = 20;
};

// A member as an export lists it: the member, the masked phone ("" when none) and the points.
struct MemberListing {
  members::Member member;
  std::string phone_masked;
  points::Balance balance;
};

// The console's read side of members: search, profile and points journal, under the one
// visibility rule (docs/API.md, "Members: who sees whom"):
//
//   A member belongs to a brand. Staff scoped at the brand see every member of it. Staff
//   scoped at a region, dealer or store see a member only when the member has at least one
//   payment (payment_transactions) at a store in their subtree or enrolled at one
//   (members.enrolled_store_id). Any other member answers NotFound MEMBER_NOT_FOUND, exactly
//   as an id no member has.
//
// Then the role must have org::Action::kMemberRead at the caller's scope node
// (PermissionDenied otherwise). Only staff callers are served (FailedPrecondition for the
// system actor). Owned by the composition root; safe for concurrent use (each call takes its
// own pooled connections).
//
// Errors common to the methods: InvalidArgument (INVALID_ID, INVALID_PAGE); the db errors.
class MemberViews {
 public:
  MemberViews(db::Db& db, const org::Authorizer& authorizer, members::MemberDirectory& directory,
              members::MemberCodes& codes, const Clock& clock)
      : db_(db), authorizer_(authorizer), directory_(directory), codes_(codes), clock_(clock) {}

  // The members of the caller's brand that `query` names and the caller may see, id order
  // (at most MemberDirectory::kMaxResults). Errors: ParseMemberQuery's, and the directory's
  // INVALID_MEMBER_NUMBER, INVALID_PHONE, INVALID_PLATE.
  Result<std::vector<members::Member>> Search(const org::Actor& actor, std::string_view q);
  // Search's members with their masked phones and balances.
  Result<std::vector<MemberListing>> SearchListings(const org::Actor& actor, std::string_view q);
  // A page of every member the caller sees, id order, with masked phones and balances: four
  // statements a page whatever its size (count, members, phones, balances).
  Result<PageOf<MemberListing>> List(const org::Actor& actor, const PageRequest& page);
  // Errors: NotFound MEMBER_NOT_FOUND.
  Result<MemberView> Profile(const org::Actor& actor, int64_t member_id);
  // The profile of the member whom a member code (the owner card's QR, members::MemberCodes)
  // names, as the counter scans it: the code is verified under the caller's brand at now, then
  // Profile's rule applies. Errors: InvalidArgument INVALID_MEMBER_CODE (malformed, altered,
  // another brand's or another deployment's); FailedPrecondition MEMBER_CODE_EXPIRED (checked
  // before visibility: it tells nothing of the member); NotFound MEMBER_NOT_FOUND.
  Result<MemberView> Scan(const org::Actor& actor, std::string_view code);
  // The member's journal lines, newest first. Errors: NotFound MEMBER_NOT_FOUND.
  Result<PageOf<points::JournalLine>> Points(const org::Actor& actor, int64_t member_id,
                                             const PageRequest& page);

  // Whether staff scoped at `scope` see `member` by the rule above (true for a brand scope of
  // the member's brand), on `conn`.
  static Result<bool> Visible(db::Connection& conn, const org::NodePath& scope,
                              const members::Member& member);

 private:
  // The listings of `found`, in its order: one phone query and one balance query for all.
  Result<std::vector<MemberListing>> Listings(db::Connection& conn,
                                              std::vector<members::Member> found);
  // NotFound MEMBER_NOT_FOUND unless the caller sees the member; then the role check.
  Status CheckVisible(db::Connection& conn, const org::Actor& actor, const members::Member& member);

  db::Db& db_;
  const org::Authorizer& authorizer_;
  members::MemberDirectory& directory_;
  members::MemberCodes& codes_;
  const Clock& clock_;
  OsRandom no_draws_;  // members::MemberStore wants a source; reads never draw
};

}  // namespace mileage::payments

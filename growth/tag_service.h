#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "db/db.h"
#include "growth/tag_store.h"
#include "members/types.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"

namespace mileage::growth {

// Everything tagged on one member: the RFM row and system tags the job last wrote, and the
// manual tags.
struct MemberTags {
  int64_t member_id = 0;
  std::optional<MemberRfm> rfm;
  std::vector<SystemTag> system;
  std::vector<ManualTag> manual;
};

// A member's tags in the console (docs/API.md "Tags and segments"). Staff read the tags of the
// members they see (org::Action kMemberRead and the console's member rule,
// payments::MemberViews::Visible) and, with kTagWrite (brand admins, region and dealer
// managers), add and remove manual tags on them, audited (member_tag.add, member_tag.remove).
// A tag name is free text, 1..20 characters (ValidateTagName); a member carries at most
// kMaxManualTags. Owned by GrowthModule; safe for concurrent use.
//
// Errors common to the methods: InvalidArgument INVALID_ID; NotFound MEMBER_NOT_FOUND (a
// member of another brand or outside the caller's scope answers so too); PermissionDenied;
// FailedPrecondition STAFF_ONLY for the system actor; the db errors.
class TagService {
 public:
  static constexpr size_t kMaxManualTags = 20;
  static constexpr int64_t kMaxNames = 200;

  TagService(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer)
      : db_(db), authorizer_(authorizer), writer_(writer) {}

  Result<MemberTags> Of(const org::Actor& actor, int64_t member_id);
  // Adds the manual tag (adding one the member has changes nothing). Errors: InvalidArgument
  // INVALID_TAG_NAME; FailedPrecondition TOO_MANY_TAGS.
  Result<MemberTags> Add(const org::Actor& actor, int64_t member_id, const std::string& name,
                         int64_t now);
  // Errors: NotFound TAG_NOT_FOUND when the member does not have it.
  Result<MemberTags> Remove(const org::Actor& actor, int64_t member_id, const std::string& name);
  // The brand's manual tag names (at most kMaxNames, name order) with how many members carry
  // each, for the filter editor: kSegmentRead at the brand.
  Result<std::vector<std::pair<std::string, int64_t>>> Names(const org::Actor& actor,
                                                             int64_t brand_id);

 private:
  // The member when the caller sees them and may do `action`.
  Result<members::Member> Visible(db::Connection& conn, const org::Actor& actor, org::Action action,
                                  int64_t member_id);
  Result<MemberTags> Read(db::Connection& conn, const members::Member& member);

  db::Db& db_;
  const org::Authorizer& authorizer_;
  org::AuditedWriter& writer_;
  OsRandom no_draws_;  // members::MemberStore wants a source; reads never draw
};

}  // namespace mileage::growth

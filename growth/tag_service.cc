#include "growth/tag_service.h"

#include "growth/segment_filter.h"
#include "members/member_store.h"
#include "org/validation.h"
#include "payments/member_views.h"

namespace mileage::growth {
namespace {

Status MemberNotFound(int64_t id) {
  return NotFoundError("member " + std::to_string(id) + " not found", "MEMBER_NOT_FOUND");
}

org::AuditRecord Base(const char* action, int64_t member_id) {
  org::AuditRecord base;
  base.action = action;
  base.object_type = "member";
  base.object_id = member_id;
  return base;
}

}  // namespace

Result<members::Member> TagService::Visible(db::Connection& conn, const org::Actor& actor,
                                            org::Action action, int64_t member_id) {
  if (!actor.staff.has_value()) {
    return FailedPreconditionError("member tags are for staff", "STAFF_ONLY");
  }
  MILEAGE_ASSIGN_OR_RETURN(std::optional<members::Member> member,
                           members::MemberStore(conn, no_draws_).Find(member_id));
  if (!member.has_value()) return MemberNotFound(member_id);
  MILEAGE_ASSIGN_OR_RETURN(bool visible,
                           payments::MemberViews::Visible(conn, actor.staff->scope, *member));
  if (!visible) return MemberNotFound(member_id);
  Status allowed = authorizer_.Check(actor, action, actor.staff->scope, "member");
  if (allowed.code() == StatusCode::kNotFound) return MemberNotFound(member_id);
  MILEAGE_RETURN_IF_ERROR(allowed);
  return std::move(*member);
}

Result<MemberTags> TagService::Read(db::Connection& conn, const members::Member& member) {
  TagStore store(conn);
  MemberTags tags;
  tags.member_id = member.id;
  MILEAGE_ASSIGN_OR_RETURN(tags.rfm, store.Rfm(member.id));
  MILEAGE_ASSIGN_OR_RETURN(tags.system, store.SystemTags(member.brand_id, member.id));
  MILEAGE_ASSIGN_OR_RETURN(tags.manual, store.ManualTags(member.brand_id, member.id));
  return tags;
}

Result<MemberTags> TagService::Of(const org::Actor& actor, int64_t member_id) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kMemberRead));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(member_id, "member_id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(members::Member member,
                           Visible(*conn, actor, org::Action::kMemberRead, member_id));
  return Read(*conn, member);
}

Result<MemberTags> TagService::Add(const org::Actor& actor, int64_t member_id,
                                   const std::string& name, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kTagWrite));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(member_id, "member_id"));
  MILEAGE_RETURN_IF_ERROR(ValidateTagName(name));
  MemberTags out;
  const Status written = writer_.Run(
      actor, Base("member_tag.add", member_id),
      [&](db::Connection& conn, org::AuditRecord& record) -> Status {
        TagStore store(conn);
        // The lock comes before any read: MySQL's snapshot starts at a transaction's first
        // read, and the count below must see the tags of the adds this one queued behind.
        MILEAGE_RETURN_IF_ERROR(store.LockMember(member_id));
        MILEAGE_ASSIGN_OR_RETURN(members::Member member,
                                 Visible(conn, actor, org::Action::kTagWrite, member_id));
        MILEAGE_ASSIGN_OR_RETURN(std::vector<ManualTag> has,
                                 store.ManualTags(member.brand_id, member_id));
        bool present = false;
        for (const ManualTag& t : has) present = present || t.name == name;
        if (!present && has.size() >= kMaxManualTags) {
          return FailedPreconditionError(
              "a member carries at most " + std::to_string(kMaxManualTags) + " manual tags",
              "TOO_MANY_TAGS");
        }
        MILEAGE_ASSIGN_OR_RETURN(bool added,
                                 store.AddManualTag(member.brand_id, member_id,
                                                    ManualTag{name, actor.staff->staff_id, now}));
        record.brand_id = member.brand_id;
        record.detail = (added ? "tag " : "tag (already there) ") + name;
        MILEAGE_ASSIGN_OR_RETURN(out, Read(conn, member));
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return out;
}

Result<MemberTags> TagService::Remove(const org::Actor& actor, int64_t member_id,
                                      const std::string& name) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kTagWrite));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(member_id, "member_id"));
  MemberTags out;
  const Status written = writer_.Run(
      actor, Base("member_tag.remove", member_id),
      [&](db::Connection& conn, org::AuditRecord& record) -> Status {
        MILEAGE_ASSIGN_OR_RETURN(members::Member member,
                                 Visible(conn, actor, org::Action::kTagWrite, member_id));
        MILEAGE_ASSIGN_OR_RETURN(bool removed,
                                 TagStore(conn).RemoveManualTag(member.brand_id, member_id, name));
        if (!removed) return NotFoundError("the member has no such tag", "TAG_NOT_FOUND");
        record.brand_id = member.brand_id;
        record.detail = "tag " + name;
        MILEAGE_ASSIGN_OR_RETURN(out, Read(conn, member));
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> TagService::Names(const org::Actor& actor,
                                                                       int64_t brand_id) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kSegmentRead));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(brand_id, "brand_id"));
  MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, org::Action::kSegmentRead,
                                            org::NodePath::Brand(brand_id),
                                            "brand " + std::to_string(brand_id)));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return TagStore(*conn).ManualTagNames(brand_id, kMaxNames);
}

}  // namespace mileage::growth

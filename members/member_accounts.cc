#include "members/member_accounts.h"

#include "common/log.h"
#include "members/member_store.h"
#include "members/validation.h"

namespace mileage::members {
namespace {

Status MemberNotFound(int64_t member_id) {
  return NotFoundError("member " + std::to_string(member_id) + " not found", "MEMBER_NOT_FOUND");
}

}  // namespace

Result<Member> MemberAccounts::Get(int64_t member_id) {
  MILEAGE_RETURN_IF_ERROR(ValidatePositiveId(member_id, "member_id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Member> member,
                           MemberStore(*conn, random_).Find(member_id));
  if (!member.has_value()) return MemberNotFound(member_id);
  return std::move(*member);
}

Result<MemberWithActivity> MemberAccounts::GetWithActivity(int64_t member_id, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(ValidatePositiveId(member_id, "member_id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return GetWithActivity(*conn, member_id, now);
}

Result<MemberWithActivity> MemberAccounts::GetWithActivity(db::Connection& conn, int64_t member_id,
                                                           int64_t now) {
  MILEAGE_RETURN_IF_ERROR(ValidatePositiveId(member_id, "member_id"));
  MILEAGE_ASSIGN_OR_RETURN(auto found, MemberStore(conn, random_).FindWithActivity(member_id, now));
  if (!found.has_value()) return MemberNotFound(member_id);
  return MemberWithActivity{std::move(found->first), found->second.spend_fen, found->second.visits};
}

Result<Member> MemberAccounts::SetSuspended(const org::Actor& actor, int64_t member_id,
                                            bool suspended) {
  MILEAGE_RETURN_IF_ERROR(ValidatePositiveId(member_id, "member_id"));
  if (!actor.is_system()) {
    return PermissionDeniedError("only the operator suspends or reactivates members");
  }
  const std::string status = suspended ? "suspended" : "active";
  Member member;
  org::AuditRecord base;
  base.action = suspended ? "member.suspend" : "member.reactivate";
  base.object_type = "member";
  base.object_id = member_id;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& conn, org::AuditRecord& record) -> Status {
        MemberStore store(conn, random_);
        MILEAGE_ASSIGN_OR_RETURN(bool changed,
                                 store.SetStatus(member_id, status, record.created_at));
        MILEAGE_ASSIGN_OR_RETURN(std::optional<Member> found, store.Find(member_id));
        if (!found.has_value()) return MemberNotFound(member_id);
        member = std::move(*found);
        record.brand_id = member.brand_id;
        record.detail = "status: " + status + (changed ? "" : "; unchanged");
        return Status::Ok();
      });
  if (!written.ok()) return written;
  if (!suspended) {
    truth_.Forget(member_id);
    return member;
  }
  Status marked = truth_.Revoke(member_id);
  if (!marked.ok()) {
    MILEAGE_LOG(kWarn) << "marking the sessions of suspended member " << member_id
                       << " in the Kv failed (they end within the truth cache bound): "
                       << marked.ToString();
  }
  return member;
}

}  // namespace mileage::members

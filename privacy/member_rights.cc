#include "privacy/member_rights.h"

#include <utility>

#include "care/member_privacy.h"
#include "common/log.h"
#include "coupons/member_privacy.h"
#include "growth/member_privacy.h"
#include "org/audit_store.h"
#include "payments/member_privacy.h"
#include "points/member_privacy.h"

namespace mileage::privacy {
namespace {

constexpr std::string_view kExportsPrefix = "mp:privacy-exports:";

// The member's brand and status; NotFound MEMBER_NOT_FOUND unless a member of `brand_id` has
// the id.
Result<std::pair<std::string, std::optional<int64_t>>> StatusOf(db::Connection& conn,
                                                                const Requester& who) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn.Query("SELECT status, deleted_at FROM members WHERE id = ? AND brand_id = ?",
                 {db::Value(who.member_id), db::Value(who.brand_id)}));
  if (rows.empty()) {
    return NotFoundError("member " + std::to_string(who.member_id) + " not found",
                         "MEMBER_NOT_FOUND");
  }
  return std::make_pair(rows[0].Text(0), rows[0].OptionalInt(1));
}

// Appends `sections` to `out`.
Status Append(std::vector<db::ExportSection>& out,
              Result<std::vector<db::ExportSection>> sections) {
  MILEAGE_RETURN_IF_ERROR(sections.status());
  for (db::ExportSection& section : *sections) out.push_back(std::move(section));
  return Status::Ok();
}

}  // namespace

MemberRights::MemberRights(db::Db& db, kv::Kv& kv, const Clock& clock,
                           const members::MemberPrivacy& members,
                           members::MemberSessionTruth& truth, MemberRightsLimits limits)
    : db_(db),
      clock_(clock),
      members_(members),
      truth_(truth),
      exports_(kv, clock, std::string(kExportsPrefix), limits.exports, limits.window,
               "data exports") {}

Status MemberRights::Record(db::Connection& conn, const Requester& who, std::string_view kind,
                            int64_t now) {
  MILEAGE_RETURN_IF_ERROR(
      conn.Exec("INSERT INTO privacy_requests (brand_id, member_id, kind, appid, client_address, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                {db::Value(who.brand_id), db::Value(who.member_id), db::Value(std::string(kind)),
                 db::Value(who.appid), db::Value(who.client_address.substr(0, 64)), db::Value(now)})
          .status());
  org::AuditRecord record;
  record.brand_id = who.brand_id;
  record.action = kind == "export" ? "member.export" : "member.delete";
  record.object_type = "member";
  record.object_id = who.member_id;
  record.detail = "asked by the member through " + who.appid;
  record.client_address = who.client_address;
  record.created_at = now;
  return org::AuditStore(conn).Insert(record);
}

Status MemberRights::ReadAll(db::Connection& conn, const Requester& who, MemberExport& out) {
  out.sections.clear();
  MILEAGE_ASSIGN_OR_RETURN(auto status, StatusOf(conn, who));
  if (status.first == "deleted") {
    return FailedPreconditionError("the member was deleted at their request", "MEMBER_DELETED");
  }
  MILEAGE_RETURN_IF_ERROR(Append(out.sections, members_.Export(conn, who.member_id)));
  MILEAGE_RETURN_IF_ERROR(Append(out.sections, points::ExportMemberPoints(conn, who.member_id)));
  MILEAGE_RETURN_IF_ERROR(Append(out.sections, coupons::ExportMemberCoupons(conn, who.member_id)));
  MILEAGE_RETURN_IF_ERROR(
      Append(out.sections, payments::ExportMemberPayments(conn, who.member_id)));
  MILEAGE_RETURN_IF_ERROR(Append(out.sections, care::ExportMemberCare(conn, who.member_id)));
  MILEAGE_RETURN_IF_ERROR(Append(out.sections, growth::ExportMemberGrowth(conn, who.member_id)));
  return Record(conn, who, "export", out.generated_at);
}

Result<MemberExport> MemberRights::Export(const Requester& who, std::chrono::seconds* retry_after) {
  MILEAGE_RETURN_IF_ERROR(exports_.Take(std::to_string(who.member_id), retry_after));
  MemberExport out;
  out.member_id = who.member_id;
  out.generated_at = UnixSeconds(clock_.Now());
  const Status read = db::InTransaction(
      db_, [&](db::Connection& conn) -> Status { return ReadAll(conn, who, out); });
  if (!read.ok()) return read;
  MILEAGE_LOG(kInfo) << "member " << who.member_id << " exported their data";
  return out;
}

Status MemberRights::EraseAll(db::Connection& conn, const Requester& who, int64_t now,
                              Deletion& out) {
  MILEAGE_ASSIGN_OR_RETURN(auto status, StatusOf(conn, who));
  MILEAGE_ASSIGN_OR_RETURN(out.erased_now, members_.Erase(conn, who.member_id, now));
  if (!out.erased_now) {
    out.deleted_at = status.second.value_or(0);
    return Status::Ok();
  }
  out.deleted_at = now;
  MILEAGE_RETURN_IF_ERROR(payments::EraseMemberPayer(conn, who.member_id));
  MILEAGE_RETURN_IF_ERROR(care::EraseMemberCare(conn, who.member_id, now));
  MILEAGE_RETURN_IF_ERROR(coupons::EraseMemberCoupons(conn, who.member_id, now));
  MILEAGE_RETURN_IF_ERROR(growth::EraseMemberGrowth(conn, who.member_id));
  return Record(conn, who, "deletion", now);
}

Result<Deletion> MemberRights::Delete(const Requester& who) {
  Deletion out;
  out.member_id = who.member_id;
  const int64_t now = UnixSeconds(clock_.Now());
  const Status erased = db::InTransaction(
      db_, [&](db::Connection& conn) -> Status { return EraseAll(conn, who, now, out); });
  if (!erased.ok()) return erased;
  if (out.erased_now) {
    MILEAGE_LOG(kInfo) << "member " << who.member_id << " was deleted at their request";
  }
  // Also after a repeated request: the first one's revocation may have failed on the Kv.
  Status revoked = truth_.End(who.member_id);
  if (!revoked.ok()) {
    MILEAGE_LOG(kWarn) << "member " << who.member_id << ": marking the sessions revoked failed "
                       << "(the database ends them within the cache bound): " << revoked.ToString();
  }
  return out;
}

}  // namespace mileage::privacy

#include "growth/member_privacy.h"

namespace mileage::growth {

Result<std::vector<db::ExportSection>> ExportMemberGrowth(db::Connection& conn,
                                                          int64_t member_id) {
  std::vector<db::ExportSection> out;
  const auto add = [&](Result<db::ExportSection> section) -> Status {
    MILEAGE_RETURN_IF_ERROR(section.status());
    out.push_back(std::move(*section));
    return Status::Ok();
  };
  MILEAGE_RETURN_IF_ERROR(add(db::QuerySection(
      conn, "referral_code", {"code", "created_at"},
      "SELECT code, created_at FROM referral_codes WHERE member_id = ?", {db::Value(member_id)})));
  MILEAGE_RETURN_IF_ERROR(add(db::QuerySection(
      conn, "referrals_made",
      {"id", "state", "reason", "attached_at", "qualified_at", "referrer_points",
       "referrer_coupon_id", "clawed_back_at"},
      "SELECT id, state, reason, attached_at, qualified_at, referrer_points, referrer_coupon_id, "
      "clawed_back_at FROM referrals WHERE referrer_member_id = ? ORDER BY id",
      {db::Value(member_id)})));
  MILEAGE_RETURN_IF_ERROR(add(db::QuerySection(
      conn, "referred_by",
      {"id", "state", "reason", "attached_at", "qualified_at", "payment_fen", "referee_points",
       "referee_coupon_id", "clawed_back_at"},
      "SELECT id, state, reason, attached_at, qualified_at, payment_fen, referee_points, "
      "referee_coupon_id, clawed_back_at FROM referrals WHERE referee_member_id = ? ORDER BY id",
      {db::Value(member_id)})));
  MILEAGE_RETURN_IF_ERROR(add(db::QuerySection(
      conn, "feedback_ratings",
      {"id", "store_id", "visit_kind", "visited_at", "score", "comment", "rated_at"},
      "SELECT id, store_id, visit_kind, visited_at, score, comment, rated_at "
      "FROM feedback_ratings WHERE member_id = ? ORDER BY id",
      {db::Value(member_id)})));
  return out;
}

Status EraseMemberGrowth(db::Connection& conn, int64_t member_id) {
  MILEAGE_RETURN_IF_ERROR(
      conn.Exec("DELETE FROM referral_codes WHERE member_id = ?", {db::Value(member_id)})
          .status());
  return conn
      .Exec("UPDATE feedback_ratings SET comment = '', follow_up_note = '' WHERE member_id = ?",
            {db::Value(member_id)})
      .status();
}

}  // namespace mileage::growth

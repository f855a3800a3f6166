#include "points/member_privacy.h"

namespace mileage::points {

Result<std::vector<db::ExportSection>> ExportMemberPoints(db::Connection& conn, int64_t member_id) {
  std::vector<db::ExportSection> out;
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExportSection balance,
      db::QuerySection(conn, "point_balance", {"kind", "balance"},
                       "SELECT kind, balance FROM point_accounts WHERE owner_id = ? AND "
                       "kind IN ('member', 'member_debt') ORDER BY kind",
                       {db::Value(member_id)}));
  out.push_back(std::move(balance));
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExportSection journals,
      db::QuerySection(conn, "point_journals",
                       {"id", "kind", "reason", "source_ref", "points", "debt_change", "partner_id",
                        "created_at"},
                       "SELECT id, kind, reason, source_ref, points, debt_change, partner_id, "
                       "created_at FROM point_journals WHERE member_id = ? ORDER BY id",
                       {db::Value(member_id)}));
  out.push_back(std::move(journals));
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExportSection lots,
      db::QuerySection(conn, "point_lots",
                       {"journal_id", "amount", "remaining", "active", "earned_at", "expires_at"},
                       "SELECT journal_id, amount, remaining, active, earned_at, expires_at "
                       "FROM point_lots WHERE member_id = ? ORDER BY id",
                       {db::Value(member_id)}));
  out.push_back(std::move(lots));
  return out;
}

}  // namespace mileage::points

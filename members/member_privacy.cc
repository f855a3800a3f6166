#include "members/member_privacy.h"

#include <string>

#include "members/vehicle_store.h"

namespace mileage::members {
namespace {

Status MemberNotFound(int64_t member_id) {
  return NotFoundError("member " + std::to_string(member_id) + " not found", "MEMBER_NOT_FOUND");
}

}  // namespace

Result<std::vector<db::ExportSection>> MemberPrivacy::Export(db::Connection& conn,
                                                             int64_t member_id) const {
  std::vector<db::ExportSection> out;
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExportSection member,
      db::QuerySection(
          conn, "member",
          {"id", "brand_id", "number", "tier", "status", "enrolled_via", "enrolled_store_id",
           "first_paid_at", "created_at", "deleted_at"},
          "SELECT id, brand_id, number, tier, status, enrolled_via, enrolled_store_id, "
          "first_paid_at, created_at, deleted_at FROM members WHERE id = ?",
          {db::Value(member_id)}));
  if (member.rows.empty()) return MemberNotFound(member_id);
  const int64_t brand_id = std::get<int64_t>(member.rows[0][1]);
  out.push_back(std::move(member));
  MILEAGE_ASSIGN_OR_RETURN(db::ExportSection identities, Identities(conn, member_id, brand_id));
  out.push_back(std::move(identities));
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExportSection profile,
      db::QuerySection(conn, "profile", {"nickname", "birthday", "updated_at"},
                       "SELECT nickname, birthday, updated_at FROM member_profiles "
                       "WHERE member_id = ?",
                       {db::Value(member_id)}));
  out.push_back(std::move(profile));
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExportSection consents,
      db::QuerySection(conn, "consents", {"kind", "state", "text_version", "at"},
                       "SELECT kind, state, text_version, at FROM member_consents "
                       "WHERE member_id = ? ORDER BY id",
                       {db::Value(member_id)}));
  out.push_back(std::move(consents));
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExportSection tiers,
      db::QuerySection(conn, "tier_changes", {"from_tier", "to_tier", "reason", "changed_at"},
                       "SELECT from_tier, to_tier, reason, changed_at FROM member_tier_changes "
                       "WHERE member_id = ? ORDER BY id",
                       {db::Value(member_id)}));
  out.push_back(std::move(tiers));
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExportSection activity,
      db::QuerySection(conn, "activity", {"month", "spend_fen", "visits"},
                       "SELECT month, spend_fen, visits FROM member_activity WHERE member_id = ? "
                       "ORDER BY month",
                       {db::Value(member_id)}));
  out.push_back(std::move(activity));
  MILEAGE_ASSIGN_OR_RETURN(db::ExportSection vehicles, Vehicles(conn, member_id, brand_id));
  out.push_back(std::move(vehicles));
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExportSection corrections,
      db::QuerySection(conn, "mileage_corrections",
                       {"vehicle_id", "from_km", "to_km", "reason", "corrected_at"},
                       "SELECT c.vehicle_id, c.from_km, c.to_km, c.reason, c.corrected_at "
                       "FROM vehicle_mileage_corrections c JOIN vehicles v ON v.id = c.vehicle_id "
                       "WHERE v.member_id = ? ORDER BY c.id",
                       {db::Value(member_id)}));
  out.push_back(std::move(corrections));
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExportSection links,
      db::QuerySection(conn, "partner_links",
                       {"partner_id", "partner_member_id", "generation", "linked_at",
                        "last_seen_at", "unlinked_at"},
                       "SELECT partner_id, partner_member_id, generation, linked_at, last_seen_at, "
                       "unlinked_at FROM partner_member_links WHERE member_id = ? ORDER BY id",
                       {db::Value(member_id)}));
  out.push_back(std::move(links));
  return out;
}

Result<db::ExportSection> MemberPrivacy::Identities(db::Connection& conn, int64_t member_id,
                                                    int64_t brand_id) const {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExportSection section,
      db::QuerySection(conn, "identities", {"kind", "appid", "value", "created_at"},
                       "SELECT kind, appid, CASE WHEN kind = 'phone' THEN value_sealed ELSE value "
                       "END, created_at FROM member_identities WHERE member_id = ? "
                       "ORDER BY kind, appid",
                       {db::Value(member_id)}));
  for (std::vector<db::Value>& row : section.rows) {
    if (std::get<std::string>(row[0]) != "phone") continue;
    Result<std::string> phone = phones_.Open(brand_id, std::get<std::string>(row[2]));
    if (!phone.ok())
      return InternalError("a stored phone does not open: " + phone.status().ToString());
    row[2] = std::move(*phone);
  }
  return section;
}

Result<db::ExportSection> MemberPrivacy::Vehicles(db::Connection& conn, int64_t member_id,
                                                  int64_t brand_id) const {
  db::ExportSection section;
  section.name = "vehicles";
  section.columns = {"id",         "plate",      "vin",       "model", "purchase_date",
                     "mileage_km", "created_at", "updated_at"};
  MILEAGE_ASSIGN_OR_RETURN(std::vector<StoredVehicle> stored,
                           VehicleStore(conn).OfMember(member_id));
  const VehicleOwner owner{member_id, brand_id};
  for (const StoredVehicle& row : stored) {
    MILEAGE_ASSIGN_OR_RETURN(std::string plate, vehicles_.OpenPlate(owner, row.plate_sealed));
    db::Value vin = nullptr;
    if (row.vin_sealed.has_value()) {
      MILEAGE_ASSIGN_OR_RETURN(vin, vehicles_.OpenVin(owner, *row.vin_sealed));
    }
    db::Value purchase = nullptr;
    if (row.vehicle.purchase_date.has_value()) {
      purchase = civil::FormatDate(*row.vehicle.purchase_date);
    }
    section.rows.push_back({db::Value(row.vehicle.id), db::Value(std::move(plate)), std::move(vin),
                            db::Value(row.vehicle.model), std::move(purchase),
                            db::Value(row.vehicle.mileage_km), db::Value(row.vehicle.created_at),
                            db::Value(row.vehicle.updated_at)});
  }
  return section;
}

Result<bool> MemberPrivacy::Erase(db::Connection& conn, int64_t member_id, int64_t now) const {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult marked,
      conn.Exec("UPDATE members SET status = 'deleted', deleted_at = ?, updated_at = ?, "
                "tier_below_since = NULL, first_paid_at = NULL, first_paid_md = NULL "
                "WHERE id = ? AND status <> 'deleted'",
                {db::Value(now), db::Value(now), db::Value(member_id)}));
  if (marked.affected_rows == 0) {
    MILEAGE_ASSIGN_OR_RETURN(
        std::vector<db::Row> found,
        conn.Query("SELECT status FROM members WHERE id = ?", {db::Value(member_id)}));
    if (found.empty()) return MemberNotFound(member_id);
    return false;
  }
  MILEAGE_RETURN_IF_ERROR(
      conn.Exec("DELETE FROM member_identities WHERE member_id = ?", {db::Value(member_id)})
          .status());
  MILEAGE_RETURN_IF_ERROR(
      conn.Exec("DELETE FROM member_profiles WHERE member_id = ?", {db::Value(member_id)})
          .status());
  VehicleStore vehicles(conn);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<StoredVehicle> stored, vehicles.OfMember(member_id));
  for (const StoredVehicle& row : stored) {
    MILEAGE_RETURN_IF_ERROR(vehicles.Delete(member_id, row.vehicle.id).status());
  }
  MILEAGE_RETURN_IF_ERROR(conn.Exec("UPDATE partner_member_links SET unlinked_at = ? "
                                    "WHERE member_id = ? AND unlinked_at IS NULL",
                                    {db::Value(now), db::Value(member_id)})
                              .status());
  return true;
}

}  // namespace mileage::members

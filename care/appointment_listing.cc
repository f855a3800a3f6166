#include "care/appointment_listing.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/random.h"
#include "coupons/coupon_store.h"
#include "coupons/stock_store.h"
#include "members/member_store.h"
#include "members/vehicle_store.h"

namespace mileage::care {
namespace {

template <typename Field>
std::vector<int64_t> DistinctIds(const std::vector<Appointment>& items, Field field) {
  std::set<int64_t> ids;
  for (const Appointment& a : items) {
    if (std::optional<int64_t> id = field(a); id.has_value()) ids.insert(*id);
  }
  return {ids.begin(), ids.end()};
}

// The name of the campaign of each coupon the appointments hold, by coupon id.
Result<std::map<int64_t, std::string>> CouponTitles(db::Connection& conn,
                                                    const std::vector<int64_t>& coupon_ids) {
  MILEAGE_ASSIGN_OR_RETURN(auto stock_of, coupons::CouponStore(conn).StocksOf(coupon_ids));
  std::set<int64_t> distinct;
  for (const auto& [coupon, stock] : stock_of) distinct.insert(stock);
  MILEAGE_ASSIGN_OR_RETURN(
      auto names,
      coupons::StockStore(conn).Names(std::vector<int64_t>(distinct.begin(), distinct.end())));
  std::map<int64_t, std::string> titles;
  for (const auto& [coupon, stock] : stock_of) {
    if (auto it = names.find(stock); it != names.end()) titles[coupon] = it->second;
  }
  return titles;
}

}  // namespace

Result<PageOf<AppointmentListing>> DescribeAppointments(db::Connection& conn,
                                                        PageOf<Appointment> page) {
  OsRandom no_draws;  // MemberStore wants a source; reads never draw
  members::MemberStore member_store(conn, no_draws);
  const std::vector<int64_t> member_ids =
      DistinctIds(page.items, [](const Appointment& a) { return std::optional(a.member_id); });
  const std::vector<int64_t> vehicle_ids =
      DistinctIds(page.items, [](const Appointment& a) { return std::optional(a.vehicle_id); });
  const std::vector<int64_t> coupon_ids =
      DistinctIds(page.items, [](const Appointment& a) { return a.coupon_id; });
  MILEAGE_ASSIGN_OR_RETURN(auto phones, member_store.MaskedPhones(member_ids));
  MILEAGE_ASSIGN_OR_RETURN(auto numbers, member_store.Numbers(member_ids));
  MILEAGE_ASSIGN_OR_RETURN(std::vector<members::StoredVehicle> stored,
                           members::VehicleStore(conn).FindMany(vehicle_ids));
  std::map<int64_t, members::Vehicle> vehicles;
  for (members::StoredVehicle& v : stored) vehicles[v.vehicle.id] = std::move(v.vehicle);
  MILEAGE_ASSIGN_OR_RETURN(auto coupon_titles, CouponTitles(conn, coupon_ids));
  PageOf<AppointmentListing> out;
  out.total = page.total;
  out.request = page.request;
  for (Appointment& a : page.items) {
    AppointmentListing row;
    if (auto it = numbers.find(a.member_id); it != numbers.end()) row.member_number = it->second;
    if (auto it = phones.find(a.member_id); it != phones.end()) {
      row.member_phone_masked = it->second;
    }
    // A vehicle is described only while its owner is the appointment's member.
    if (auto it = vehicles.find(a.vehicle_id);
        it != vehicles.end() && it->second.member_id == a.member_id) {
      row.vehicle_plate_masked = it->second.plate_masked;
      row.vehicle_model = it->second.model;
    }
    if (a.coupon_id.has_value()) {
      if (auto it = coupon_titles.find(*a.coupon_id); it != coupon_titles.end()) {
        row.coupon_title = it->second;
      }
    }
    row.appointment = std::move(a);
    out.items.push_back(std::move(row));
  }
  return out;
}

}  // namespace mileage::care

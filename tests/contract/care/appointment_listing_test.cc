// The store's day list describes its appointments (care/appointment_listing.h) in the same five
// statements for one appointment or a page of twelve members, and each row names its own
// member's card number, vehicle and coupon; a vehicle no longer the member's is not described.
#include <string>
#include <vector>

#include "care/appointment_listing.h"
#include "members/vehicle_store.h"
#include "tests/contract/coupons/coupons_fixture.h"
#include "tests/support/counting_connection.h"

namespace mileage::coupons {
namespace {

class AppointmentListingTest : public CouponsTest {
 protected:
  // A vehicle of `member` shown as `plate` and `model`; its id.
  int64_t AddVehicle(int64_t member, const std::string& plate, const std::string& model) {
    members::StoredVehicle row;
    row.vehicle.member_id = member;
    row.vehicle.brand_id = tree_.brand.brand_id;
    row.vehicle.plate_masked = plate;
    row.vehicle.model = model;
    row.vehicle.created_at = row.vehicle.updated_at = kNow;
    row.plate_hash = "hash-" + plate;
    row.plate_sealed = "sealed-" + plate;
    Result<db::PooledConnection> conn = db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return 0;
    Result<int64_t> id = members::VehicleStore(**conn).Insert(row);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  // The described page and how many statements describing it took.
  std::pair<PageOf<care::AppointmentListing>, int> Describe(
      const std::vector<care::Appointment>& items) {
    Result<db::PooledConnection> conn = db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return {};
    testing::CountingConnection counting(**conn);
    PageOf<care::Appointment> page;
    page.items = items;
    page.total = static_cast<int64_t>(items.size());
    Result<PageOf<care::AppointmentListing>> out = care::DescribeAppointments(counting, page);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    if (!out.ok()) return {};
    return {std::move(*out), counting.statements()};
  }
};

TEST_P(AppointmentListingTest, APageIsDescribedInFiveStatementsWhateverItHolds) {
  if (database_ == nullptr) return;
  const std::vector<int64_t> members = NewMembers(tree_.store_a1, 12);
  ASSERT_EQ(members.size(), 12u);
  NewStock s = Cash(tree_.brand);
  s.name = "Free wash";
  const Stock stock = CreateActive(s);
  ASSERT_GT(stock.id, 0);
  std::vector<care::Appointment> items;
  std::vector<std::string> plates;
  for (size_t i = 0; i < members.size(); ++i) {
    care::Appointment a;
    a.id = static_cast<int64_t>(i) + 1;
    a.member_id = members[i];
    plates.push_back("京A·***" + std::to_string(10 + i));
    a.vehicle_id = AddVehicle(members[i], plates.back(), "Model " + std::to_string(i));
    if (i % 2 == 0) {
      Result<Coupon> coupon = Claim(members[i], stock.id);
      ASSERT_TRUE(coupon.ok()) << coupon.status().ToString();
      a.coupon_id = coupon->id;
    }
    items.push_back(a);
  }
  // The last appointment names another member's vehicle.
  items.back().vehicle_id = items.front().vehicle_id;

  const auto [one, one_statements] = Describe({items.front()});
  const auto [all, all_statements] = Describe(items);
  EXPECT_EQ(one_statements, 5);
  EXPECT_EQ(all_statements, 5);
  ASSERT_EQ(one.items.size(), 1u);
  ASSERT_EQ(all.items.size(), items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const care::AppointmentListing& row = all.items[i];
    EXPECT_EQ(row.appointment.id, items[i].id);
    EXPECT_EQ(row.member_number, MemberNumber(members[i])) << i;
    EXPECT_FALSE(row.member_phone_masked.has_value()) << i;  // nobody bound a phone
    if (i + 1 < items.size()) {
      EXPECT_EQ(row.vehicle_plate_masked, plates[i]) << i;
      EXPECT_EQ(row.vehicle_model, "Model " + std::to_string(i)) << i;
    } else {
      EXPECT_EQ(row.vehicle_plate_masked, "") << "another member's vehicle";
      EXPECT_EQ(row.vehicle_model, "");
    }
    EXPECT_EQ(row.coupon_title, i % 2 == 0 ? std::optional<std::string>("Free wash")
                                           : std::optional<std::string>())
        << i;
  }
  EXPECT_EQ(one.items[0].member_number, all.items[0].member_number);
}

MILEAGE_COUPONS_TEST_SUITE(AppointmentListingTest);

}  // namespace
}  // namespace mileage::coupons

// The coupon holder text of care/types.h: what an appointment writes into coupons.reserved_for
// and what the member API reads back as the holding appointment.
#include "care/types.h"

#include <gtest/gtest.h>

namespace mileage::care {
namespace {

TEST(CareTypesTest, TheHolderOfAnAppointmentNamesIt) {
  EXPECT_EQ(CouponHolder(45), "appointment:45");
  EXPECT_EQ(HoldingAppointment("appointment:45"), 45);
  EXPECT_EQ(HoldingAppointment("appointment:9223372036854775807"), INT64_MAX);
}

TEST(CareTypesTest, AnythingElseHoldsNoAppointment) {
  for (const char* text :
       {"", "appointment:", "appointment:0", "appointment:-3", "appointment:+3", "appointment:4x",
        "appointment:99999999999999999999", "Appointment:4", "order:4", " appointment:4"}) {
    EXPECT_EQ(HoldingAppointment(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace mileage::care

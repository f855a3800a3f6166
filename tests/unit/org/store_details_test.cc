// Store details: the field rules of the console's store edit, positions from degrees, and the
// distances the member's store list sorts by (checked against arc lengths and a published
// city-to-city distance, not against the formula under test).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "org/store_locator.h"
#include "org/validation.h"

namespace mileage::org {
namespace {

constexpr double kRadius = 6'371'008.8;

int64_t Arc(double degrees) { return std::llround(degrees * std::numbers::pi / 180.0 * kRadius); }

TEST(StorePhoneTest, AcceptsWrittenPhoneNumbersOnly) {
  for (const char* good : {"", "13800138000", "+86 138 0013 8000", "021-6355 1234",
                           "(0755) 8888-8888", "400-800-1234", "12345"}) {
    EXPECT_TRUE(ValidateStorePhone(good, "phone").ok()) << good;
  }
  for (const char* bad : {"1234", "call 12345", "021+6355", "12345 ext 6", "１２３４５６",
                          "123456789012345678901", "+86 138 0013 8000 1234 5678 9012 3"}) {
    Status status = ValidateStorePhone(bad, "phone");
    EXPECT_EQ(status.reason(), "INVALID_FIELD") << bad;
    EXPECT_NE(status.message().find("phone"), std::string::npos) << bad;
  }
}

TEST(StoreDetailsTest, BoundsEachFieldByName) {
  EXPECT_TRUE(ValidateStoreDetails({std::string(255, 'a'), "", std::string(128, 'h'),
                                    GeoPoint{90'000'000, -180'000'000}})
                  .ok());
  const auto refused = [](const StoreDetails& details) {
    Status status = ValidateStoreDetails(details);
    return std::string(status.reason()) + " " +
           status.message().substr(0, status.message().find(' '));
  };
  EXPECT_EQ(refused({std::string(256, 'a'), "", "", std::nullopt}), "INVALID_FIELD address");
  EXPECT_EQ(refused({"a\x01", "", "", std::nullopt}), "INVALID_FIELD address");
  EXPECT_EQ(refused({"", "x", "", std::nullopt}), "INVALID_FIELD phone");
  EXPECT_EQ(refused({"", "", std::string(129, 'h'), std::nullopt}), "INVALID_FIELD hours");
  EXPECT_EQ(refused({"", "", "\xff", std::nullopt}), "INVALID_FIELD hours");
  EXPECT_EQ(refused({"", "", "", GeoPoint{90'000'001, 0}}), "INVALID_FIELD latitude");
  EXPECT_EQ(refused({"", "", "", GeoPoint{0, -180'000'001}}), "INVALID_FIELD longitude");
}

TEST(PositionTest, BothOrNeitherInRangeRoundedToMicrodegrees) {
  EXPECT_FALSE(PositionFromDegrees(std::nullopt, std::nullopt, "lat", "lng")->has_value());
  EXPECT_EQ(**PositionFromDegrees(31.2304166, -121.4737014, "lat", "lng"),
            (GeoPoint{31'230'417, -121'473'701}));
  EXPECT_EQ(PositionFromDegrees(31.0, std::nullopt, "lat", "lng").status().message(),
            "lng must be given with lat");
  EXPECT_EQ(PositionFromDegrees(std::nullopt, 1.0, "lat", "lng").status().reason(),
            "MISSING_FIELD");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (double bad : {90.0000001, -91.0, nan, inf, 1e300}) {
    EXPECT_EQ(PositionFromDegrees(bad, 0.0, "lat", "lng").status().message().substr(0, 3), "lat")
        << bad;
  }
  for (double bad : {180.0000001, -181.0, nan, -inf}) {
    EXPECT_EQ(PositionFromDegrees(0.0, bad, "lat", "lng").status().message().substr(0, 3), "lng")
        << bad;
  }
}

TEST(DistanceTest, ArcsAndAKnownDistance) {
  const GeoPoint origin{0, 0};
  EXPECT_EQ(DistanceMeters(origin, origin), 0);
  EXPECT_EQ(DistanceMeters(origin, {1'000'000, 0}), Arc(1));   // 111,195 m along a meridian
  EXPECT_EQ(DistanceMeters(origin, {0, -1'000'000}), Arc(1));  // and along the equator
  EXPECT_EQ(DistanceMeters({-90'000'000, 0}, {90'000'000, 0}), Arc(180));  // pole to pole
  EXPECT_EQ(DistanceMeters(origin, {0, 180'000'000}), Arc(180));           // antipodes
  const GeoPoint beijing{39'904'200, 116'407'400};
  const GeoPoint shanghai{31'230'400, 121'473'700};
  EXPECT_EQ(DistanceMeters(beijing, shanghai), DistanceMeters(shanghai, beijing));
  EXPECT_NEAR(static_cast<double>(DistanceMeters(beijing, shanghai)), 1'067'000.0, 2'000.0);
}

}  // namespace
}  // namespace mileage::org

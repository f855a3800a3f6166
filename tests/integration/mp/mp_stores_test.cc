// The member's store list over HTTP (docs/API.md, "GET /api/mp/stores"): the session brand's
// active stores with their details, nearest first from a position (distances checked against
// arc lengths computed here, not by the code under test), by name without one; other brands'
// and deactivated stores never listed; bad positions and missing sessions refused.
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "org/org_module.h"
#include "tests/integration/mp/mp_fixture.h"

namespace mileage::testing {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

// Metres along a meridian (or the equator) for `degrees` on the sphere of the Earth's mean
// radius: the oracle for distances that differ in one coordinate only.
int64_t ArcMeters(double degrees) {
  return std::llround(degrees * std::numbers::pi / 180.0 * 6'371'008.8);
}

class MpStoresTest : public MpTest {
 protected:
  void SetUp() override {
    MpTest::SetUp();
    if (server_ == nullptr) return;
    const org::Actor op = org::Actor::System("test");
    org::HierarchyService& hierarchy = app().org().hierarchy();
    const org::Node fixture_store = MustOk(hierarchy.Get(op, org::NodeType::kStore, store_));
    const int64_t dealer = fixture_store.path.dealer_id;
    // The fixture's store "S" has no details. People's Square, Shanghai (GCJ-02), and stores
    // 0.1 degree north of it, 0.2 degree east of it on the equator's scale, and one with no
    // position.
    near_ = NewStore(
        dealer, "Near",
        {"1 People's Ave", "021-6355 1234", "08:30-18:00", org::GeoPoint{31'230'400, 121'473'700}});
    north_ = NewStore(
        dealer, "North",
        {"2 North Rd", "+86 138 0013 8000", "09:00-17:00", org::GeoPoint{31'330'400, 121'473'700}});
    no_position_ = NewStore(dealer, "Atelier", {"3 Quiet Lane", "", "", std::nullopt});
    const int64_t closed =
        NewStore(dealer, "Closed", {"", "", "", org::GeoPoint{31'230'400, 121'473'700}});
    MustOk(hierarchy.Deactivate(op, org::NodeType::kStore, closed));
    // Another brand's store at the same spot.
    const int64_t other_brand = MustOk(hierarchy.CreateBrand(op, "Other")).path.id();
    const int64_t region =
        MustOk(hierarchy.Create(op, org::NodeType::kRegion, other_brand, "OR")).path.id();
    const int64_t other_dealer =
        MustOk(hierarchy.Create(op, org::NodeType::kDealer, region, "OD")).path.id();
    NewStore(other_dealer, "Elsewhere", {"", "", "", org::GeoPoint{31'230'400, 121'473'700}});
    token_ = TokenOf("alice");
  }

  int64_t NewStore(int64_t dealer, const std::string& name, const org::StoreDetails& details) {
    const org::Actor op = org::Actor::System("test");
    org::HierarchyService& hierarchy = app().org().hierarchy();
    const int64_t id = MustOk(hierarchy.Create(op, org::NodeType::kStore, dealer, name)).path.id();
    org::StoreChange change;
    change.address = details.address;
    change.phone = details.phone;
    change.hours = details.hours;
    change.position = details.position;
    MustOk(hierarchy.UpdateStore(op, id, change));
    return id;
  }

  // The ids of the answer's items, in order.
  static std::vector<int64_t> Ids(const MpReply& reply) {
    std::vector<int64_t> ids;
    if (!reply.json.IsObject() || !reply.json.HasMember("items")) return ids;
    for (const auto& item : reply.json["items"].GetArray()) ids.push_back(item["id"].GetInt64());
    return ids;
  }

  // The item of `id` in the answer (fails the test when absent).
  static const rapidjson::Value* Item(const MpReply& reply, int64_t id) {
    for (const auto& item : reply.json["items"].GetArray()) {
      if (item["id"].GetInt64() == id) return &item;
    }
    ADD_FAILURE() << "store " << id << " is not in " << reply.body;
    return nullptr;
  }

  std::string token_;
  int64_t near_ = 0, north_ = 0, no_position_ = 0;
};

TEST_P(MpStoresTest, NearestFirstFromThePositionWithDistances) {
  MpReply reply = Send("GET", "/api/mp/stores?lat=31.2304&lng=121.4737", token_);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Header("Cache-Control"), "no-store");
  // Stores with a position, nearest first; then those without, by id.
  EXPECT_EQ(Ids(reply), (std::vector<int64_t>{near_, north_, store_, no_position_}));
  const rapidjson::Value* near = Item(reply, near_);
  ASSERT_NE(near, nullptr);
  EXPECT_STREQ((*near)["name"].GetString(), "Near");
  EXPECT_STREQ((*near)["address"].GetString(), "1 People's Ave");
  EXPECT_STREQ((*near)["phone"].GetString(), "021-6355 1234");
  EXPECT_STREQ((*near)["hours"].GetString(), "08:30-18:00");
  EXPECT_DOUBLE_EQ((*near)["latitude"].GetDouble(), 31.2304);
  EXPECT_DOUBLE_EQ((*near)["longitude"].GetDouble(), 121.4737);
  EXPECT_EQ((*near)["distance_m"].GetInt64(), 0);
  const rapidjson::Value* north = Item(reply, north_);
  ASSERT_NE(north, nullptr);
  EXPECT_EQ((*north)["distance_m"].GetInt64(), ArcMeters(0.1));  // 11,120 m due north
  const rapidjson::Value* bare = Item(reply, no_position_);
  ASSERT_NE(bare, nullptr);
  EXPECT_TRUE((*bare)["latitude"].IsNull());
  EXPECT_TRUE((*bare)["longitude"].IsNull());
  EXPECT_TRUE((*bare)["distance_m"].IsNull());
  EXPECT_STREQ((*bare)["phone"].GetString(), "");

  // From a point north of "North" the order turns round; on the equator a longitude step is
  // an arc too.
  MpReply from_north = Send("GET", "/api/mp/stores?lat=31.4304&lng=121.4737", token_);
  ASSERT_EQ(from_north.status, 200) << from_north.body;
  EXPECT_EQ(Ids(from_north), (std::vector<int64_t>{north_, near_, store_, no_position_}));
  EXPECT_EQ((*Item(from_north, north_))["distance_m"].GetInt64(), ArcMeters(0.1));
  EXPECT_EQ((*Item(from_north, near_))["distance_m"].GetInt64(), ArcMeters(0.2));
  MpReply equator = Send("GET", "/api/mp/stores?lat=0&lng=121.0737", token_);
  ASSERT_EQ(equator.status, 200) << equator.body;
  EXPECT_NEAR(static_cast<double>((*Item(equator, near_))["distance_m"].GetInt64()),
              std::hypot(ArcMeters(31.2304), ArcMeters(0.4)), 0.02 * ArcMeters(31.2304));
}

TEST_P(MpStoresTest, WithoutAPositionByNameAndNoDistances) {
  MpReply reply = Send("GET", "/api/mp/stores", token_);
  ASSERT_EQ(reply.status, 200) << reply.body;
  // "Atelier" < "Near" < "North" < "S"; the deactivated store and the other brand's are absent.
  EXPECT_EQ(Ids(reply), (std::vector<int64_t>{no_position_, near_, north_, store_}));
  for (const auto& item : reply.json["items"].GetArray()) {
    EXPECT_TRUE(item["distance_m"].IsNull()) << reply.body;
  }
  EXPECT_DOUBLE_EQ((*Item(reply, north_))["latitude"].GetDouble(), 31.3304);
  EXPECT_STREQ((*Item(reply, north_))["phone"].GetString(), "+86 138 0013 8000");
}

TEST_P(MpStoresTest, BadPositionsAreRefused) {
  const struct {
    std::string query;
    const char* code;
    const char* names;
  } cases[] = {
      {"lat=31.2", "MISSING_FIELD", "lng"},
      {"lng=121.4", "MISSING_FIELD", "lat"},
      {"lat=91&lng=121", "INVALID_FIELD", "lat"},
      {"lat=-90.000001&lng=121", "INVALID_FIELD", "lat"},
      {"lat=31&lng=180.5", "INVALID_FIELD", "lng"},
      {"lat=31&lng=-181", "INVALID_FIELD", "lng"},
      {"lat=abc&lng=121", "INVALID_FIELD", "lat"},
      {"lat=&lng=121", "INVALID_FIELD", "lat"},
      {"lat=1e1&lng=121", "INVALID_FIELD", "lat"},
      {"lat=%2B31&lng=121", "INVALID_FIELD", "lat"},
      {"lat=31.&lng=121", "INVALID_FIELD", "lat"},
      {"lat=31&lng=nan", "INVALID_FIELD", "lng"},
      {"lat=31&lng=1210", "INVALID_FIELD", "lng"},
      {"lat=31&lat=32&lng=121", "INVALID_FIELD", "lat"},
  };
  for (const auto& c : cases) {
    MpReply reply = Send("GET", "/api/mp/stores?" + c.query, token_);
    EXPECT_EQ(reply.status, 400) << c.query << ": " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.query;
    EXPECT_NE(reply.Text("message").find(c.names), std::string::npos)
        << c.query << ": " << reply.body;
  }
  // The edges are in range.
  EXPECT_EQ(Send("GET", "/api/mp/stores?lat=-90&lng=180", token_).status, 200);
  EXPECT_EQ(Send("GET", "/api/mp/stores?lat=90.0&lng=-180.000000", token_).status, 200);
}

TEST_P(MpStoresTest, NeedsAMemberSession) {
  const std::string logged_out = TokenOf("carol");
  ASSERT_EQ(Send("POST", "/api/mp/logout", logged_out).status, 204);
  EXPECT_EQ(Send("GET", "/api/mp/stores", "").code(), "MISSING_TOKEN");
  EXPECT_EQ(Send("GET", "/api/mp/stores", logged_out).code(), "SESSION_REVOKED");
  EXPECT_EQ(Send("GET", "/api/mp/stores", StaffToken()).code(), "INVALID_TOKEN");
  clock_.Advance(hours(24 * 7) + seconds(1));
  MpReply expired = Send("GET", "/api/mp/stores?lat=31&lng=121", token_);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.code(), "SESSION_EXPIRED");
}

MILEAGE_MP_TEST_SUITE(MpStoresTest);

}  // namespace
}  // namespace mileage::testing

#include "tests/integration/care/care_fixture.h"

#include "org/org_module.h"

namespace mileage::testing {

std::string CareTest::ScheduleBody(int64_t capacity, int64_t cutoff_minutes) {
  return R"({"hours":["09:00-18:00","09:00-18:00","09:00-18:00","09:00-18:00","09:00-18:00",)"
         R"("09:00-12:00",""],"slot_minutes":60,"capacity":)" +
         std::to_string(capacity) + R"(,"service_types":["maintenance","wash"],"cutoff_minutes":)" +
         std::to_string(cutoff_minutes) + R"(,"holidays":["2030-01-09"]})";
}

void CareTest::SetUp() {
  MpTest::SetUp();
  if (server_ == nullptr || HasFatalFailure()) return;
  members::MemberLoginLimits relaxed;
  relaxed.per_address = 1000000;
  relaxed.refusals_per_address = 1000000;
  StartServer(relaxed);
  ASSERT_NE(server_, nullptr);
  SetNow(Bj(0, 8));
  staff_ = StaffToken();
  ASSERT_FALSE(staff_.empty());
}

std::string CareTest::StaffLogin(const std::string& username) {
  MpReply reply = Send("POST", "/api/console/login", "",
                       R"({"username":")" + username + R"(","password":")" + kPassword + R"("})");
  EXPECT_EQ(reply.status, 200) << username << ": " << reply.body;
  return reply.Text("token");
}

void CareTest::AddStaff(const std::string& username, const std::string& role,
                        const std::string& scope_type, int64_t scope_id) {
  Result<org::Staff> made = app().org().staff().Create(
      org::Actor::System("test"), org::NewStaff{username, kPassword, role, scope_type, scope_id});
  ASSERT_TRUE(made.ok()) << made.status().ToString();
}

void CareTest::PutSchedule(int64_t store, int64_t capacity, int64_t cutoff_minutes) {
  MpReply reply = Console("PUT", "/api/console/stores/" + std::to_string(store) + "/schedule",
                          ScheduleBody(capacity, cutoff_minutes));
  ASSERT_EQ(reply.status, 200) << reply.body;
}

int64_t CareTest::MakeSlot(int64_t store, int64_t starts_at, int64_t capacity,
                           const std::string& service_types) {
  MpReply reply = Console("POST", "/api/console/stores/" + std::to_string(store) + "/slots",
                          R"({"starts_at":")" + civil::FormatRfc3339Utc(starts_at) +
                              R"(","duration_minutes":60,"capacity":)" + std::to_string(capacity) +
                              R"(,"service_types":)" + service_types + "}");
  EXPECT_EQ(reply.status, 201) << reply.body;
  return reply.status == 201 ? reply.json["id"].GetInt64() : 0;
}

int64_t CareTest::AddVehicle(const SignedIn& member, const std::string& plate) {
  MpReply reply = Send("POST", "/api/mp/vehicles", member.token,
                       R"({"plate":")" + plate + R"(","model":"Golf"})");
  EXPECT_EQ(reply.status, 201) << plate << ": " << reply.body;
  return reply.status == 201 ? reply.json["id"].GetInt64() : 0;
}

MpReply CareTest::Book(const SignedIn& member, int64_t slot, int64_t vehicle,
                       const std::string& service, std::optional<int64_t> coupon) {
  std::string body = R"({"slot_id":)" + std::to_string(slot) + R"(,"vehicle_id":)" +
                     std::to_string(vehicle) + R"(,"service_type":")" + service + R"(")";
  if (coupon.has_value()) body += R"(,"coupon_id":)" + std::to_string(*coupon);
  return Send("POST", "/api/mp/appointments", member.token, body + "}");
}

MpReply CareTest::CheckIn(int64_t appointment, const SignedIn& member) {
  MpReply card = Send("GET", "/api/mp/card", member.token);
  EXPECT_EQ(card.status, 200) << card.body;
  const std::string code =
      card.status == 200 ? card.json["member_code"]["token"].GetString() : std::string("x");
  return Console("POST", "/api/console/appointments/" + std::to_string(appointment) + "/check-in",
                 R"({"member_code":")" + code + R"("})");
}

int64_t CareTest::NewStock(const std::string& type, int64_t brand) {
  coupons::NewStock s;
  s.node_type = org::NodeType::kBrand;
  s.node_id = brand == 0 ? brand_ : brand;
  s.name = type == "exchange" ? "Free wash" : "10 off";
  if (type == "exchange") {
    s.type = coupons::StockType::kExchange;
    s.item = "wash";
  } else {
    s.type = coupons::StockType::kCash;
    s.value_fen = 1000;
  }
  s.valid_days = 30;
  s.total_quantity = 1000;
  s.per_member_limit = 10;
  s.channels = {coupons::Channel::kClaim};
  const org::Actor op = org::Actor::System("test");
  Result<coupons::Stock> created = app().coupons().stocks().Create(op, s);
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  if (!created.ok()) return 0;
  coupons::StockPatch activate;
  activate.state = coupons::StockState::kActive;
  EXPECT_TRUE(app().coupons().stocks().Update(op, created->id, activate).ok());
  return created->id;
}

std::pair<int64_t, std::string> CareTest::Claim(const SignedIn& member, int64_t stock) {
  MpReply reply = Send("POST", "/api/mp/stocks/" + std::to_string(stock) + "/claim", member.token);
  EXPECT_EQ(reply.status, 201) << reply.body;
  if (reply.status != 201) return {0, ""};
  return {reply.json["id"].GetInt64(), reply.Text("code")};
}

MpReply CareTest::RedeemAtCounter(const std::string& code, int64_t store,
                                  const std::string& request_id) {
  return Console("POST", "/api/console/redemptions",
                 R"({"code":")" + code + R"(","store_id":)" + std::to_string(store) +
                     R"(,"order_amount_fen":0,"request_id":")" + request_id + R"("})");
}

std::map<std::string, int64_t> CareTest::CareWritten() {
  std::map<std::string, int64_t> counts;
  for (const char* table : {"care_schedules", "care_holidays", "care_slots", "care_appointments",
                            "outbox_events", "coupon_redemptions", "vehicles"}) {
    counts[table] = Scalar(std::string("SELECT COUNT(*) FROM ") + table);
  }
  counts["seats booked"] = Scalar("SELECT COALESCE(SUM(booked), 0) FROM care_slots");
  counts["coupons held"] = Scalar("SELECT COUNT(*) FROM coupons WHERE reserved_for IS NOT NULL");
  counts["coupons redeemed"] = Scalar("SELECT COUNT(*) FROM coupons WHERE state = 'redeemed'");
  counts["appointments not booked"] =
      Scalar("SELECT COUNT(*) FROM care_appointments WHERE state <> 'booked'");
  counts["audit ok"] = Scalar("SELECT COUNT(*) FROM audit_log WHERE outcome = 'ok'");
  return counts;
}

void CareTest::BuildOtherTenants() {
  const org::Actor op = org::Actor::System("test");
  org::OrgModule& org = app().org();
  auto id = [](Result<org::Node> node) { return MustOk(std::move(node)).path.id(); };
  const int64_t region = id(org.hierarchy().Create(op, org::NodeType::kRegion, brand_, "R2"));
  other_dealer_ = id(org.hierarchy().Create(op, org::NodeType::kDealer, region, "D2"));
  other_store_ = id(org.hierarchy().Create(op, org::NodeType::kStore, other_dealer_, "S2"));
  AddStaff("other_manager", "dealer_manager", "dealer", other_dealer_);
  foreign_brand_ = id(org.hierarchy().CreateBrand(op, "Other brand"));
  const int64_t foreign_region =
      id(org.hierarchy().Create(op, org::NodeType::kRegion, foreign_brand_, "FR"));
  const int64_t foreign_dealer =
      id(org.hierarchy().Create(op, org::NodeType::kDealer, foreign_region, "FD"));
  foreign_store_ = id(org.hierarchy().Create(op, org::NodeType::kStore, foreign_dealer, "FS"));
  Result<care::Slot> slot = app().care().schedules().CreateSlot(
      op, foreign_store_, care::NewSlot{Bj(1, 10), 60, 5, {"maintenance"}}, Now());
  ASSERT_TRUE(slot.ok()) << slot.status().ToString();
  foreign_slot_ = slot->id;
}

}  // namespace mileage::testing

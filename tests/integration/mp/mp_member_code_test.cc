// The counter scans the member code of the owner card (docs/API.md, "POST
// /api/console/member-codes/scan"): a fresh code gives the member as the console shows members,
// to staff who may see that member; an expired, altered or other brand's code is refused; a
// member the caller may not see answers exactly as GET /api/console/members/{id} does. Nothing
// is written either way.
#include <optional>
#include <string>

#include "org/org_module.h"
#include "tests/integration/mp/mp_fixture.h"

namespace mileage::testing {
namespace {

using std::chrono::seconds;

class MpMemberCodeTest : public MpTest {
 protected:
  void SetUp() override {
    MpTest::SetUp();
    if (server_ == nullptr) return;
    alice_ = SignIn("alice");
    // A payment at the fixture's store: its clerks see her (docs/API.md, "Members: who sees
    // whom"). Paid before the clock moves (the sandbox signs with the real time).
    Pay("alice", 5000);
    admin_ = StaffToken();
  }

  // The member code of the member's owner card now.
  std::string CodeOf(const SignedIn& member) {
    MpReply card = Send("GET", "/api/mp/card", member.token);
    EXPECT_EQ(card.status, 200) << card.body;
    if (card.status != 200) return "";
    return card.json["member_code"]["token"].GetString();
  }

  MpReply Scan(const std::string& staff, const std::string& code) {
    return Send("POST", "/api/console/member-codes/scan", staff, R"({"code":")" + code + R"("})");
  }

  // Creates a staff account and returns its console token.
  std::string Staff(const std::string& username, const std::string& role,
                    const std::string& scope_type, int64_t scope_id, int64_t brand) {
    MustOk(
        app().org().staff().Create(org::Actor::System("test"),
                                   org::NewStaff{username, kPassword, role, scope_type, scope_id}));
    MpReply login = Send("POST", "/api/console/login", "",
                         R"({"username":")" + username + R"(","password":")" + kPassword +
                             R"(","brand_id":)" + std::to_string(brand) + "}");
    EXPECT_EQ(login.status, 200) << login.body;
    return login.Text("token");
  }

  // A store of the fixture's brand in a region of its own.
  int64_t OtherStore() {
    const org::Actor op = org::Actor::System("test");
    org::HierarchyService& h = app().org().hierarchy();
    auto id = [](Result<org::Node> node) { return MustOk(std::move(node)).path.id(); };
    const int64_t region = id(h.Create(op, org::NodeType::kRegion, brand_, "R2"));
    const int64_t dealer = id(h.Create(op, org::NodeType::kDealer, region, "D2"));
    return id(h.Create(op, org::NodeType::kStore, dealer, "S2"));
  }

  SignedIn alice_;
  std::string admin_;
};

TEST_P(MpMemberCodeTest, AFreshCodeGivesTheMemberAsTheConsoleShowsThem) {
  const std::string clerk = Staff("clerk", "store_clerk", "store", store_, brand_);
  const std::string code = CodeOf(alice_);
  // mc2 with the member id masked: nothing in the code reads as alice's id.
  ASSERT_EQ(code.rfind("mc2.", 0), 0u) << code;
  ASSERT_EQ(code.find("." + std::to_string(alice_.id) + "."), std::string::npos) << code;
  const std::string number =
      Send("GET", "/api/mp/me", alice_.token).json["member"]["number"].GetString();
  const auto before = Written();
  for (const std::string& staff : {admin_, clerk}) {
    MpReply scanned = Scan(staff, code);
    ASSERT_EQ(scanned.status, 200) << scanned.body;
    EXPECT_EQ(scanned.json["id"].GetInt64(), alice_.id);
    EXPECT_EQ(scanned.Text("number"), number);
    EXPECT_EQ(scanned.json["brand_id"].GetInt64(), brand_);
    EXPECT_EQ(scanned.json["balance"]["balance"].GetInt64(), 50) << "1 point a yuan";
    ASSERT_TRUE(scanned.json["recent_payments"].IsArray());
    EXPECT_EQ(scanned.json["recent_payments"].Size(), 1u);
    EXPECT_EQ(scanned.Header("Cache-Control"), "no-store");
    // The very body of the member's console profile.
    MpReply profile = Send("GET", "/api/console/members/" + std::to_string(alice_.id), staff);
    EXPECT_EQ(scanned.body, profile.body);
  }
  // The code works until it expires: scanning it again is no error.
  clock_.Advance(seconds(59));
  EXPECT_EQ(Scan(clerk, code).status, 200);
  EXPECT_EQ(Written(), before) << "a scan writes nothing (viewing a member is not audited)";
}

TEST_P(MpMemberCodeTest, ExpiredAlteredAndMalformedCodesAreRefused) {
  const std::string code = CodeOf(alice_);
  const auto before = Written();

  // Another member's id, or one changed tag digit: the tag no longer matches.
  std::string other_id = code;
  other_id.replace(4, std::to_string(alice_.id).size(), std::to_string(alice_.id + 1));
  std::string other_tag = code;
  other_tag.back() = other_tag.back() == '0' ? '1' : '0';
  const std::string cases[] = {other_id,
                               other_tag,
                               "cq1" + code.substr(3),  // another kind of token
                               code + "0",
                               "mc2.1.2.3.4",
                               "hello",
                               ""};
  for (const std::string& bad : cases) {
    MpReply reply = Scan(admin_, bad);
    EXPECT_EQ(reply.status, 400) << bad << ": " << reply.body;
    EXPECT_EQ(reply.code(), "INVALID_MEMBER_CODE") << bad;
  }

  const struct {
    std::string body;
    const char* code;
  } bodies[] = {{R"({})", "MISSING_FIELD"},
                {R"({"code":null})", "MISSING_FIELD"},
                {R"({"code":42})", "INVALID_FIELD"},
                {R"({"code":")" + code + R"(","member_id":1})", "UNKNOWN_FIELD"},
                {R"([])", "BODY_NOT_OBJECT"},
                {R"({"code":)", "MALFORMED_JSON"}};
  for (const auto& c : bodies) {
    MpReply reply = Send("POST", "/api/console/member-codes/scan", admin_, c.body);
    EXPECT_EQ(reply.status, 400) << c.body << ": " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.body;
  }
  EXPECT_EQ(Scan("", code).status, 401);
  EXPECT_EQ(Scan(alice_.token, code).status, 401) << "a member token is no staff token";

  // 60 s after it was made the code has expired.
  clock_.Advance(seconds(60));
  MpReply expired = Scan(admin_, code);
  EXPECT_EQ(expired.status, 409) << expired.body;
  EXPECT_EQ(expired.code(), "MEMBER_CODE_EXPIRED");
  EXPECT_EQ(Written(), before);
}

TEST_P(MpMemberCodeTest, AnotherBrandsStaffCannotUseTheCode) {
  const int64_t other =
      MustOk(app().org().hierarchy().CreateBrand(org::Actor::System("test"), "Other")).path.id();
  // The same username in the other brand, at the top of it.
  const std::string foreign = Staff("admin", "brand_admin", "brand", other, other);
  const std::string code = CodeOf(alice_);
  const auto before = Written();
  MpReply reply = Scan(foreign, code);
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.code(), "INVALID_MEMBER_CODE");
  EXPECT_EQ(reply.body.find(std::to_string(alice_.id)), std::string::npos) << reply.body;
  EXPECT_EQ(Written(), before);
  EXPECT_EQ(Scan(admin_, code).status, 200) << "the code is good in its own brand";
}

TEST_P(MpMemberCodeTest, AClerkWhoMayNotSeeTheMemberGetsTheUnknownMembersAnswer) {
  const std::string outsider = Staff("clerk2", "store_clerk", "store", OtherStore(), brand_);
  const std::string code = CodeOf(alice_);
  MpReply scanned = Scan(outsider, code);
  EXPECT_EQ(scanned.status, 404) << scanned.body;
  EXPECT_EQ(scanned.code(), "MEMBER_NOT_FOUND");
  // Exactly the answer of her profile for the same clerk.
  MpReply profile = Send("GET", "/api/console/members/" + std::to_string(alice_.id), outsider);
  EXPECT_EQ(profile.status, 404);
  EXPECT_EQ(scanned.body, profile.body);
  // And of a member id nobody has, but for the id in the message.
  MpReply unknown = Send("GET", "/api/console/members/999999", outsider);
  EXPECT_EQ(unknown.code(), "MEMBER_NOT_FOUND");
  EXPECT_EQ(unknown.Text("message"), "member 999999 not found");
  EXPECT_EQ(scanned.Text("message"), "member " + std::to_string(alice_.id) + " not found");
}

MILEAGE_MP_TEST_SUITE(MpMemberCodeTest);

}  // namespace
}  // namespace mileage::testing

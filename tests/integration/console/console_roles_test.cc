// Authorization by default: the console router refuses a role that never has a route's
// action with 403 before the route's handler runs, and the table it applies is the one
// docs/API.md shows ("Role table").
#include <set>

#include "org/authorizer.h"
#include "tests/integration/console/console_fixture.h"
#include "tests/integration/console/role_table.h"

namespace mileage::testing {
namespace {

// Every org::Action: the enum is contiguous from 0 and ActionName answers "?" past its end.
std::vector<org::Action> AllActions() {
  std::vector<org::Action> actions;
  for (int i = 0; org::ActionName(static_cast<org::Action>(i)) != "?"; ++i) {
    actions.push_back(static_cast<org::Action>(i));
  }
  return actions;
}

// One signed-in account of each role (OrgTree).
const std::map<std::string, org::Role>& Accounts() {
  static const auto* accounts =
      new std::map<std::string, org::Role>{{"admin", org::Role::kBrandAdmin},
                                           {"region1_manager", org::Role::kRegionManager},
                                           {"dealer_a_manager", org::Role::kDealerManager},
                                           {"clerk_a1", org::Role::kStoreClerk},
                                           {"analyst_a", org::Role::kAnalyst}};
  return *accounts;
}

// A request on `route` that its handler would refuse as bad input (400) whoever sends it:
// every path id is 0, a list asks for page 0, a body is not JSON, a member search has no q.
struct BadRequest {
  std::string method;
  std::string path;
  std::string body;
};

BadRequest BadInputFor(const server::ConsoleRouteInfo& route) {
  std::string path = route.path_template;
  for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{')) {
    path.replace(open, path.find('}', open) - open + 1, "0");
  }
  if (route.method == "GET") path += "?page=0";
  return {route.method, path, route.method == "GET" ? "" : "not json"};
}

class ConsoleRolesTest : public ConsoleTest {};

TEST_P(ConsoleRolesTest, TheDocumentedRoleTableIsTheOneTheAuthorizerApplies) {
  const RoleTable table = ReadDocumentedRoleTable();
  org::Authorizer authorizer;
  std::set<std::string> names;
  for (org::Action action : AllActions()) names.insert(std::string(org::ActionName(action)));
  EXPECT_EQ(table.actions, names) << "docs/API.md lists exactly the actions the code has";
  ASSERT_EQ(table.allows.size(), 5u) << "one column per role";
  for (org::Role role : {org::Role::kBrandAdmin, org::Role::kRegionManager,
                         org::Role::kDealerManager, org::Role::kStoreClerk, org::Role::kAnalyst}) {
    const std::string role_name(org::RoleName(role));
    ASSERT_EQ(table.allows.count(role_name), 1u) << role_name;
    for (org::Action action : AllActions()) {
      const std::string name(org::ActionName(action));
      EXPECT_EQ(authorizer.RoleAllows(role, action), table.allows.at(role_name).count(name) == 1)
          << role_name << " " << name;
    }
  }
}

TEST_P(ConsoleRolesTest, EveryRouteRefusesARoleWithoutItsActionBeforeItsHandler) {
  const RoleTable table = ReadDocumentedRoleTable();
  int refused = 0;
  int passed_on = 0;
  for (const auto& [username, role] : Accounts()) {
    const std::string& token = Token(username);
    const std::set<std::string>& allowed = table.allows.at(std::string(org::RoleName(role)));
    for (const server::ConsoleRouteInfo& route : server_->app().console().routes()) {
      // Login has no session; /me and logout are every role's (and logout would end the test's
      // session).
      if (!route.action.has_value() || *route.action == org::Action::kSelf) continue;
      const std::string action(org::ActionName(*route.action));
      const BadRequest bad = BadInputFor(route);
      const std::string what = username + ": " + bad.method + " " + route.path_template;
      const int64_t audit_before = AuditRows();
      Reply reply = Send(bad.method, bad.path, token, bad.body);
      if (allowed.count(action) == 1) {
        ++passed_on;
        EXPECT_NE(reply.status, 403) << what << " -> " << reply.body;
        EXPECT_NE(reply.status, 401) << what << " -> " << reply.body;
        continue;
      }
      ++refused;
      // The router's refusal names the route: the handler would have answered 400 instead.
      EXPECT_EQ(reply.status, 403) << what << " -> " << reply.body;
      EXPECT_EQ(reply.code(), "PERMISSION_DENIED") << what;
      EXPECT_NE(reply.body.find("your role may not do " + action + " (" + route.method + " " +
                                route.path_template + ")"),
                std::string::npos)
          << what << " -> " << reply.body;
      // A refused write is on record as denied; a refused read is not.
      const bool write = !org::IsReadAction(*route.action);
      EXPECT_EQ(AuditRows(), audit_before + (write ? 1 : 0)) << what;
    }
  }
  EXPECT_GT(refused, 40);
  EXPECT_GT(passed_on, 80);
  // The denial records name the staff member and the action.
  Reply audit = Get("/api/console/audit?page_size=1", Token("admin"));
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_STREQ(audit.json["items"][0]["outcome"].GetString(), "denied");
  const std::string denied_action = audit.json["items"][0]["action"].GetString();
  EXPECT_FALSE(denied_action.empty());
  EXPECT_EQ(denied_action.find(".read"), std::string::npos) << denied_action;
}

TEST_P(ConsoleRolesTest, AnUnknownMemberInsideANestedObjectIsRefused) {
  const std::string& token = Token("admin");
  const std::string store = std::to_string(tree_.store_a1);
  const auto before = RowCounts();
  Reply create = Post("/api/console/staff", token,
                      R"({"username":"nested","password":"pass-word-123","role":"store_clerk",)"
                      R"("scope":{"type":"store","id":)" +
                          store + R"(,"brand":1}})");
  EXPECT_EQ(create.status, 400) << create.body;
  EXPECT_EQ(create.code(), "UNKNOWN_FIELD");
  EXPECT_NE(create.body.find("scope.brand"), std::string::npos) << create.body;
  Reply change = Patch("/api/console/staff/" + std::to_string(tree_.staff["clerk_a1"]), token,
                       R"({"scope":{"type":"store","id":)" + store + R"(,"role":"analyst"}})");
  EXPECT_EQ(change.status, 400) << change.body;
  EXPECT_EQ(change.code(), "UNKNOWN_FIELD");
  EXPECT_EQ(RowCounts(), before) << "nothing written, not even an audit record";
}

MILEAGE_CONSOLE_TEST_SUITE(ConsoleRolesTest);

}  // namespace
}  // namespace mileage::testing

#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "care/greeting_types.h"
#include "common/paging.h"
#include "common/result.h"
#include "db/db.h"
#include "org/types.h"

namespace mileage::care {

// Appends to a query over care_greetings g joined to members m the condition that staff scoped
// at `scope` (below the brand) see the member m (" AND (...)" with its parameters); false when
// the scope sees no member at all. The console's member rule lives above care
// (payments::PaymentStore::AppendMembersSeenIn), so the composition root supplies it.
using MemberScopeSql = std::function<bool(const org::NodePath& scope, std::string& where,
                                          std::vector<db::Value>& params)>;

// The SQL of care_rules and care_greetings (migration 0032) on one connection, usually inside
// the caller's transaction. Lives for one use of its connection; not safe for concurrent use.
// Errors: the db::Connection errors, plus those listed.
class GreetingStore {
 public:
  explicit GreetingStore(db::Connection& conn) : conn_(conn) {}

  Result<int64_t> InsertRule(const CareRule& rule);
  // `lock`: locked until commit (MySQL FOR UPDATE).
  Result<std::optional<CareRule>> FindRule(int64_t id, bool lock = false);
  Result<PageOf<CareRule>> RulesOf(int64_t brand_id, const PageRequest& page);
  // Every enabled rule of every brand, id order.
  Result<std::vector<CareRule>> EnabledRules();
  Status UpdateRule(const CareRule& rule);
  Status DeleteRule(int64_t id);

  // Inserts the greeting unless (rule, member, occasion year) has one already: its id, or
  // nullopt when another run greeted first (the unique key decides, also between nodes).
  Result<std::optional<int64_t>> InsertGreeting(const Greeting& greeting);
  // Records what greeting `id` gave.
  Status SetOutcome(int64_t id, std::string_view outcome, std::string_view reason,
                    std::optional<int64_t> coupon_id);
  // Of `member_ids`, those the rule greeted for `occasion_year` already.
  Result<std::vector<int64_t>> Greeted(int64_t rule_id, int64_t occasion_year,
                                       const std::vector<int64_t>& member_ids);
  // The brand's greetings, newest first, filtered by `filter` and, for staff scoped below the
  // brand, by `seen` (the members they see).
  Result<PageOf<Greeting>> List(int64_t brand_id, const GreetingFilter& filter,
                                const std::optional<org::NodePath>& below_brand,
                                const MemberScopeSql& seen, const PageRequest& page);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::care

#include "care/greeting_job.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "care/greeting_rules.h"
#include "care/greeting_store.h"
#include "common/civil_time.h"
#include "coupons/issuer.h"
#include "coupons/rule_grant.h"
#include "db/outbox.h"
#include "members/member_days.h"

namespace mileage::care {
namespace {

// The occasion one rule greets on a run's day.
struct Occasion {
  civil::Date day;  // the birthday or anniversary date greeted
  std::vector<std::string> month_days;
};

// A run greets the occasions of its Beijing day and of the kCatchUpDays before it (a job that
// did not run over a midnight: a node down, a failed run), never of a day before the rule was
// last changed. Greetings already written are skipped, so a daily job writes nothing twice.
constexpr int64_t kCatchUpDays = 2;

// The occasion one rule greets on the run day `run_day` (days since the civil epoch).
Occasion OccasionOn(const CareRule& rule, int64_t run_day) {
  Occasion o;
  o.day = civil::CivilFromDays(run_day + rule.days_before);
  o.month_days = MonthDaysGreetedOn(o.day);
  return o;
}

// What one greeting gave.
struct Given {
  std::string outcome;
  std::string reason;
  std::optional<int64_t> coupon_id;
};

// One greeting's work on the batch's transaction.
class Greeter {
 public:
  Greeter(db::Connection& conn, const CareRule& rule, const Occasion& occasion,
          const members::TierPolicy& tiers, RandomSource& random, int64_t now)
      : conn_(conn), rule_(rule), occasion_(occasion), tiers_(tiers), issuer_(random), now_(now) {}

  // Greets the member unless the rule greeted them for the year already: whether it did.
  Result<bool> Greet(const members::MemberOfDay& member) {
    Greeting g;
    g.brand_id = rule_.brand_id;
    g.rule_id = rule_.id;
    g.kind = rule_.kind;
    g.member_id = member.id;
    g.occasion_year = occasion_.day.year;
    g.occasion_on = civil::FormatDate(occasion_.day);
    g.outcome = rule_.stock_id.has_value() ? kOutcomeNoCoupon : kOutcomeMessageOnly;
    g.stock_id = rule_.stock_id;
    g.created_at = now_;
    GreetingStore store(conn_);
    // The row comes first: it is the claim on (rule, member, year) that a concurrent run waits
    // on, so the coupon below is issued by one run only.
    MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> id, store.InsertGreeting(g));
    if (!id.has_value()) return false;
    Given given{g.outcome, "", std::nullopt};
    if (rule_.stock_id.has_value()) {
      MILEAGE_ASSIGN_OR_RETURN(given, GiveCoupon(*rule_.stock_id, member));
      MILEAGE_RETURN_IF_ERROR(store.SetOutcome(*id, given.outcome, given.reason, given.coupon_id));
    }
    const std::string year = std::to_string(g.occasion_year);
    MILEAGE_RETURN_IF_ERROR(db::AddOutboxEvent(
        conn_, rule_.kind == CareKind::kBirthday ? "care.birthday" : "care.anniversary",
        rule_.brand_id, std::to_string(*id),
        db::PayloadJson({{"greeting_id", *id},
                         {"member_id", member.id},
                         {"rule_id", rule_.id},
                         {"brand_id", rule_.brand_id},
                         {"kind", CareKindName(rule_.kind)},
                         {"year", g.occasion_year},
                         {"occasion_on", g.occasion_on},
                         {"coupon_id", given.coupon_id.value_or(0)},
                         {"outcome", given.outcome},
                         {"reason", given.reason}}),
        now_));
    return true;
  }

 private:
  // The rule's coupon for the member, or why there is none (coupons::GrantForRule).
  Result<Given> GiveCoupon(int64_t stock_id, const members::MemberOfDay& member) {
    coupons::RuleGrantRequest request;
    request.brand_id = rule_.brand_id;
    request.stock_id = stock_id;
    request.member_id = member.id;
    request.member_tier = member.tier;
    request.source_ref =
        "care:" + std::to_string(rule_.id) + ":" + std::to_string(occasion_.day.year);
    request.now = now_;
    MILEAGE_ASSIGN_OR_RETURN(coupons::RuleGrant grant,
                             coupons::GrantForRule(conn_, issuer_, tiers_, request));
    if (grant.coupon_id.has_value()) return Given{std::string(kOutcomeCoupon), "", grant.coupon_id};
    return Given{std::string(kOutcomeNoCoupon), grant.reason, std::nullopt};
  }

  db::Connection& conn_;
  const CareRule& rule_;
  const Occasion& occasion_;
  const members::TierPolicy& tiers_;
  const coupons::Issuer issuer_;
  const int64_t now_;
};

// The members of `rule`'s day after `after_id`, at most `limit`.
Result<std::vector<members::MemberOfDay>> MembersOfDay(db::Connection& conn, const CareRule& rule,
                                                       const Occasion& occasion, int64_t after_id,
                                                       int64_t limit) {
  members::MemberDays days(conn);
  const members::DayQuery query{rule.brand_id, occasion.month_days, after_id, limit};
  if (rule.kind == CareKind::kBirthday) {
    return days.Birthdays(query, civil::FormatDate(occasion.day));
  }
  return days.FirstPaymentDays(query,
                               civil::BeijingStartOfDay(civil::Date{occasion.day.year, 1, 1}));
}

// Greets the members of one rule's day, batch by batch: how many were greeted.
Result<int64_t> RunRule(db::Db& db, const CareRule& rule, const Occasion& occasion,
                        const members::TierPolicy& tiers, RandomSource& random, int64_t now,
                        int64_t batch_limit, const db::Fence& fence) {
  int64_t total = 0;
  int64_t after_id = 0;
  for (;;) {
    int64_t found = 0;
    int64_t greeted = 0;
    int64_t last_id = after_id;
    const Status batch = db::InTransaction(
        db,
        [&](db::Connection& conn) -> Status {
          MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
          greeted = 0;
          MILEAGE_ASSIGN_OR_RETURN(std::vector<members::MemberOfDay> due,
                                   MembersOfDay(conn, rule, occasion, after_id, batch_limit));
          found = static_cast<int64_t>(due.size());
          if (due.empty()) return Status::Ok();
          last_id = due.back().id;
          std::vector<int64_t> ids;
          ids.reserve(due.size());
          for (const members::MemberOfDay& m : due) ids.push_back(m.id);
          // Those greeted by an earlier run are skipped without a write (the job runs hourly).
          MILEAGE_ASSIGN_OR_RETURN(std::vector<int64_t> done,
                                   GreetingStore(conn).Greeted(rule.id, occasion.day.year, ids));
          std::sort(done.begin(), done.end());
          Greeter greeter(conn, rule, occasion, tiers, random, now);
          for (const members::MemberOfDay& m : due) {
            if (std::binary_search(done.begin(), done.end(), m.id)) continue;
            MILEAGE_ASSIGN_OR_RETURN(bool wrote, greeter.Greet(m));
            if (wrote) ++greeted;
          }
          return Status::Ok();
        },
        coupons::kIssueAttempts);
    MILEAGE_RETURN_IF_ERROR(batch);
    total += greeted;
    if (found < batch_limit) break;
    after_id = last_id;
  }
  return total;
}

}  // namespace

Result<int64_t> RunCareGreetings(db::Db& db, const members::TierPolicy& tiers, RandomSource& random,
                                 int64_t now, int64_t batch_limit, const db::Fence& fence) {
  if (batch_limit <= 0) return InvalidArgumentError("batch_limit must be positive");
  std::vector<CareRule> rules;
  {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(rules, GreetingStore(*conn).EnabledRules());
  }
  int64_t total = 0;
  const int64_t today = civil::DaysFromCivil(civil::BeijingDate(now));
  for (const CareRule& rule : rules) {
    const int64_t since = civil::DaysFromCivil(civil::BeijingDate(rule.updated_at));
    for (int64_t day = std::max(today - kCatchUpDays, since); day <= today; ++day) {
      MILEAGE_ASSIGN_OR_RETURN(int64_t greeted, RunRule(db, rule, OccasionOn(rule, day), tiers,
                                                        random, now, batch_limit, fence));
      total += greeted;
    }
  }
  return total;
}

}  // namespace mileage::care

#pragma once

#include <cstdint>

#include "common/random.h"
#include "common/result.h"
#include "db/db.h"
#include "members/types.h"

namespace mileage::care {

// The birthday and anniversary care job (docs/OPERATIONS.md "Birthday and anniversary care"):
// for every enabled care rule, the active members of its brand whose day falls on the Beijing
// date `now` + the rule's days_before (care/greeting_rules.h: a February 29 is greeted on
// February 28 in other years) each get one greeting for that occasion's year; so do those of the
// two days before, not greeted yet (a run missed over a midnight is caught up late, not lost),
// back to the day the rule was last changed at most: the birthday of
// a member born before that date, the anniversary of a first payment made in an earlier year.
// A greeting is one care_greetings row, unique per (rule, member, occasion year), committed
// with the rule's coupon (coupons::Issuer through the grant channel, source_ref
// "care:<rule_id>:<year>", so the stock's total, budget, daily quantity, per-member limit and
// lowest tier hold; a stock with no coupon for the member records no_coupon with the reason
// and still greets) and a "care.birthday" or "care.anniversary" outbox event, which the
// subscribe-message consumer turns into a WeChat message. However often and however
// concurrently the job runs (two nodes, a run by hand), a member is greeted once per rule and
// year. Members are read `batch_limit` at a time through an index on the month-day
// (members::MemberDays), one transaction per batch, each first checking `fence` (the
// scheduler's lease), whose error rolls it back and ends the run. `tiers` decides a stock's
// lowest tier; `random` draws coupon codes. Returns the number of greetings written.
// InvalidArgument for batch_limit <= 0; the fence's and the db errors (earlier batches stay
// committed); Aborted when a batch lost coupons::kIssueAttempts races for a stock's counters.
Result<int64_t> RunCareGreetings(db::Db& db, const members::TierPolicy& tiers, RandomSource& random,
                                 int64_t now, int64_t batch_limit, const db::Fence& fence = {});

}  // namespace mileage::care

#include "growth/tag_job.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/civil_time.h"
#include "common/log.h"
#include "coupons/redeemers.h"
#include "growth/rfm.h"
#include "growth/segment_store.h"
#include "growth/tag_store.h"
#include "members/member_behaviour.h"
#include "points/partner_use.h"

namespace mileage::growth {
namespace {

// What one page computed.
struct PageRows {
  std::vector<MemberRfm> rfm;
  std::vector<SystemTag> tags;
};

// The rows of the active members of one page.
Result<PageRows> Compute(db::Connection& conn, int64_t brand_id, const RfmThresholds& t,
                         const std::vector<members::MemberBehaviour>& page, int64_t now) {
  const int64_t first = page.front().id;
  const int64_t last = page.back().id;
  MILEAGE_ASSIGN_OR_RETURN(auto categories,
                           points::PartnerUse(conn).Categories(brand_id, first, last));
  MILEAGE_ASSIGN_OR_RETURN(std::vector<int64_t> redeemers,
                           coupons::Redeemers(conn).In(brand_id, first, last));
  std::multimap<int64_t, std::string> used(categories.begin(), categories.end());
  const std::set<int64_t> redeemed(redeemers.begin(), redeemers.end());
  const civil::Date today = civil::BeijingDate(now);
  PageRows rows;
  for (const members::MemberBehaviour& m : page) {
    if (m.status != "active") continue;
    MemberRfm r;
    r.member_id = m.id;
    r.recency_days = RecencyDays(m.last_visit_at, now);
    r.visits_12m = m.visits;
    r.spend_12m_fen = m.spend_fen;
    r.r = RecencyScore(t, r.recency_days);
    r.f = FrequencyScore(t, m.visits);
    r.m = MonetaryScore(t, m.spend_fen);
    r.computed_at = now;
    rows.rfm.push_back(r);
    rows.tags.push_back(SystemTag{m.id, std::string(kTagTier), m.tier});
    std::set<std::string> ages;
    for (const auto& date : m.purchase_dates) ages.insert(VehicleAgeBucket(date, today));
    for (const std::string& age : ages) {
      rows.tags.push_back(SystemTag{m.id, std::string(kTagVehicleAge), age});
    }
    auto [from, to] = used.equal_range(m.id);
    for (auto it = from; it != to; ++it) {
      rows.tags.push_back(SystemTag{m.id, std::string(kTagPartnerCategory), it->second});
    }
    rows.tags.push_back(
        SystemTag{m.id, std::string(kTagCouponRedeemer), redeemed.count(m.id) > 0 ? "yes" : "no"});
  }
  return rows;
}

// Records the size of each of the brand's segments for now's Beijing day.
Status SnapshotSizes(db::Db& db, const FilterParser& parse, int64_t brand_id, int64_t now,
                     const db::Fence& fence) {
  const civil::Date day = civil::BeijingDate(now);
  const int64_t yyyymmdd = day.year * 10000 + day.month * 100 + day.day;
  return db::InTransaction(db, [&](db::Connection& conn) -> Status {
    MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
    SegmentStore store(conn);
    MILEAGE_ASSIGN_OR_RETURN(std::vector<Segment> segments, store.AllOf(brand_id));
    for (const Segment& s : segments) {
      Result<FilterNode> filter = parse(s.filter_json);
      if (!filter.ok() || !ValidateFilter(*filter).ok()) {
        MILEAGE_LOG(kWarn) << "tags job: segment " << s.id << " has a filter that no longer "
                           << "reads; its size is not recorded";
        continue;
      }
      MILEAGE_ASSIGN_OR_RETURN(int64_t size, store.Count(brand_id, *filter));
      MILEAGE_RETURN_IF_ERROR(store.RecordSize(s.id, yyyymmdd, size));
    }
    return Status::Ok();
  });
}

// One page of the brand's pass: whether the pass goes on (false: it ended, or another run has
// it). `tagged` counts the members written.
Result<bool> RunPage(db::Db& db, int64_t brand_id, int64_t now, int64_t batch_limit,
                     const db::Fence& fence, int64_t& tagged) {
  bool more = false;
  int64_t written = 0;
  const Status done = db::InTransaction(db, [&](db::Connection& conn) -> Status {
    MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
    more = false;
    written = 0;
    TagStore tags(conn);
    MILEAGE_ASSIGN_OR_RETURN(TagProgress seen, tags.Progress(brand_id));
    TagProgress next = seen;
    if (seen.run_started_at == 0) next.run_started_at = now;
    const int64_t to_month = civil::BeijingMonth(now);
    MILEAGE_ASSIGN_OR_RETURN(
        std::vector<members::MemberBehaviour> page,
        members::MemberBehaviours(conn).Page(brand_id, seen.after_member_id, batch_limit,
                                             civil::MonthsBefore(to_month, 11), to_month));
    const bool last_page = static_cast<int64_t>(page.size()) < batch_limit;
    if (last_page) {
      next = TagProgress{0, 0, now};
    } else {
      next.after_member_id = page.back().id;
    }
    // The claim on this page comes first: a concurrent run waits here and then finds it moved.
    MILEAGE_ASSIGN_OR_RETURN(bool moved, tags.MoveProgress(brand_id, seen, next));
    if (!moved) return Status::Ok();
    MILEAGE_ASSIGN_OR_RETURN(RfmThresholds thresholds, tags.Thresholds(brand_id));
    PageRows rows;
    if (!page.empty()) {
      MILEAGE_ASSIGN_OR_RETURN(rows, Compute(conn, brand_id, thresholds, page, now));
    }
    MILEAGE_RETURN_IF_ERROR(tags.ReplaceRange(
        brand_id, seen.after_member_id,
        last_page ? std::nullopt : std::optional<int64_t>(page.back().id), rows.rfm, rows.tags));
    written = static_cast<int64_t>(rows.rfm.size());
    more = !last_page;
    return Status::Ok();
  });
  MILEAGE_RETURN_IF_ERROR(done);
  tagged += written;
  return more;
}

}  // namespace

Result<int64_t> RunTagRefresh(db::Db& db, const FilterParser& parse, int64_t now,
                              int64_t batch_limit, const db::Fence& fence) {
  if (batch_limit <= 0) return InvalidArgumentError("batch_limit must be positive");
  std::vector<int64_t> brands;
  {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(brands, members::MemberBehaviours(*conn).Brands());
  }
  int64_t tagged = 0;
  for (int64_t brand_id : brands) {
    for (;;) {
      MILEAGE_ASSIGN_OR_RETURN(bool more, RunPage(db, brand_id, now, batch_limit, fence, tagged));
      if (!more) break;
    }
    MILEAGE_RETURN_IF_ERROR(SnapshotSizes(db, parse, brand_id, now, fence));
  }
  return tagged;
}

}  // namespace mileage::growth

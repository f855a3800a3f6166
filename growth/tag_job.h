#pragma once

#include <cstdint>

#include "common/result.h"
#include "db/db.h"
#include "growth/segment_filter.h"

namespace mileage::growth {

// The tags job (docs/OPERATIONS.md "Tags and segments"): for every brand with members, one pass
// over its members in id order, `batch_limit` per transaction, that replaces each page's RFM
// rows (member_rfm) and system tags (member_tags: tier, vehicle_age, partner_category,
// coupon_redeemer) of the active members by those computed at `now` with the brand's
// thresholds (suspended and deleted members lose theirs). Each page costs a fixed number of
// statements (the members, their activity in the 12 Beijing months up to now's, their
// vehicles, partner use and redemptions, then the deletes and multi-row inserts), never one per
// member. The pass's position is kept in tag_refresh_progress and moved by a conditional UPDATE
// in each page's transaction, so a run cut short (a crash, a lost lease) is resumed by the
// next run where the last commit ended, and two concurrent runs never write the same page.
// When a pass ends, each of the brand's segments' size is recorded for now's Beijing day
// (`parse` reads their filters; a filter that no longer parses is skipped). Each transaction
// first checks `fence`. Returns the number of members tagged. InvalidArgument for
// batch_limit <= 0; the fence's and the db errors (earlier pages stay committed).
Result<int64_t> RunTagRefresh(db::Db& db, const FilterParser& parse, int64_t now,
                              int64_t batch_limit, const db::Fence& fence = {});

}  // namespace mileage::growth

#pragma once

#include <cstdint>

#include "common/result.h"
#include "db/db.h"

namespace mileage::points {

// The points expiry job: for every brand with lots due at `now`, runs Ledger::ExpireDue in
// transactions of at most `batch_limit` lots (short, so that payments are not held up) until
// none is due. Safe to run concurrently with itself and with postings: each lot expires once.
// Each batch's transaction first checks `fence` (db::Fence; the scheduler's lease), whose error
// rolls the batch back and ends the run. Returns the number of lots expired. InvalidArgument for
// batch_limit <= 0; the fence's and the db errors (a failed batch rolls back alone; the batches
// before it stay committed).
Result<int64_t> RunPointsExpiry(db::Db& db, int64_t now, int64_t batch_limit,
                                const db::Fence& fence = {});

}  // namespace mileage::points

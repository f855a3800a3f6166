#pragma once

#include <functional>

#include "common/result.h"
#include "db/db.h"

namespace mileage::db {

// A check that a long job makes first in each of its transactions, on the transaction's
// connection: an error rolls that transaction back and stops the job. The periodic jobs'
// lease (server::JobLease) is one: a node that lost the lease writes nothing more. An empty
// Fence checks nothing (a job run by hand).
using Fence = std::function<Status(Connection&)>;

// `fence`'s verdict on `conn`; OK for an empty fence.
inline Status CheckFence(const Fence& fence, Connection& conn) {
  return fence ? fence(conn) : Status::Ok();
}

}  // namespace mileage::db

#pragma once

#include "common/paging.h"
#include "common/result.h"
#include "care/types.h"
#include "db/db.h"

namespace mileage::care {

// `page` with each appointment's member (card number, masked phone), vehicle (masked plate,
// model) and held coupon (its campaign's name) described for the store's day list, in five
// statements whatever the page holds. Errors: the db errors.
Result<PageOf<AppointmentListing>> DescribeAppointments(db::Connection& conn,
                                                        PageOf<Appointment> page);

}  // namespace mileage::care

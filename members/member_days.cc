#include "members/member_days.h"

namespace mileage::members {
namespace {

// " IN (?, ?)" of the month-days, appended with their parameters.
Status AppendMonthDays(const DayQuery& query, std::string& sql, std::vector<db::Value>& params) {
  if (query.month_days.empty() || query.month_days.size() > 2) {
    return InvalidArgumentError("a day query names one or two month-days");
  }
  sql += query.month_days.size() == 1 ? " = ?" : " IN (?, ?)";
  for (const std::string& md : query.month_days) params.emplace_back(md);
  return Status::Ok();
}

std::vector<MemberOfDay> Members(const std::vector<db::Row>& rows) {
  std::vector<MemberOfDay> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back({row.Int(0), row.Text(1)});
  return out;
}

}  // namespace

Result<std::vector<MemberOfDay>> MemberDays::Birthdays(const DayQuery& query,
                                                       const std::string& born_before) {
  // member_profiles_birthday_md (birthday_md, member_id) finds the day's birthdays; each is
  // joined to its member by primary key for the brand and the status.
  std::string sql =
      "SELECT p.member_id, m.tier FROM member_profiles p JOIN members m ON m.id = p.member_id "
      "WHERE p.birthday_md";
  std::vector<db::Value> params;
  MILEAGE_RETURN_IF_ERROR(AppendMonthDays(query, sql, params));
  sql +=
      " AND p.birthday < ? AND p.member_id > ? AND m.brand_id = ? AND m.status = 'active' "
      "ORDER BY p.member_id LIMIT ?";
  params.emplace_back(born_before);
  params.emplace_back(query.after_id);
  params.emplace_back(query.brand_id);
  params.emplace_back(query.limit);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  return Members(rows);
}

Result<std::vector<MemberOfDay>> MemberDays::FirstPaymentDays(const DayQuery& query,
                                                              int64_t paid_before) {
  // members_first_paid_md (brand_id, first_paid_md, id).
  std::string sql = "SELECT id, tier FROM members WHERE brand_id = ? AND first_paid_md";
  std::vector<db::Value> params{db::Value(query.brand_id)};
  MILEAGE_RETURN_IF_ERROR(AppendMonthDays(query, sql, params));
  sql += " AND first_paid_at < ? AND id > ? AND status = 'active' ORDER BY id LIMIT ?";
  params.emplace_back(paid_before);
  params.emplace_back(query.after_id);
  params.emplace_back(query.limit);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  return Members(rows);
}

}  // namespace mileage::members

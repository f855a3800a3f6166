#include "common/status.h"

#include <gtest/gtest.h>

#include "common/result.h"

namespace mileage {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd", "ODD_NUMBER");
  return x / 2;
}

Result<int> Quarter(int x) {
  MILEAGE_ASSIGN_OR_RETURN(int half, Half(x));
  MILEAGE_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int x) {
  MILEAGE_RETURN_IF_ERROR(Half(x).status());
  return Status::Ok();
}

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, ReasonDefaultsToCodeName) {
  EXPECT_EQ(NotFoundError("member 7").reason(), "NOT_FOUND");
  EXPECT_EQ(NotFoundError("x", "MEMBER_NOT_FOUND").reason(), "MEMBER_NOT_FOUND");
  EXPECT_EQ(UnavailableError("db down").ToString(), "UNAVAILABLE: db down");
}

TEST(ResultTest, PropagatesValueAndError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);  // 6/2 = 3 is odd
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().reason(), "ODD_NUMBER");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(3).code(), StatusCode::kInvalidArgument);
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 5);
}

}  // namespace
}  // namespace mileage

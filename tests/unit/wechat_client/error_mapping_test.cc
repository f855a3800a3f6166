#include "wechat/client/error_mapping.h"

#include <gtest/gtest.h>

#include "tests/unit/wechat_client/fake_server.h"
#include "wechat/client/reasons.h"

namespace mileage::wechat::client {
namespace {

struct ErrcodeCase {
  int64_t errcode;
  StatusCode code;
  std::string reason;
};

TEST(MapErrcodeTest, MapsEachKnownErrcode) {
  const ErrcodeCase cases[] = {
      {40029, StatusCode::kInvalidArgument, reason::kInvalidCode},
      {40163, StatusCode::kInvalidArgument, reason::kCodeUsed},
      {40003, StatusCode::kInvalidArgument, reason::kBadArgument},
      {41030, StatusCode::kInvalidArgument, reason::kBadArgument},
      {47003, StatusCode::kInvalidArgument, reason::kBadArgument},
      {40226, StatusCode::kPermissionDenied, reason::kRiskyUser},
      {40001, StatusCode::kUnavailable, reason::kTokenRejected},
      {40014, StatusCode::kUnavailable, reason::kTokenRejected},
      {42001, StatusCode::kUnavailable, reason::kTokenRejected},
      {45009, StatusCode::kResourceExhausted, reason::kRateLimited},
      {45011, StatusCode::kResourceExhausted, reason::kRateLimited},
      {-1, StatusCode::kUnavailable, reason::kBusy},
      {40013, StatusCode::kFailedPrecondition, reason::kBadCredentials},
      {40125, StatusCode::kFailedPrecondition, reason::kBadCredentials},
      {40164, StatusCode::kFailedPrecondition, reason::kBadCredentials},
      {40037, StatusCode::kFailedPrecondition, reason::kBadTemplate},
      {43101, StatusCode::kFailedPrecondition, reason::kSubscribeRefused},
      {48001, StatusCode::kInternal, "WECHAT_ERRCODE_48001"},
      {-2, StatusCode::kInternal, "WECHAT_ERRCODE_-2"},
  };
  for (const ErrcodeCase& c : cases) {
    Status status = MapErrcode(c.errcode, "errmsg text", "api");
    EXPECT_EQ(status.code(), c.code) << c.errcode;
    EXPECT_EQ(status.reason(), c.reason) << c.errcode;
    EXPECT_NE(status.message().find(std::to_string(c.errcode)), std::string::npos);
  }
}

TEST(MapErrcodeTest, TokenErrcodes) {
  EXPECT_TRUE(IsTokenErrcode(40001));
  EXPECT_TRUE(IsTokenErrcode(40014));
  EXPECT_TRUE(IsTokenErrcode(42001));
  EXPECT_FALSE(IsTokenErrcode(40029));
  EXPECT_FALSE(IsTokenErrcode(0));
}

TEST(MapPayErrorTest, MapsWechatPayCodes) {
  EXPECT_STATUS(MapPayError(400, R"({"code":"PARAM_ERROR","message":"m"})", "jsapi"),
                kInvalidArgument, "WECHATPAY_API_PARAM_ERROR");
  EXPECT_STATUS(MapPayError(404, R"({"code":"ORDER_NOT_EXIST","message":"m"})", "q"), kNotFound,
                "WECHATPAY_API_ORDER_NOT_EXIST");
  EXPECT_STATUS(MapPayError(400, R"({"code":"NO_STATEMENT_EXIST","message":"m"})", "b"), kNotFound,
                "WECHATPAY_API_NO_STATEMENT_EXIST");
  EXPECT_STATUS(MapPayError(403, R"({"code":"OUT_TRADE_NO_USED"})", "j"), kAlreadyExists,
                "WECHATPAY_API_OUT_TRADE_NO_USED");
  EXPECT_STATUS(MapPayError(403, R"({"code":"ORDERPAID"})", "j"), kFailedPrecondition,
                "WECHATPAY_API_ORDERPAID");
  EXPECT_STATUS(MapPayError(401, R"({"code":"SIGN_ERROR"})", "j"), kFailedPrecondition,
                "WECHATPAY_API_SIGN_ERROR");
  EXPECT_STATUS(MapPayError(429, R"({"code":"FREQUENCY_LIMITED"})", "j"), kResourceExhausted,
                "WECHATPAY_API_FREQUENCY_LIMITED");
  EXPECT_STATUS(MapPayError(500, R"({"code":"SYSTEM_ERROR"})", "j"), kUnavailable,
                "WECHATPAY_API_SYSTEM_ERROR");
}

TEST(MapPayErrorTest, FallsBackToTheHttpStatusAndSanitizesCodes) {
  EXPECT_STATUS(MapPayError(404, "not json", "j"), kNotFound, reason::kHttpError);
  EXPECT_STATUS(MapPayError(418, "", "j"), kFailedPrecondition, reason::kHttpError);
  EXPECT_STATUS(MapPayError(400, R"({"code":"bad code\n<x>"})", "j"), kFailedPrecondition,
                "WECHATPAY_API_UNKNOWN");
  EXPECT_STATUS(MapPayError(400, R"({"code":"A-B_C"})", "j"), kFailedPrecondition,
                "WECHATPAY_API_AB_C");
}

}  // namespace
}  // namespace mileage::wechat::client

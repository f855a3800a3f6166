#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace mileage::wechat::client {

// The errcodes that mean "this access_token is not (or no longer) valid": 40001 invalid
// credential, 40014 invalid access_token, 42001 access_token expired.
bool IsTokenErrcode(int64_t errcode);

// Maps a non-zero mini-program API errcode to a Status; `api` names the call in the message:
//   40029 invalid code                       -> InvalidArgument   WECHAT_INVALID_CODE
//   40163 code been used                     -> InvalidArgument   WECHAT_CODE_USED
//   40003 openid, 41030 page, 47003 argument -> InvalidArgument   WECHAT_BAD_ARGUMENT
//   40226 high-risk user                     -> PermissionDenied  WECHAT_RISKY_USER
//   40001, 40014, 42001 token                -> Unavailable       WECHAT_TOKEN_REJECTED
//   45009, 45011 rate limits                 -> ResourceExhausted WECHAT_RATE_LIMITED
//   -1 system busy                           -> Unavailable       WECHAT_BUSY
//   40013 appid, 40125 secret, 40164 IP      -> FailedPrecondition WECHAT_BAD_CREDENTIALS
//   40037 template id                        -> FailedPrecondition WECHAT_BAD_TEMPLATE
//   43101 user refused the subscription      -> FailedPrecondition WECHAT_SUBSCRIBE_REFUSED
//   anything else                            -> Internal          WECHAT_ERRCODE_<n>
Status MapErrcode(int64_t errcode, std::string_view errmsg, std::string_view api);

// Maps a Pay API v3 error answer (HTTP 4xx with {"code":"...","message":"..."}) to a Status
// with reason "WECHATPAY_API_<code>":
//   PARAM_ERROR, INVALID_REQUEST                          -> InvalidArgument
//   ORDER_NOT_EXIST, RESOURCE_NOT_EXISTS, NO_STATEMENT_EXIST -> NotFound
//   OUT_TRADE_NO_USED                                     -> AlreadyExists
//   FREQUENCY_LIMITED, RATELIMIT_EXCEEDED                 -> ResourceExhausted
//   SYSTEM_ERROR, BANKERROR                               -> Unavailable
//   SIGN_ERROR, NO_AUTH, ORDERPAID, ORDERCLOSED, NOTENOUGH and any other 4xx
//                                                         -> FailedPrecondition
//   a body without a code                                 -> by HTTP status (reason
//   WECHAT_HTTP_ERROR)
Status MapPayError(int http_status, std::string_view body, std::string_view api);

}  // namespace mileage::wechat::client

#pragma once

// The stable machine reasons (Status::reason()) of the WeChat API client (wechat/client/).
// Never rename one: add a new one instead. Reasons of the protocol core are in wechat/reasons.h.
namespace mileage::wechat::reason {

// Transport: WeChat could not be reached or kept failing.
inline constexpr char kUnreachable[] = "WECHAT_UNREACHABLE";   // network errors, retries spent
inline constexpr char kServerError[] = "WECHAT_SERVER_ERROR";  // HTTP 5xx, retries spent
inline constexpr char kHttpError[] = "WECHAT_HTTP_ERROR";      // an unexpected HTTP status
inline constexpr char kBadResponse[] = "WECHAT_BAD_RESPONSE";  // a body of the wrong shape
inline constexpr char kBadBaseUrl[] = "WECHAT_BAD_BASE_URL";   // a configured base URL

// Mini-program API errcodes (see MapErrcode for the full table).
inline constexpr char kInvalidCode[] = "WECHAT_INVALID_CODE";            // 40029
inline constexpr char kCodeUsed[] = "WECHAT_CODE_USED";                  // 40163
inline constexpr char kRiskyUser[] = "WECHAT_RISKY_USER";                // 40226
inline constexpr char kTokenRejected[] = "WECHAT_TOKEN_REJECTED";        // 40001/42001/40014 twice
inline constexpr char kTokenUnavailable[] = "WECHAT_TOKEN_UNAVAILABLE";  // no token in time
inline constexpr char kRateLimited[] = "WECHAT_RATE_LIMITED";            // 45009, 45011
inline constexpr char kBusy[] = "WECHAT_BUSY";                           // -1
inline constexpr char kBadCredentials[] = "WECHAT_BAD_CREDENTIALS";      // 40013, 40125, 40164
inline constexpr char kSubscribeRefused[] = "WECHAT_SUBSCRIBE_REFUSED";  // 43101
inline constexpr char kBadTemplate[] = "WECHAT_BAD_TEMPLATE";            // 40037
inline constexpr char kBadArgument[] = "WECHAT_BAD_ARGUMENT";            // 40003, 41030, 47003
inline constexpr char kBadScene[] = "WECHAT_BAD_SCENE";                  // checked before calling
// Any other errcode: "WECHAT_ERRCODE_" followed by the number ("WECHAT_ERRCODE_48001").
inline constexpr char kErrcodePrefix[] = "WECHAT_ERRCODE_";

// Merchant (Pay API v3) errors: "WECHATPAY_API_" followed by WeChat's code
// ("WECHATPAY_API_PARAM_ERROR", "WECHATPAY_API_ORDERPAID").
inline constexpr char kPayApiPrefix[] = "WECHATPAY_API_";
inline constexpr char kBadDownloadUrl[] = "WECHATPAY_BAD_DOWNLOAD_URL";
inline constexpr char kBillHashMismatch[] = "WECHATPAY_BILL_HASH_MISMATCH";
inline constexpr char kMalformedBill[] = "WECHATPAY_MALFORMED_BILL";

}  // namespace mileage::wechat::reason

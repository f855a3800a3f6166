#include "wechat/client/error_mapping.h"

#include <rapidjson/document.h>

#include <string>

#include "wechat/client/reasons.h"
#include "wechat/internal/json_reader.h"

namespace mileage::wechat::client {
namespace {

// Keeps [A-Z0-9_] of WeChat's code, at most 48 characters, so a hostile body cannot put
// anything else into a machine reason.
std::string SanitizeCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (out.size() >= 48) break;
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') out.push_back(c);
  }
  return out.empty() ? std::string("UNKNOWN") : out;
}

}  // namespace

bool IsTokenErrcode(int64_t errcode) {
  return errcode == 40001 || errcode == 40014 || errcode == 42001;
}

Status MapErrcode(int64_t errcode, std::string_view errmsg, std::string_view api) {
  std::string message = std::string(api) + ": WeChat errcode " + std::to_string(errcode) + " (" +
                        std::string(errmsg.substr(0, 200)) + ")";
  switch (errcode) {
    case 40029:
      return InvalidArgumentError(std::move(message), reason::kInvalidCode);
    case 40163:
      return InvalidArgumentError(std::move(message), reason::kCodeUsed);
    case 40003:
    case 41030:
    case 47003:
      return InvalidArgumentError(std::move(message), reason::kBadArgument);
    case 40226:
      return PermissionDeniedError(std::move(message), reason::kRiskyUser);
    case 40001:
    case 40014:
    case 42001:
      return UnavailableError(std::move(message), reason::kTokenRejected);
    case 45009:
    case 45011:
      return ResourceExhaustedError(std::move(message), reason::kRateLimited);
    case -1:
      return UnavailableError(std::move(message), reason::kBusy);
    case 40013:
    case 40125:
    case 40164:
      return FailedPreconditionError(std::move(message), reason::kBadCredentials);
    case 40037:
      return FailedPreconditionError(std::move(message), reason::kBadTemplate);
    case 43101:
      return FailedPreconditionError(std::move(message), reason::kSubscribeRefused);
    default:
      return InternalError(std::move(message),
                           std::string(reason::kErrcodePrefix) + std::to_string(errcode));
  }
}

Status MapPayError(int http_status, std::string_view body, std::string_view api) {
  std::string code;
  std::string detail;
  rapidjson::Document doc;
  if (internal::ParseJsonObject(body, doc)) {
    internal::ObjectReader reader(doc);
    code = reader.OptionalString("code");
    detail = reader.OptionalString("message");
  }
  std::string message = std::string(api) + ": WeChat Pay HTTP " + std::to_string(http_status);
  if (code.empty()) {
    if (http_status == 404) return NotFoundError(std::move(message), reason::kHttpError);
    if (http_status == 429) return ResourceExhaustedError(std::move(message), reason::kHttpError);
    if (http_status >= 500) return UnavailableError(std::move(message), reason::kServerError);
    return FailedPreconditionError(std::move(message), reason::kHttpError);
  }
  std::string sanitized = SanitizeCode(code);
  message += " " + sanitized + " (" + detail.substr(0, 200) + ")";
  std::string why = reason::kPayApiPrefix + sanitized;
  if (sanitized == "PARAM_ERROR" || sanitized == "INVALID_REQUEST") {
    return InvalidArgumentError(std::move(message), std::move(why));
  }
  if (sanitized == "ORDER_NOT_EXIST" || sanitized == "RESOURCE_NOT_EXISTS" ||
      sanitized == "NO_STATEMENT_EXIST") {
    return NotFoundError(std::move(message), std::move(why));
  }
  if (sanitized == "OUT_TRADE_NO_USED")
    return AlreadyExistsError(std::move(message), std::move(why));
  if (sanitized == "FREQUENCY_LIMITED" || sanitized == "RATELIMIT_EXCEEDED") {
    return ResourceExhaustedError(std::move(message), std::move(why));
  }
  if (sanitized == "SYSTEM_ERROR" || sanitized == "BANKERROR" || http_status >= 500) {
    return UnavailableError(std::move(message), std::move(why));
  }
  return FailedPreconditionError(std::move(message), std::move(why));
}

}  // namespace mileage::wechat::client

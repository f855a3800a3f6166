#pragma once

// Request bodies of the console's merchant routes, with real PEM text (which registration
// parses), for the console tests.

#include <string>
#include <utility>
#include <vector>

#include "tests/support/wechatpay_notifier.h"

namespace mileage::testing {

// `text` as a JSON string literal (quotes, backslashes and control characters escaped).
inline std::string JsonQuote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += "\\u00" + std::string(1, "0123456789abcdef"[c >> 4]) + "0123456789abcdef"[c & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// {"serial":..,"pem":..}: the body of POST /api/console/merchants/{id}/platform-keys.
inline std::string PlatformKeyJson(const std::string& serial, const std::string& pem) {
  return R"({"serial":)" + JsonQuote(serial) + R"(,"pem":)" + JsonQuote(pem) + "}";
}

// The body of POST /api/console/stores/{id}/merchants with the API v3 key kApiV3Key.
inline std::string MerchantJson(const std::string& mchid, const std::string& appid,
                                const std::vector<std::pair<std::string, std::string>>& keys) {
  std::string out = R"({"mchid":)" + JsonQuote(mchid) + R"(,"appid":)" + JsonQuote(appid) +
                    R"(,"apiv3_key":)" + JsonQuote(kApiV3Key) + R"(,"platform_keys":[)";
  for (size_t i = 0; i < keys.size(); ++i) {
    out += (i == 0 ? "" : ",") + PlatformKeyJson(keys[i].first, keys[i].second);
  }
  return out + "]}";
}

// The WeChat Pay public key of the test merchants, as registration accepts it.
inline std::pair<std::string, std::string> TestPublicKey() {
  return {kPublicKeyId, WechatPayNotifier::Testdata("java_wechat_pay_public_key.pem")};
}

}  // namespace mileage::testing

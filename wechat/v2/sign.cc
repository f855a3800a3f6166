#include "wechat/v2/sign.h"

#include "crypto/constant_time.h"
#include "crypto/digest.h"
#include "crypto/hex.h"
#include "wechat/reasons.h"

namespace mileage::wechat::v2 {

std::optional<SignType> ParseSignType(std::string_view name) {
  if (name == "MD5") return SignType::kMd5;
  if (name == "HMAC-SHA256") return SignType::kHmacSha256;
  return std::nullopt;
}

std::string BuildSignString(const Fields& fields, std::string_view api_key) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (value.empty() || name == "sign") continue;
    out += name;
    out += '=';
    out += value;
    out += '&';
  }
  out += "key=";
  out.append(api_key);
  return out;
}

std::string Sign(const Fields& fields, std::string_view api_key, SignType type) {
  std::string text = BuildSignString(fields, api_key);
  return crypto::HexUpper(type == SignType::kMd5 ? crypto::Md5(text)
                                                 : crypto::HmacSha256(api_key, text));
}

Status VerifySignature(const Fields& fields, std::string_view api_key) {
  if (api_key.empty()) return InvalidArgumentError("v2 API key is empty", reason::kV2BadKey);
  auto sign = fields.find("sign");
  if (sign == fields.end() || sign->second.empty()) {
    return InvalidArgumentError("v2 message has no sign", reason::kV2MissingSign);
  }
  SignType type = SignType::kMd5;
  if (auto it = fields.find("sign_type"); it != fields.end() && !it->second.empty()) {
    std::optional<SignType> parsed = ParseSignType(it->second);
    if (!parsed) {
      return InvalidArgumentError("unsupported sign_type", reason::kV2UnsupportedSignType);
    }
    type = *parsed;
  }
  if (!crypto::ConstantTimeEquals(crypto::AsciiUpper(sign->second), Sign(fields, api_key, type))) {
    return UnauthenticatedError("v2 signature does not match", reason::kV2BadSignature);
  }
  return Status::Ok();
}

}  // namespace mileage::wechat::v2

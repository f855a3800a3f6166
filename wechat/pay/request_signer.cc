#include "wechat/pay/request_signer.h"

#include "crypto/base64.h"
#include "crypto/random_string.h"
#include "wechat/reasons.h"

namespace mileage::wechat::pay {
namespace {

constexpr size_t kNonceLength = 32;

Status CheckTarget(std::string_view method, std::string_view url, std::string_view nonce) {
  bool ok = !method.empty() && method.size() <= 16 && url.starts_with('/') && !nonce.empty() &&
            nonce.size() <= 64;
  for (char c : method) ok = ok && c >= 'A' && c <= 'Z';
  for (char c : url) ok = ok && c > 0x20 && c < 0x7F;
  for (char c : nonce) ok = ok && c > 0x20 && c < 0x7F && c != '"' && c != ',';
  if (!ok) {
    return InvalidArgumentError("request method, URL or nonce is not signable",
                                reason::kBadRequestTarget);
  }
  return Status::Ok();
}

}  // namespace

std::string BuildRequestMessage(std::string_view method, std::string_view url,
                                std::string_view timestamp, std::string_view nonce,
                                std::string_view body) {
  std::string message;
  message.reserve(method.size() + url.size() + timestamp.size() + nonce.size() + body.size() + 5);
  for (std::string_view part : {method, url, timestamp, nonce, body}) {
    message.append(part).push_back('\n');
  }
  return message;
}

RequestSigner::RequestSigner(std::string mchid, std::string serial_no, crypto::RsaPrivateKey key)
    : mchid_(std::move(mchid)), serial_no_(std::move(serial_no)), key_(std::move(key)) {}

Result<std::string> RequestSigner::Authorization(std::string_view method, std::string_view url,
                                                 std::string_view body, TimePoint now,
                                                 RandomSource& random) const {
  return Authorization(method, url, body, UnixSeconds(now),
                       crypto::RandomAlphanumeric(random, kNonceLength));
}

Result<std::string> RequestSigner::Authorization(std::string_view method, std::string_view url,
                                                 std::string_view body, int64_t timestamp,
                                                 std::string_view nonce) const {
  MILEAGE_RETURN_IF_ERROR(CheckTarget(method, url, nonce));
  std::string ts = std::to_string(timestamp);
  MILEAGE_ASSIGN_OR_RETURN(std::string signature,
                           key_.SignSha256(BuildRequestMessage(method, url, ts, nonce, body)));
  std::string header(kAuthorizationScheme);
  header += " mchid=\"" + mchid_ + "\",nonce_str=\"";
  header.append(nonce);
  header += "\",timestamp=\"" + ts + "\",serial_no=\"" + serial_no_ + "\",signature=\"" +
            crypto::Base64Encode(signature) + "\"";
  return header;
}

}  // namespace mileage::wechat::pay

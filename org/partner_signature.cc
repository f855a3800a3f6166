#include "org/partner_signature.h"

#include "crypto/constant_time.h"
#include "crypto/digest.h"
#include "crypto/hex.h"

namespace mileage::org {

std::string PartnerCanonicalString(std::string_view method, std::string_view path_and_query,
                                   std::string_view timestamp, std::string_view nonce,
                                   std::string_view body) {
  std::string out;
  out.reserve(method.size() + path_and_query.size() + timestamp.size() + nonce.size() +
              body.size() + 4);
  out.append(method).append("\n").append(path_and_query).append("\n");
  out.append(timestamp).append("\n").append(nonce).append("\n").append(body);
  return out;
}

std::string PartnerSignature(std::string_view secret, std::string_view canonical) {
  return crypto::HexEncode(crypto::HmacSha256(secret, canonical));
}

std::optional<int64_t> MatchingPartnerSecret(const PartnerCredentials& credentials,
                                             std::string_view canonical,
                                             std::string_view signature) {
  std::optional<int64_t> match;
  for (const OpenedPartnerSecret& secret : credentials.secrets) {
    if (crypto::ConstantTimeEquals(PartnerSignature(secret.secret, canonical), signature)) {
      match = secret.id;
    }
  }
  return match;
}

}  // namespace mileage::org

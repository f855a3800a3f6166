#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "crypto/rsa.h"
#include "org/merchant_service.h"
#include "org/principal.h"
#include "wechat/client/api_client.h"

namespace mileage::server {

// What fetching a merchant's platform certificates did, one line per certificate WeChat listed.
struct FetchedCertificates {
  std::vector<std::string> added;    // serials registered now
  std::vector<std::string> known;    // serials the merchant had in use already
  std::vector<std::string> skipped;  // "SERIAL: why" (retired by an operator, expired)
};

// Downloads merchant `mchid`'s platform certificates from WeChat Pay's /v3/certificates (signed
// with the merchant's API key `merchant_key` of certificate serial `merchant_serial`, answers
// checked by wechat::client::PayClient::DownloadCertificates with the merchant's API v3 key and
// platform keys) and adds the new ones to the merchant as `actor` (audited), so that a rotation
// by WeChat needs no hand-copied PEM. A serial an operator retired is not brought back.
// Errors: NotFound MERCHANT_UNKNOWN; FailedPrecondition MERCHANT_KEYS_UNUSABLE; the download's
// errors (e.g. Unauthenticated WECHATPAY_API_SIGN_ERROR, WECHATPAY_BAD_SIGNATURE); the
// MerchantService errors of adding a key; storage errors.
Result<FetchedCertificates> FetchPlatformCertificates(
    org::MerchantService& merchants, const org::Actor& actor, wechat::client::ApiClient& api,
    const Clock& clock, RandomSource& random, const std::string& mchid,
    const std::string& merchant_serial, const crypto::RsaPrivateKey& merchant_key);

}  // namespace mileage::server

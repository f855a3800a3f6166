#include "server/admin/certificate_fetch.h"

#include "payments/merchant_keys.h"
#include "wechat/client/pay_client.h"

namespace mileage::server {
namespace {

bool IsRetired(const org::Merchant& merchant, const std::string& serial) {
  for (const org::PlatformKey& key : merchant.platform_keys) {
    if (key.retired() && crypto::CanonicalSerial(key.serial) == crypto::CanonicalSerial(serial)) {
      return true;
    }
  }
  return false;
}

}  // namespace

Result<FetchedCertificates> FetchPlatformCertificates(
    org::MerchantService& merchants, const org::Actor& actor, wechat::client::ApiClient& api,
    const Clock& clock, RandomSource& random, const std::string& mchid,
    const std::string& merchant_serial, const crypto::RsaPrivateKey& merchant_key) {
  std::shared_ptr<const payments::MerchantKeys> keys;
  {
    payments::MerchantKeyCache cache(merchants, clock);
    MILEAGE_ASSIGN_OR_RETURN(keys, cache.Get(mchid));
  }
  wechat::client::PayClient pay(api, clock, random, mchid, merchant_serial, merchant_key,
                                keys->platform_keys);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<wechat::pay::DownloadedCertificate> downloaded,
                           pay.DownloadCertificates(keys->api_v3_key));
  MILEAGE_ASSIGN_OR_RETURN(org::Merchant merchant, merchants.GetByMchid(actor, mchid));
  FetchedCertificates out;
  for (const wechat::pay::DownloadedCertificate& certificate : downloaded) {
    const std::string& serial = certificate.serial_no;
    if (IsRetired(merchant, serial)) {
      out.skipped.push_back(serial + ": retired");
      continue;
    }
    Result<org::Merchant> added =
        merchants.AddPlatformKey(actor, merchant.id, serial, certificate.pem);
    if (added.ok()) {
      out.added.push_back(serial);
      merchant = std::move(*added);
      continue;
    }
    const std::string_view reason = added.status().reason();
    if (reason == "PLATFORM_KEY_EXISTS") {
      out.known.push_back(serial);
    } else if (reason == "PLATFORM_KEY_EXPIRED") {
      out.skipped.push_back(serial + ": expired");
    } else {
      return added.status();
    }
  }
  return out;
}

}  // namespace mileage::server

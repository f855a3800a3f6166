#include "wechat/pay/certificate_download.h"

#include "crypto/rsa.h"
#include "wechat/internal/json_reader.h"
#include "wechat/pay/notification.h"
#include "wechat/reasons.h"

namespace mileage::wechat::pay {

Result<std::vector<DownloadedCertificate>> DecryptCertificateDownload(std::string_view body,
                                                                      const ApiV3Key& api_v3_key) {
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(body, doc)) {
    return InvalidArgumentError("certificate list is not a JSON object", reason::kMalformedBody);
  }
  internal::ObjectReader r(doc);
  const rapidjson::Value* data = r.OptionalArray("data");
  if (data == nullptr) {
    return InvalidArgumentError("certificate list has no data array", reason::kMalformedBody);
  }
  std::vector<DownloadedCertificate> out;
  for (const rapidjson::Value& item : data->GetArray()) {
    internal::ObjectReader ir(item, "data[].");
    DownloadedCertificate cert;
    cert.serial_no = ir.RequiredString("serial_no");
    cert.effective_time = ir.OptionalString("effective_time");
    cert.expire_time = ir.OptionalString("expire_time");
    std::string algorithm, ciphertext, nonce, associated_data;
    if (const rapidjson::Value* enc = ir.RequiredObject("encrypt_certificate")) {
      internal::ObjectReader er(*enc, "data[].encrypt_certificate.");
      algorithm = er.RequiredString("algorithm");
      ciphertext = er.RequiredString("ciphertext");
      nonce = er.RequiredString("nonce");
      associated_data = er.OptionalString("associated_data");
      if (!er.ok()) ir.Fail(er.error());
    }
    if (!ir.ok()) {
      return InvalidArgumentError("certificate list: " + ir.error(), reason::kMalformedBody);
    }
    MILEAGE_ASSIGN_OR_RETURN(
        cert.pem, DecryptResource(algorithm, ciphertext, nonce, associated_data, api_v3_key));
    MILEAGE_ASSIGN_OR_RETURN(crypto::Certificate parsed, crypto::ParseCertificatePem(cert.pem));
    if (parsed.serial != crypto::CanonicalSerial(cert.serial_no)) {
      return InvalidArgumentError("downloaded certificate serial differs from serial_no",
                                  reason::kBadKey);
    }
    out.push_back(std::move(cert));
  }
  return out;
}

}  // namespace mileage::wechat::pay

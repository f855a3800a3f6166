#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "wechat/pay/api_v3_key.h"

namespace mileage::wechat::pay {

// One platform certificate from GET /v3/certificates, decrypted. A value type.
struct DownloadedCertificate {
  std::string serial_no;  // as WeChat lists it; equal to the certificate's own serial
  std::string effective_time;
  std::string expire_time;
  std::string pem;  // feed to PlatformKeys::AddCertificatePem
};

// Decrypts every certificate of a /v3/certificates response body (whose signature the caller
// verified). InvalidArgument WECHATPAY_MALFORMED_BODY (not the documented shape);
// the errors of DecryptResource; InvalidArgument WECHATPAY_BAD_KEY when a plaintext is not an
// RSA certificate or its serial differs from serial_no.
Result<std::vector<DownloadedCertificate>> DecryptCertificateDownload(std::string_view body,
                                                                      const ApiV3Key& api_v3_key);

}  // namespace mileage::wechat::pay

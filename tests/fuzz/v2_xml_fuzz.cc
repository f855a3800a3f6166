// libFuzzer target: the Pay API v2 XML parser, signatures and refund req_info.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_support.h"
#include "wechat/v2/refund_info.h"
#include "wechat/v2/sign.h"
#include "wechat/v2/xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mileage::wechat::v2;
  using mileage::fuzz::Check;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr std::string_view kKey = "192006250b4c09247ec02edce69f6a2d";

  mileage::Result<Fields> fields = ParseXml(input);
  if (fields.ok()) {
    Check(fields->size() <= kMaxXmlFields, "field limit holds");
    (void)VerifySignature(*fields, kKey);
    // Whatever parses builds back into XML that parses to the same fields.
    mileage::Result<std::string> xml = BuildXml(*fields);
    Check(xml.ok(), "parsed names are buildable");
    if (xml->size() <= kMaxXmlBytes) {
      mileage::Result<Fields> again = ParseXml(*xml);
      Check(again.ok() && *again == *fields, "build/parse round trip");
    }
    // A message signed with the key verifies; any other sign does not.
    Fields signed_fields = *fields;
    signed_fields.erase("sign_type");
    signed_fields["sign"] = Sign(signed_fields, kKey, SignType::kMd5);
    Check(VerifySignature(signed_fields, kKey).ok(), "own MD5 signature verifies");
    signed_fields["sign_type"] = "HMAC-SHA256";
    signed_fields["sign"] = Sign(signed_fields, kKey, SignType::kHmacSha256);
    Check(VerifySignature(signed_fields, kKey).ok(), "own HMAC signature verifies");
  }

  (void)ParseRefundInfo(input);
  (void)DecryptRefundInfo(input, kKey);
  mileage::Result<std::string> encrypted = EncryptReqInfo(input, kKey);
  if (encrypted.ok()) {
    mileage::Result<std::string> decrypted = DecryptReqInfo(*encrypted, kKey);
    Check(decrypted.ok() && *decrypted == input, "req_info round trip");
  }
  return 0;
}

#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "wechat/sandbox/sandbox_config.h"

namespace mileage::wechat::sandbox {

// The sandbox's WeChat Pay platform identity: one RSA key pair known both as a platform
// certificate (hex serial) and as a WeChat Pay public key (PUB_KEY_ID_...). A value type; the
// private key is a secret that never leaves the state directory.
struct PlatformIdentity {
  std::string private_key_pem;
  std::string certificate_pem;
  std::string certificate_serial;  // 40 uppercase hex digits
  std::string public_key_pem;
  std::string public_key_id;  // "PUB_KEY_ID_01..." (28 digits)
};

// What the sandbox knows about one merchant, persisted so exports stay valid. A value type.
struct MerchantState {
  std::string mchid;
  std::string appid;
  std::string apiv3_key;
  std::string notify_url;
  // Verifies the merchant's Authorization: a certificate or public key PEM.
  std::string merchant_key_pem;
  std::string merchant_serial;  // empty = any serial_no is accepted
  // Only when the sandbox generated the merchant key (exported so the service can sign).
  std::string merchant_private_key_pem;
};

// Everything a running sandbox signs and decrypts with. A value type.
struct SandboxState {
  KeyMode key_mode = KeyMode::kBoth;  // as last started
  PlatformIdentity platform;
  std::vector<MerchantState> merchants;
};

// Loads the state directory and creates what is missing (directory mode 0700, files 0600,
// written atomically): the platform identity once, and per configured merchant its APIv3 key
// and, without a configured merchant key, a generated merchant key pair. Values in the config
// win over stored ones. InvalidArgument when a configured merchant key is not an RSA
// certificate or public key; Unavailable when the directory cannot be written; Internal when
// key generation fails or a state file is corrupt.
Result<SandboxState> LoadOrCreateState(const SandboxConfig& config, const Clock& clock,
                                       RandomSource& random);

// Reads what `mileage sandbox export` prints without starting a sandbox. NotFound when the
// directory holds no state for `mchid`; Internal when a file is corrupt.
Result<SandboxState> ReadMerchantState(const std::string& state_dir, std::string_view mchid);

// The JSON a merchant integration needs: mchid, appid, apiv3_key, notify_url, key_mode, the
// platform certificate (serial, pem), the WeChat Pay public key (id, pem) and the merchant key
// (serial and, when generated, private_key_pem).
std::string ExportJson(const PlatformIdentity& platform, const MerchantState& merchant,
                       KeyMode key_mode);

}  // namespace mileage::wechat::sandbox

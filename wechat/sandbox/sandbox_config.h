#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/result.h"

namespace mileage::wechat::sandbox {

// Which identifier the sandbox puts in Wechatpay-Serial when it signs: its platform
// certificate's hex serial, its WeChat Pay public key id (PUB_KEY_ID_...), or both in turn
// (a key migration: a receiver must know both). The key pair behind them is the same.
enum class KeyMode { kCertificate, kPublicKey, kBoth };

std::string_view KeyModeName(KeyMode mode);

// One simulated WeChat Pay merchant.
struct SandboxMerchantConfig {
  std::string mchid;
  std::string appid;  // the mini-program the merchant's orders belong to
  // 32 printable ASCII characters; empty = generated once and kept in the state directory.
  std::string apiv3_key;
  // Default notify_url of the sandbox-only payment endpoints (orders carry their own).
  std::string notify_url;
  // PEM (certificate or public key) of the merchant's API key, to verify its Authorization
  // headers. Empty = the sandbox generates a merchant key pair and exports its private key.
  std::string merchant_key_pem;
  // The serial_no the merchant signs with; empty = any (or the certificate's own serial).
  std::string merchant_serial;
};

// One simulated mini-program.
struct SandboxMiniProgramConfig {
  std::string appid;
  std::string secret;
};

// The configuration of `mileage sandbox` (its own small JSON file, not the service's).
// A value type.
struct SandboxConfig {
  ListenAddress listen{"127.0.0.1", 9090};
  // Keys and merchant secrets persist here, so exports stay valid across restarts.
  std::string state_dir = "var/sandbox";
  KeyMode key_mode = KeyMode::kBoth;
  // Multiplies WeChat's retry schedule (15 s, 15 s, 30 s, 3 m, ...); tests use 0.001.
  double retry_scale = 1.0;
  // Per-attempt timeout of a notification delivery (WeChat waits 5 s).
  int delivery_timeout_ms = 5000;
  int http_threads = 16;
  std::vector<SandboxMerchantConfig> merchants;
  std::vector<SandboxMiniProgramConfig> mini_programs;
};

// The configuration with one merchant (1900000001, appid wx8888888888888888) and that
// mini-program (secret "sandbox-secret"), as `mileage sandbox` uses without --config.
SandboxConfig DefaultSandboxConfig();

// Parses the sandbox's JSON config. Every key is optional; "merchants" and "mini_programs",
// when given, replace the defaults. A merchant's "merchant_key_file" names a PEM file (read
// here). InvalidArgument naming the key: malformed JSON, an unknown key, a wrong type or
// value (listen, key_mode not certificate|public_key|both, retry_scale not in 0..1000, an
// apiv3_key that is not 32 printable ASCII characters, a duplicate mchid or appid, an
// unreadable key file).
Result<SandboxConfig> ParseSandboxConfig(std::string_view json, std::string_view origin);

// Reads and parses a config file; InvalidArgument when it cannot be read, else as above.
Result<SandboxConfig> LoadSandboxConfig(const std::string& path);

}  // namespace mileage::wechat::sandbox

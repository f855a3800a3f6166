#include "crypto/password_hasher.h"

#include <openssl/evp.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <vector>

#include "crypto/constant_time.h"
#include "crypto/hex.h"

namespace mileage::crypto {
namespace {

constexpr std::string_view kScheme = "scrypt";
constexpr size_t kSaltSize = 16;
constexpr size_t kHashSize = 32;

Result<std::array<uint8_t, kHashSize>> Scrypt(std::string_view password,
                                              std::span<const uint8_t> salt,
                                              const ScryptParams& params) {
  const uint64_t n = uint64_t{1} << params.log2_n;
  const uint64_t r = static_cast<uint64_t>(params.r);
  const uint64_t p = static_cast<uint64_t>(params.p);
  // OpenSSL needs 128*r*(N+2) bytes for V plus 128*r*p for B; leave a little room.
  const uint64_t max_memory = 128 * r * (n + 2) + 128 * r * p + (uint64_t{1} << 20);
  std::array<uint8_t, kHashSize> out{};
  if (EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), n, r, p,
                     max_memory, out.data(), out.size()) != 1) {
    return InternalError("scrypt failed");
  }
  return out;
}

std::string_view NextField(std::string_view& rest) {
  size_t dollar = rest.find('$');
  std::string_view field = rest.substr(0, dollar);
  rest = dollar == std::string_view::npos ? std::string_view() : rest.substr(dollar + 1);
  return field;
}

bool ParseSmallInt(std::string_view text, int min, int max, int* out) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc() && end == text.data() + text.size() && *out >= min && *out <= max;
}

}  // namespace

Result<std::string> PasswordHasher::Hash(std::string_view password) const {
  std::array<uint8_t, kSaltSize> salt{};
  random_.Fill(salt);
  computations_.fetch_add(1, std::memory_order_relaxed);
  MILEAGE_ASSIGN_OR_RETURN(auto hash, Scrypt(password, salt, params_));
  return std::string(kScheme) + "$" + std::to_string(params_.log2_n) + "$" +
         std::to_string(params_.r) + "$" + std::to_string(params_.p) + "$" + HexEncode(salt) + "$" +
         HexEncode(hash);
}

Result<bool> PasswordHasher::Verify(std::string_view password, std::string_view stored) const {
  const Status malformed =
      InvalidArgumentError("stored password hash is malformed", "MALFORMED_PASSWORD_HASH");
  std::string_view rest = stored;
  if (NextField(rest) != kScheme) return malformed;
  ScryptParams params;
  if (!ParseSmallInt(NextField(rest), 10, 20, &params.log2_n) ||
      !ParseSmallInt(NextField(rest), 1, 32, &params.r) ||
      !ParseSmallInt(NextField(rest), 1, 16, &params.p)) {
    return malformed;
  }
  std::optional<std::vector<uint8_t>> salt = HexDecode(NextField(rest));
  std::string_view expected_hex = NextField(rest);
  if (!salt || salt->empty() || expected_hex.size() != 2 * kHashSize || !rest.empty()) {
    return malformed;
  }
  std::optional<std::vector<uint8_t>> expected = HexDecode(expected_hex);
  if (!expected) return malformed;
  computations_.fetch_add(1, std::memory_order_relaxed);
  MILEAGE_ASSIGN_OR_RETURN(auto actual, Scrypt(password, *salt, params));
  return ConstantTimeEquals(
      std::string_view(reinterpret_cast<const char*>(actual.data()), actual.size()),
      std::string_view(reinterpret_cast<const char*>(expected->data()), expected->size()));
}

void PasswordHasher::BurnOneHash(std::string_view password) const {
  static constexpr std::array<uint8_t, kSaltSize> kDummySalt = {0x6d, 0x69, 0x6c, 0x65, 0x61, 0x67,
                                                                0x65, 0x2d, 0x64, 0x75, 0x6d, 0x6d,
                                                                0x79, 0x00, 0x00, 0x01};
  // Only the time matters; a failure here changes nothing for the caller, who answers 401.
  computations_.fetch_add(1, std::memory_order_relaxed);
  Scrypt(password, kDummySalt, params_).status().IgnoreError();
}

}  // namespace mileage::crypto

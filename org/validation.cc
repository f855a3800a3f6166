#include "org/validation.h"

#include <charconv>
#include <cmath>

#include "crypto/rsa.h"

namespace mileage::org {
namespace {

Status InvalidField(std::string_view field, std::string_view what) {
  return InvalidArgumentError(std::string(field) + " " + std::string(what), "INVALID_FIELD");
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Decodes one UTF-8 sequence at text[i]; returns its length (0 when invalid) and the code
// point. Rejects overlong forms, surrogates and values above U+10FFFF.
size_t DecodeUtf8(std::string_view text, size_t i, char32_t* code_point) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t length = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, value = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, value = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, value = lead & 0x07, minimum = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(i + k) & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  *code_point = value;
  return length;
}

}  // namespace

Result<int64_t> ParseId(std::string_view text, std::string_view field) {
  int64_t id = 0;
  const bool digits_only = !text.empty() && text.find_first_not_of("0123456789") == text.npos;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (!digits_only || error != std::errc() || end != text.data() + text.size() || id <= 0) {
    return InvalidArgumentError(std::string(field) + " must be a positive integer id",
                                "INVALID_ID");
  }
  return id;
}

Status ValidateId(int64_t id, std::string_view field) {
  if (id <= 0) {
    return InvalidArgumentError(std::string(field) + " must be a positive integer id",
                                "INVALID_ID");
  }
  return Status::Ok();
}

Status ValidateText(std::string_view text, std::string_view field, size_t min_chars,
                    size_t max_chars) {
  size_t characters = 0;
  bool only_spaces = true;
  for (size_t i = 0; i < text.size();) {
    char32_t c = 0;
    size_t length = DecodeUtf8(text, i, &c);
    if (length == 0) return InvalidField(field, "must be valid UTF-8");
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
      return InvalidField(field, "must not contain control characters");
    }
    if (c != ' ' && c != 0x3000) only_spaces = false;
    ++characters;
    i += length;
  }
  if (min_chars > 0 && (characters == 0 || only_spaces)) {
    return InvalidField(field, "must not be empty");
  }
  if (characters < min_chars || characters > max_chars) {
    return InvalidField(field, "must be " + std::to_string(min_chars) + ".." +
                                   std::to_string(max_chars) + " characters");
  }
  return Status::Ok();
}

Status ValidateName(std::string_view name, std::string_view field) {
  return ValidateText(name, field, 1, 100);
}

Status ValidateStorePhone(std::string_view phone, std::string_view field) {
  constexpr size_t kMaxChars = 32;
  if (phone.empty()) return Status::Ok();
  if (phone.size() > kMaxChars) return InvalidField(field, "must be at most 32 characters");
  size_t digits = 0;
  for (size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (!(c == ' ' || c == '-' || c == '(' || c == ')' || (c == '+' && i == 0))) {
      return InvalidField(field,
                          "must be a phone number: digits, spaces, '-', '(', ')' and a leading "
                          "'+'");
    }
  }
  if (digits < 5 || digits > 20) return InvalidField(field, "must hold 5..20 digits");
  return Status::Ok();
}

Status ValidateGeoPoint(const GeoPoint& point, std::string_view latitude_field,
                        std::string_view longitude_field) {
  constexpr int64_t kMaxLatitude = 90'000'000;
  constexpr int64_t kMaxLongitude = 180'000'000;
  if (point.latitude_e6 < -kMaxLatitude || point.latitude_e6 > kMaxLatitude) {
    return InvalidField(latitude_field, "must be -90..90 degrees");
  }
  if (point.longitude_e6 < -kMaxLongitude || point.longitude_e6 > kMaxLongitude) {
    return InvalidField(longitude_field, "must be -180..180 degrees");
  }
  return Status::Ok();
}

Status ValidateStoreDetails(const StoreDetails& details) {
  MILEAGE_RETURN_IF_ERROR(ValidateText(details.address, "address", 0, 255));
  MILEAGE_RETURN_IF_ERROR(ValidateStorePhone(details.phone, "phone"));
  MILEAGE_RETURN_IF_ERROR(ValidateText(details.hours, "hours", 0, 128));
  if (details.position.has_value()) MILEAGE_RETURN_IF_ERROR(ValidateGeoPoint(*details.position));
  return Status::Ok();
}

Result<std::optional<GeoPoint>> PositionFromDegrees(std::optional<double> latitude,
                                                    std::optional<double> longitude,
                                                    std::string_view latitude_field,
                                                    std::string_view longitude_field) {
  if (!latitude.has_value() && !longitude.has_value()) return std::optional<GeoPoint>();
  if (!longitude.has_value()) {
    return InvalidArgumentError(
        std::string(longitude_field) + " must be given with " + std::string(latitude_field),
        "MISSING_FIELD");
  }
  if (!latitude.has_value()) {
    return InvalidArgumentError(
        std::string(latitude_field) + " must be given with " + std::string(longitude_field),
        "MISSING_FIELD");
  }
  // Range first: a huge double would overflow the conversion to microdegrees.
  if (!std::isfinite(*latitude) || *latitude < -90.0 || *latitude > 90.0) {
    return InvalidField(latitude_field, "must be -90..90 degrees");
  }
  if (!std::isfinite(*longitude) || *longitude < -180.0 || *longitude > 180.0) {
    return InvalidField(longitude_field, "must be -180..180 degrees");
  }
  return std::optional<GeoPoint>(
      GeoPoint{std::llround(*latitude * 1e6), std::llround(*longitude * 1e6)});
}

Result<std::string> NormalizeUsername(std::string_view username) {
  std::string out;
  out.reserve(username.size());
  for (char c : username) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!IsAsciiAlnum(c) && c != '.' && c != '_' && c != '@' && c != '-') {
      return InvalidField("username", "may only contain letters, digits and . _ @ -");
    }
    out.push_back(c);
  }
  if (out.size() < 3 || out.size() > 64)
    return InvalidField("username", "must be 3..64 characters");
  return out;
}

Status ValidatePassword(std::string_view password) {
  if (password.size() < 8) {
    return InvalidArgumentError("password must be at least 8 characters", "WEAK_PASSWORD");
  }
  if (password.size() > 1024) return InvalidField("password", "must be at most 1024 bytes");
  return Status::Ok();
}

Status ValidateMchid(std::string_view mchid) {
  if (mchid.empty() || mchid.size() > 32 || mchid.find_first_not_of("0123456789") != mchid.npos) {
    return InvalidField("mchid", "must be 1..32 digits");
  }
  return Status::Ok();
}

Status ValidateAppid(std::string_view appid) {
  bool ok = !appid.empty() && appid.size() <= 32;
  for (char c : appid) ok = ok && (IsAsciiAlnum(c) || c == '_');
  if (!ok) return InvalidField("appid", "must be 1..32 letters, digits or _");
  return Status::Ok();
}

Status ValidateApiV3Key(std::string_view key) {
  bool ok = key.size() == 32;
  for (char c : key) ok = ok && c > 0x20 && c < 0x7F;
  if (!ok) return InvalidField("apiv3_key", "must be exactly 32 printable ASCII characters");
  return Status::Ok();
}

Status ValidatePlatformKeySerial(std::string_view serial) {
  bool ok = !serial.empty() && serial.size() <= 64;
  for (char c : serial) ok = ok && (IsAsciiAlnum(c) || c == '_' || c == '-');
  if (!ok) return InvalidField("platform key serial", "must be 1..64 letters, digits, _ or -");
  return Status::Ok();
}

Status ValidateMerchantKeySerial(std::string_view serial) {
  if (serial.empty() || serial.size() > 64 ||
      serial.find_first_not_of("0123456789ABCDEFabcdef") != std::string_view::npos) {
    return InvalidField("merchant key serial", "must be 1..64 hex digits");
  }
  return Status::Ok();
}

Status ValidatePlatformKey(std::string_view serial, std::string_view pem) {
  MILEAGE_RETURN_IF_ERROR(ValidatePlatformKeySerial(serial));
  if (pem.size() > 16384 || pem.find("-----BEGIN ") == pem.npos) {
    return InvalidField("platform key pem", "must be PEM text (-----BEGIN ...) of at most 16 KiB");
  }
  return Status::Ok();
}

namespace {

constexpr std::string_view kPublicKeyIdPrefix = "PUB_KEY_ID_";

Status InvalidKey(std::string_view serial, std::string_view what) {
  return InvalidArgumentError("platform key " + std::string(serial) + ": " + std::string(what),
                              "INVALID_PLATFORM_KEY");
}

bool HoldsCertificate(std::string_view pem) {
  return pem.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos;
}

}  // namespace

Result<PlatformKey> ParsePlatformKey(std::string_view serial, std::string_view pem, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(ValidatePlatformKey(serial, pem));
  PlatformKey key{std::string(serial), std::string(pem), 0, 0, 0};
  if (serial.starts_with(kPublicKeyIdPrefix)) {
    const std::string_view digits = serial.substr(kPublicKeyIdPrefix.size());
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
      return InvalidKey(serial, "a public key id is PUB_KEY_ID_ followed by digits");
    }
    if (HoldsCertificate(pem)) {
      return InvalidKey(serial, "a PUB_KEY_ID_ serial needs a PUBLIC KEY, not a certificate");
    }
    Result<crypto::RsaPublicKey> parsed = crypto::RsaPublicKey::FromPem(pem);
    if (!parsed.ok()) return InvalidKey(serial, parsed.status().message());
    return key;
  }
  if (!HoldsCertificate(pem)) {
    return InvalidKey(serial,
                      "a certificate serial needs a CERTIFICATE (a public key needs its "
                      "PUB_KEY_ID_ id)");
  }
  Result<crypto::Certificate> certificate = crypto::ParseCertificatePem(pem);
  if (!certificate.ok()) return InvalidKey(serial, certificate.status().message());
  if (certificate->serial != crypto::CanonicalSerial(serial)) {
    return InvalidArgumentError("platform key " + std::string(serial) +
                                    ": the certificate's serial is " + certificate->serial,
                                "PLATFORM_KEY_SERIAL_MISMATCH");
  }
  key.expires_at = UnixSeconds(certificate->not_after);
  if (key.expires_at <= now) {
    return InvalidArgumentError("platform key " + std::string(serial) + ": the certificate expired",
                                "PLATFORM_KEY_EXPIRED");
  }
  return key;
}

Result<AppKind> ValidateAppKind(std::string_view kind) {
  std::optional<AppKind> parsed = ParseAppKind(kind);
  if (!parsed.has_value()) {
    return InvalidField("kind", "must be miniprogram, official_account or app");
  }
  return *parsed;
}

Status ValidateAppSecret(std::string_view secret) {
  bool ok = !secret.empty() && secret.size() <= 128;
  for (char c : secret) ok = ok && c > 0x20 && c < 0x7F;
  if (!ok) return InvalidField("secret", "must be 1..128 printable ASCII characters");
  return Status::Ok();
}

}  // namespace mileage::org

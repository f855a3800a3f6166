#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "org/types.h"

namespace mileage::org {

// Input rules shared by the console routes and the operator CLI. Each returns InvalidArgument
// with a stable reason and a message naming `field`.

// A positive decimal id of at most int64: "42". INVALID_ID for anything else ("", "-1", "0",
// "4x", "+4", "99999999999999999999").
Result<int64_t> ParseId(std::string_view text, std::string_view field);
// An id given as a JSON integer: INVALID_ID unless positive.
Status ValidateId(int64_t id, std::string_view field);

// A display name: valid UTF-8 of 1..100 characters (code points), no control characters, not
// only spaces. INVALID_FIELD otherwise.
Status ValidateName(std::string_view name, std::string_view field);
// Text of min_chars..max_chars characters (code points) of valid UTF-8 without control
// characters; when min_chars > 0 it must not be only spaces. INVALID_FIELD otherwise.
Status ValidateText(std::string_view text, std::string_view field, size_t min_chars,
                    size_t max_chars);

// A store's details (INVALID_FIELD naming the field): `address` 0..255 and `hours` 0..128
// characters of text as ValidateText; `phone` empty or 1..32 characters of digits, spaces, '-',
// '(' and ')' with an optional leading '+', holding 5..20 digits ("010-6552 9988",
// "+86 138 0013 8000", "400-800-1234"); the position as ValidateGeoPoint.
Status ValidateStoreDetails(const StoreDetails& details);
Status ValidateStorePhone(std::string_view phone, std::string_view field);
// Latitude -90..90 and longitude -180..180 degrees (in microdegrees). INVALID_FIELD naming
// `latitude_field` or `longitude_field`.
Status ValidateGeoPoint(const GeoPoint& point, std::string_view latitude_field = "latitude",
                        std::string_view longitude_field = "longitude");
// A position from degrees (GCJ-02), rounded to microdegrees: INVALID_FIELD naming the field of
// a value that is not finite or out of range. `latitude` and `longitude` must be given together:
// nullopt when neither is; MISSING_FIELD naming the absent one when only one is.
Result<std::optional<GeoPoint>> PositionFromDegrees(std::optional<double> latitude,
                                                    std::optional<double> longitude,
                                                    std::string_view latitude_field,
                                                    std::string_view longitude_field);

// The canonical (lowercase) form of a username: 3..64 of [a-z0-9._@-] after lowercasing ASCII.
// INVALID_FIELD otherwise.
Result<std::string> NormalizeUsername(std::string_view username);

// WEAK_PASSWORD when shorter than 8 bytes; INVALID_FIELD when longer than 1024.
Status ValidatePassword(std::string_view password);

// WeChat Pay identifiers and keys (INVALID_FIELD): mchid 1..32 digits; appid 1..32 of
// [A-Za-z0-9_]; the API v3 key exactly 32 printable ASCII characters; a platform key serial
// 1..64 of [A-Za-z0-9_-] with PEM text holding a "-----BEGIN " line, at most 16 KiB.
Status ValidateMchid(std::string_view mchid);
Status ValidateAppid(std::string_view appid);
Status ValidateApiV3Key(std::string_view key);
Status ValidatePlatformKeySerial(std::string_view serial);
Status ValidatePlatformKey(std::string_view serial, std::string_view pem);
// The certificate serial of a merchant's API key: 1..64 hex digits (INVALID_FIELD).
Status ValidateMerchantKeySerial(std::string_view serial);

// A platform key as registration accepts it: ValidatePlatformKey, then the PEM parsed with
// crypto/. A "PUB_KEY_ID_<digits>" serial needs a PUBLIC KEY; any other serial names a
// certificate whose own serial it must be (compared as crypto::CanonicalSerial). Returns the
// key with expires_at set (a certificate's notAfter; 0 for a public key). InvalidArgument:
// INVALID_PLATFORM_KEY (unparsable, not RSA, shorter than 2048 bits, the wrong kind for the
// serial, a malformed PUB_KEY_ID_), PLATFORM_KEY_SERIAL_MISMATCH (the certificate's serial is
// another), PLATFORM_KEY_EXPIRED (the certificate's notAfter is not after `now`, Unix seconds).
Result<PlatformKey> ParsePlatformKey(std::string_view serial, std::string_view pem, int64_t now);

// A brand app: kind "miniprogram", "official_account" or "app" (INVALID_FIELD otherwise); an
// app secret (optional; empty = none) of 1..128 printable ASCII characters without spaces.
Result<AppKind> ValidateAppKind(std::string_view kind);
Status ValidateAppSecret(std::string_view secret);

}  // namespace mileage::org

#include "server/partner/partner_authenticator.h"

#include <optional>
#include <string>
#include <string_view>

#include "common/log.h"
#include "org/partner_signature.h"

namespace mileage::server {
namespace {

constexpr const char* kKeyHeader = "Mileage-Partner-Key";
constexpr const char* kTimestampHeader = "Mileage-Timestamp";
constexpr const char* kNonceHeader = "Mileage-Nonce";
constexpr const char* kSignatureHeader = "Mileage-Signature";

// A nonce is kept while a request carrying it could still pass the timestamp check: at most
// 2 x kWindow after it was first seen, plus a margin for clocks of several instances.
constexpr std::chrono::seconds kNonceTtl =
    2 * PartnerAuthenticator::kWindow + std::chrono::seconds(60);

// The four headers of a signed request, as sent.
struct SignatureHeaders {
  std::string key;
  std::string timestamp;
  std::string nonce;
  std::string signature;
  int64_t unix_seconds = 0;
};

Status Malformed(std::string_view header, std::string_view rule) {
  return UnauthenticatedError(std::string(header) + " must be " + std::string(rule),
                              "MALFORMED_SIGNATURE_HEADER");
}

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool AllOf(std::string_view text, bool (*ok)(char)) {
  for (char c : text) {
    if (!ok(c)) return false;
  }
  return true;
}

bool IsNonceChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The one value of a header that must appear exactly once.
Result<std::string> OneHeader(const httplib::Request& req, const char* name) {
  const size_t count = req.get_header_value_count(name);
  if (count == 0) {
    return UnauthenticatedError(std::string("the ") + name + " header is missing",
                                "MISSING_SIGNATURE_HEADER");
  }
  if (count > 1) return Malformed(name, "sent once");
  return req.get_header_value(name);
}

Result<SignatureHeaders> ReadHeaders(const httplib::Request& req) {
  SignatureHeaders h;
  MILEAGE_ASSIGN_OR_RETURN(h.key, OneHeader(req, kKeyHeader));
  MILEAGE_ASSIGN_OR_RETURN(h.timestamp, OneHeader(req, kTimestampHeader));
  MILEAGE_ASSIGN_OR_RETURN(h.nonce, OneHeader(req, kNonceHeader));
  MILEAGE_ASSIGN_OR_RETURN(h.signature, OneHeader(req, kSignatureHeader));
  if (h.key.size() != 19 || h.key.compare(0, 3, "pk_") != 0 ||
      !AllOf(std::string_view(h.key).substr(3), IsLowerHex)) {
    return Malformed(kKeyHeader, "pk_ and 16 lowercase hex digits");
  }
  if (h.timestamp.empty() || h.timestamp.size() > 12 || !AllOf(h.timestamp, IsDigit)) {
    return Malformed(kTimestampHeader, "Unix seconds (1 to 12 decimal digits)");
  }
  h.unix_seconds = std::stoll(h.timestamp);
  if (h.nonce.size() < 16 || h.nonce.size() > 64 || !AllOf(h.nonce, IsNonceChar)) {
    return Malformed(kNonceHeader, "16 to 64 characters of [A-Za-z0-9_-]");
  }
  if (h.signature.size() != 64 || !AllOf(h.signature, IsLowerHex)) {
    return Malformed(kSignatureHeader, "64 lowercase hex digits");
  }
  return h;
}

}  // namespace

Result<org::Partner> PartnerAuthenticator::Authenticate(const httplib::Request& req) const {
  MILEAGE_ASSIGN_OR_RETURN(SignatureHeaders h, ReadHeaders(req));
  const int64_t now = UnixSeconds(clock_.Now());
  const int64_t skew = now - h.unix_seconds;
  if (skew > kWindow.count() || -skew > kWindow.count()) {
    return UnauthenticatedError("Mileage-Timestamp is more than " +
                                    std::to_string(kWindow.count()) +
                                    " s from the server's time (now " + std::to_string(now) + ")",
                                "TIMESTAMP_SKEW");
  }
  Result<org::PartnerCredentials> credentials = partners_.Credentials(h.key);
  if (!credentials.ok()) {
    const Status& failed = credentials.status();
    if (failed.code() == StatusCode::kNotFound) {
      return UnauthenticatedError("no partner has this Mileage-Partner-Key", "UNKNOWN_KEY");
    }
    if (failed.code() != StatusCode::kFailedPrecondition) return failed;
    // A secret sealed under a data key this deployment lacks: the operator's to fix, not the
    // partner's.
    MILEAGE_LOG(kError) << "partner " << h.key << ": a secret does not open: " << failed.ToString();
    return InternalError("the partner's secret cannot be opened");
  }
  const std::string canonical =
      org::PartnerCanonicalString(req.method, req.target, h.timestamp, h.nonce, req.body);
  if (!org::MatchingPartnerSecret(*credentials, canonical, h.signature).has_value()) {
    return UnauthenticatedError(
        "Mileage-Signature is not the signature of this request under an active secret of the "
        "key",
        "SIGNATURE_INVALID");
  }
  if (!credentials->partner.active) {
    return UnauthenticatedError("the partner is deactivated", "PARTNER_INACTIVE");
  }
  MILEAGE_ASSIGN_OR_RETURN(
      bool fresh,
      kv_.SetIfAbsent("partner:nonce:" + std::to_string(credentials->partner.id) + ":" + h.nonce,
                      "1", kNonceTtl));
  if (!fresh) {
    return UnauthenticatedError("this Mileage-Nonce was used already; send a new one",
                                "NONCE_REUSED");
  }
  return std::move(credentials->partner);
}

}  // namespace mileage::server

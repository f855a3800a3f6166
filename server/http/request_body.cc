#include "server/http/request_body.h"

#include <strings.h>

#include <charconv>
#include <cstdint>

#include "server/http/guarded_server.h"

namespace mileage::server {
namespace {

BodyRefusal TooLarge(size_t max_bytes) {
  return {413, "PAYLOAD_TOO_LARGE",
          "the request body exceeds " + std::to_string(max_bytes) + " bytes (after decoding)"};
}

BodyRefusal Malformed(std::string message) { return {400, "MALFORMED_BODY", std::move(message)}; }

bool EqualsIgnoringCase(const std::string& a, const char* b) {
  return strcasecmp(a.c_str(), b) == 0;
}

// The one Content-Length of the request (every repetition must agree), nullopt when absent.
// False when it is not a decimal number.
bool ContentLength(const httplib::Request& req, std::optional<uint64_t>* length) {
  auto [begin, end] = req.headers.equal_range("Content-Length");
  for (auto it = begin; it != end; ++it) {
    const std::string& text = it->second;
    uint64_t value = 0;
    auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || stop != text.data() + text.size()) return false;
    if (*length && **length != value) return false;
    *length = value;
  }
  return true;
}

// The refusals that the headers alone decide.
std::optional<BodyRefusal> CheckHeaders(const httplib::Request& req, size_t max_bytes,
                                        const std::optional<uint64_t>& length) {
  if (req.has_header("Transfer-Encoding")) {
    if (req.get_header_value_count("Transfer-Encoding") != 1 ||
        !EqualsIgnoringCase(req.get_header_value("Transfer-Encoding"), "chunked")) {
      return BodyRefusal{501, "UNSUPPORTED_TRANSFER_ENCODING",
                         "the only transfer coding accepted is one \"chunked\""};
    }
    if (length) return Malformed("Content-Length and Transfer-Encoding must not come together");
  }
  if (length && *length > max_bytes) return TooLarge(max_bytes);
  const std::string type = req.get_header_value("Content-Type");
  if (strncasecmp(type.c_str(), "multipart/form-data", 19) == 0) {
    return BodyRefusal{415, "UNSUPPORTED_MEDIA_TYPE", "send the body as JSON"};
  }
  if (req.get_header_value_count("Content-Encoding") > 1) {
    return BodyRefusal{415, "UNSUPPORTED_CONTENT_ENCODING", "send one Content-Encoding at most"};
  }
  const std::string encoding = req.get_header_value("Content-Encoding");
  // Exactly the names httplib decodes (it compares case-sensitively), and "identity".
  if (!encoding.empty() && encoding != "identity" && encoding != "gzip" && encoding != "deflate" &&
      encoding != "br") {
    return BodyRefusal{415, "UNSUPPORTED_CONTENT_ENCODING",
                       "Content-Encoding must be gzip, deflate, br or identity"};
  }
  return std::nullopt;
}

}  // namespace

bool AnnouncesBody(const httplib::Request& req) {
  if (req.has_header("Transfer-Encoding")) return true;
  std::optional<uint64_t> length;
  return !ContentLength(req, &length) || (length && *length > 0);
}

std::optional<BodyRefusal> ReadRequestBody(const httplib::Request& req,
                                           const httplib::ContentReader& reader, size_t max_bytes,
                                           std::string* body) {
  body->clear();
  std::optional<uint64_t> length;
  if (!ContentLength(req, &length)) return Malformed("Content-Length must be a decimal number");
  if (std::optional<BodyRefusal> refusal = CheckHeaders(req, max_bytes, length)) return refusal;
  if (!req.has_header("Transfer-Encoding") && length.value_or(0) == 0) return std::nullopt;

  ServedConnection* connection = ServedConnection::Current();
  if (connection != nullptr) connection->AllowBody();
  bool too_large = false;
  const bool read = reader([&](const char* data, size_t size) {
    if (size > max_bytes - body->size()) {
      too_large = true;
      return false;
    }
    body->append(data, size);
    return true;
  });
  if (too_large) return TooLarge(max_bytes);
  if (read) return std::nullopt;
  switch (connection ? connection->read_failure() : RequestStream::ReadFailure::kNone) {
    case RequestStream::ReadFailure::kTooLarge:
      return TooLarge(max_bytes);
    case RequestStream::ReadFailure::kDeadline:
      return BodyRefusal{408, "REQUEST_TIMEOUT", "the body did not arrive in time"};
    default:
      return Malformed("the body ended early, or its chunked framing or compression is malformed");
  }
}

}  // namespace mileage::server

#pragma once

#include <httplib.h>

#include <cstddef>
#include <optional>
#include <string>

namespace mileage::server {

// Why a request body was refused: the HTTP status and the error body's code and message.
struct BodyRefusal {
  int http_status = 400;
  std::string code;
  std::string message;
};

// True when the request's headers announce a body (a Content-Length other than 0, or any
// Transfer-Encoding).
bool AnnouncesBody(const httplib::Request& req);

// Reads the body of `req` through httplib's content reader (which undoes chunked transfer and
// gzip, deflate or br content encoding) into `*body`, stopping as soon as the decoded body would
// exceed `max_bytes`. A request without Content-Length or Transfer-Encoding has no body (RFC
// 9112 section 6.3). Returns nullopt when the body was read; else the refusal, and the body is
// left (partly) unread, so the connection must not serve another request:
//   413 PAYLOAD_TOO_LARGE             Content-Length, the decoded body or the bytes on the wire
//                                     over the limit
//   400 MALFORMED_BODY                Content-Length not a number (or repeated differently),
//                                     Content-Length with Transfer-Encoding, broken chunked
//                                     framing or compression, a body that ends early
//   408 REQUEST_TIMEOUT               the body did not arrive by the request deadline
//   415 UNSUPPORTED_CONTENT_ENCODING  a Content-Encoding other than gzip, deflate, br, identity
//   415 UNSUPPORTED_MEDIA_TYPE        multipart/form-data (no route takes it)
//   501 UNSUPPORTED_TRANSFER_ENCODING a Transfer-Encoding other than one "chunked"
std::optional<BodyRefusal> ReadRequestBody(const httplib::Request& req,
                                           const httplib::ContentReader& reader, size_t max_bytes,
                                           std::string* body);

}  // namespace mileage::server

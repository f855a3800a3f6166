#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "server/http/http_server.h"

namespace mileage::server {

// The security headers of every /console/ response: the console's own policy (its scripts and
// styles from its origin only; Element Plus sets inline style attributes, hence
// 'unsafe-inline' for styles and never for scripts).
inline constexpr const char* kConsoleContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'";

// Where a /console/ request path leads inside the console directory (pure, no file system
// access): a relative path of normal segments, or nullopt when the path tries to leave the
// directory or names something hidden (an empty, "." or ".." segment, a segment starting with
// a dot, a backslash or NUL). `rest` is what follows "/console/", already percent-decoded.
std::optional<std::filesystem::path> ConsoleRelativePath(std::string_view rest);

// Whether an Accept-Encoding header value allows gzip (a "gzip" or "*" token whose q is not 0).
bool AcceptsGzip(std::string_view accept_encoding);

// GET /console and /console/{rest*}: the built web console from `dir` (config console_dir).
// Files under assets/ (hashed names) are cached for a year as immutable; index.html, answered
// for "/console/" and for any unknown path without a file extension (the single-page app's
// routes), is revalidated on every load; a precompressed "<file>.gz" beside a file is sent to
// clients that accept gzip. A path leaving the directory, also through a symlink, is 404.
// Files are read per request, so a new build is served without a restart. `dir` must outlive
// the server; routes hold no other state and are safe for concurrent use.
void RegisterConsoleStaticRoutes(HttpServer& http, const std::filesystem::path& dir);

}  // namespace mileage::server

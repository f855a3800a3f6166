#include "server/routes/console_static_routes.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

#include "common/log.h"
#include "server/http/error_mapping.h"

namespace mileage::server {
namespace {

namespace fs = std::filesystem;

constexpr const char* kImmutable = "public, max-age=31536000, immutable";
constexpr const char* kRevalidate = "no-cache";

struct ContentTypeOf {
  std::string_view extension;
  std::string_view type;
};
constexpr ContentTypeOf kContentTypes[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".ttf", "font/ttf"},
    {".txt", "text/plain; charset=utf-8"},
};

std::string_view ContentType(const fs::path& file) {
  const std::string extension = file.extension().string();
  for (const ContentTypeOf& entry : kContentTypes) {
    if (entry.extension == extension) return entry.type;
  }
  return "application/octet-stream";
}

// The console's headers replace the API's defaults (GuardedHttplibServer's), which forbid
// everything a page needs.
void SetConsoleHeaders(httplib::Response& res) {
  res.headers.erase("Content-Security-Policy");
  res.headers.erase("Referrer-Policy");
  res.headers.erase("X-Content-Type-Options");
  res.set_header("Content-Security-Policy", kConsoleContentSecurityPolicy);
  res.set_header("Referrer-Policy", "same-origin");
  res.set_header("X-Content-Type-Options", "nosniff");
}

void NotFound(const httplib::Request& req, httplib::Response& res) {
  res.status = 404;
  res.set_header("Cache-Control", kRevalidate);
  res.set_content(ErrorBody("NOT_FOUND", "no console file at " + req.path), "application/json");
}

// `candidate` when it is a regular file whose real path (symlinks resolved) lies inside
// `root` (itself canonical).
std::optional<fs::path> FileInside(const fs::path& root, const fs::path& candidate) {
  std::error_code error;
  fs::path real = fs::canonical(candidate, error);
  if (error || !fs::is_regular_file(real, error) || error) return std::nullopt;
  auto [root_end, ignored] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
  if (root_end != root.end()) return std::nullopt;
  return real;
}

std::optional<std::string> ReadFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(contents).str();
}

// A sized content provider rather than a body: httplib compresses bodies itself, which would
// compress a .gz a second time; it leaves sized providers alone (and answers HEAD and ranges).
// An empty file is a plain empty body: httplib sends a provider of 0 bytes with neither a length
// nor chunks, and a kept-alive client would wait for the end forever.
void SendBytes(httplib::Response& res, std::string bytes, std::string_view content_type) {
  if (bytes.empty()) return res.set_content(std::string(), std::string(content_type));
  auto shared = std::make_shared<const std::string>(std::move(bytes));
  res.set_content_provider(shared->size(), std::string(content_type),
                           [shared](size_t offset, size_t length, httplib::DataSink& sink) {
                             return sink.write(shared->data() + offset, length);
                           });
}

class ConsoleFiles {
 public:
  explicit ConsoleFiles(fs::path root) : root_(std::move(root)) {}

  void Serve(const httplib::Request& req, httplib::Response& res, std::string_view rest) const {
    SetConsoleHeaders(res);
    std::optional<fs::path> relative = ConsoleRelativePath(rest);
    if (!relative.has_value()) return NotFound(req, res);
    std::optional<fs::path> file;
    if (!relative->empty()) file = FileInside(root_, root_ / *relative);
    const bool hashed = file.has_value() && relative->begin()->string() == "assets";
    if (!file.has_value()) {
      // An unknown path with an extension is a missing file; without one it is a page of the
      // single-page app, which index.html routes.
      if (!relative->empty() && relative->has_extension()) return NotFound(req, res);
      file = FileInside(root_, root_ / "index.html");
      if (!file.has_value()) return NotFound(req, res);
    }
    Send(req, res, *file, hashed);
  }

 private:
  void Send(const httplib::Request& req, httplib::Response& res, const fs::path& file,
            bool hashed) const {
    res.set_header("Cache-Control", hashed ? kImmutable : kRevalidate);
    std::optional<fs::path> gzipped = FileInside(root_, fs::path(file.string() + ".gz"));
    if (gzipped.has_value()) res.set_header("Vary", "Accept-Encoding");
    const bool send_gzip =
        gzipped.has_value() && AcceptsGzip(req.get_header_value("Accept-Encoding"));
    std::optional<std::string> bytes = ReadFile(send_gzip ? *gzipped : file);
    if (!bytes.has_value()) {
      MILEAGE_LOG(kError) << "console: cannot read " << file.string();
      res.status = 500;
      res.set_content(ErrorBody("INTERNAL", "internal error; see the server log"),
                      "application/json");
      return;
    }
    if (send_gzip) res.set_header("Content-Encoding", "gzip");
    SendBytes(res, std::move(*bytes), ContentType(file));
  }

  const fs::path root_;
};

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Whether a q parameter ("q=0", "q=0.000") refuses the coding.
bool IsZeroQuality(std::string_view params) {
  size_t q = params.find("q=");
  if (q == std::string_view::npos) return false;
  std::string_view value = Trim(params.substr(q + 2));
  value = value.substr(0, value.find(';'));
  return !value.empty() && value.find_first_not_of("0.") == std::string_view::npos;
}

}  // namespace

std::optional<fs::path> ConsoleRelativePath(std::string_view rest) {
  fs::path relative;
  size_t start = 0;
  while (start < rest.size()) {
    size_t end = rest.find('/', start);
    if (end == std::string_view::npos) end = rest.size();
    std::string_view segment = rest.substr(start, end - start);
    // An empty segment ("//", a leading "/" of an absolute path), ".", ".." and hidden names
    // never name a console file; backslashes and NUL never appear in a built console.
    if (segment.empty() || segment.front() == '.' ||
        segment.find_first_of(std::string_view("\\\0", 2)) != std::string_view::npos) {
      return std::nullopt;
    }
    relative /= fs::path(std::string(segment));
    start = end + 1;
  }
  return relative;
}

bool AcceptsGzip(std::string_view accept_encoding) {
  size_t start = 0;
  while (start <= accept_encoding.size()) {
    size_t end = accept_encoding.find(',', start);
    if (end == std::string_view::npos) end = accept_encoding.size();
    std::string_view item = accept_encoding.substr(start, end - start);
    size_t semicolon = item.find(';');
    std::string_view coding = Trim(item.substr(0, semicolon));
    std::string_view params = semicolon == std::string_view::npos ? "" : item.substr(semicolon);
    if ((coding == "gzip" || coding == "x-gzip" || coding == "*") && !IsZeroQuality(params)) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

void RegisterConsoleStaticRoutes(HttpServer& http, const fs::path& dir) {
  std::error_code error;
  fs::path root = fs::canonical(dir, error);
  if (error) {
    // The config loader checked the directory; it vanished since. Serve nothing from it.
    MILEAGE_LOG(kError) << "console_dir " << dir.string() << " cannot be opened; no console";
    return;
  }
  auto files = std::make_shared<const ConsoleFiles>(root);
  http.Route("GET", "/console", [](const httplib::Request&, httplib::Response& res) {
    SetConsoleHeaders(res);
    res.set_redirect("/console/", 301);
  });
  http.Route("GET", "/console/{rest*}",
             [files](const httplib::Request& req, httplib::Response& res) {
               files->Serve(req, res, req.matches[1].str());
             });
}

}  // namespace mileage::server

// The built web console at /console/ (config console_dir), served by a real in-process server
// from a temporary directory of files.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "server/routes/console_static_routes.h"
#include "tests/integration/raw_connection.h"
#include "tests/support/test_server.h"

namespace mileage {
namespace {

namespace fs = std::filesystem;
using testing::EmbeddedConfig;
using testing::RawConnection;
using testing::TempDir;
using testing::TestServer;

constexpr const char* kIndex = "<!doctype html><title>console</title><div id=app></div>";
constexpr const char* kScript = "console.log('counter')";
// What the server sends for the .gz is the file's bytes, whatever they are.
constexpr const char* kScriptGz = "\x1f\x8b pretend-gzip-bytes";

void Write(const fs::path& file, const std::string& contents) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << contents;
}

class ConsoleStaticTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dist_ = work_.path() / "dist";
    Write(dist_ / "index.html", kIndex);
    Write(dist_ / "index.html.gz", "gzipped index");
    Write(dist_ / "assets" / "index-1a2b3c.js", kScript);
    Write(dist_ / "assets" / "index-1a2b3c.js.gz", kScriptGz);
    Write(dist_ / "assets" / "index-9f8e.css", "body{margin:0}");
    Write(dist_ / "assets" / "el-tooltip-0e0e.css", "");  // vite writes empty chunks
    Write(dist_ / "favicon.svg", "<svg/>");
    Write(dist_ / ".env", "SECRET=1");
    Write(work_.path() / "secret.txt", "outside the console");
    Config config = EmbeddedConfig(work_);
    config.console_dir = dist_.string();
    server_ = TestServer::Start(config);
    ASSERT_NE(server_, nullptr);
    client_ = server_->Client();
    client_->set_decompress(false);  // the test reads the bytes as sent
  }

  httplib::Result Get(const std::string& path, const std::string& accept_encoding = "") {
    httplib::Headers headers;
    if (!accept_encoding.empty()) headers.emplace("Accept-Encoding", accept_encoding);
    return client_->Get(path.c_str(), headers);
  }

  // The status line and headers of a request sent byte for byte (no client normalises it).
  std::string RawGet(const std::string& target) {
    RawConnection connection(server_->port());
    EXPECT_TRUE(
        connection.Send("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    return connection.ReadUntilClosed(std::chrono::seconds(10));
  }

  static void ExpectConsoleHeaders(const httplib::Result& res) {
    EXPECT_EQ(res->get_header_value("Content-Security-Policy"),
              "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
              "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; "
              "base-uri 'self'; form-action 'self'");
    EXPECT_EQ(res->get_header_value_count("Content-Security-Policy"), 1u);
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(res->get_header_value_count("X-Content-Type-Options"), 1u);
    EXPECT_EQ(res->get_header_value("Referrer-Policy"), "same-origin");
    EXPECT_EQ(res->get_header_value_count("Referrer-Policy"), 1u);
  }

  TempDir work_;
  fs::path dist_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ConsoleStaticTest, HashedAssetsAreImmutableWithTheirContentType) {
  auto res = Get("/console/assets/index-1a2b3c.js");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, kScript);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(res->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(res->get_header_value("Vary"), "Accept-Encoding");
  EXPECT_FALSE(res->has_header("Content-Encoding"));
  ExpectConsoleHeaders(res);

  auto css = Get("/console/assets/index-9f8e.css", "gzip");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->body, "body{margin:0}");
  EXPECT_EQ(css->get_header_value("Content-Type"), "text/css; charset=utf-8");
  // No .gz beside it: sent as it is, and nothing varies.
  EXPECT_FALSE(css->has_header("Vary"));

  auto svg = Get("/console/favicon.svg");
  ASSERT_TRUE(svg);
  EXPECT_EQ(svg->get_header_value("Content-Type"), "image/svg+xml");
  EXPECT_EQ(svg->get_header_value("Cache-Control"), "no-cache");  // not a hashed name
}

TEST_F(ConsoleStaticTest, AnEmptyFileEndsOnAKeptAliveConnection) {
  // A browser keeps its connection: an answer without a length would leave it waiting for a
  // close that never comes (the page's stylesheet never finishes loading).
  client_->set_keep_alive(true);
  client_->set_read_timeout(std::chrono::seconds(3));
  for (const char* accepts : {"", "gzip, deflate, br"}) {
    auto res = Get("/console/assets/el-tooltip-0e0e.css", accepts);
    ASSERT_TRUE(res) << accepts << ": " << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, "");
    EXPECT_EQ(res->get_header_value("Content-Length"), "0");
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/css; charset=utf-8");
  }
  // The same connection goes on serving.
  auto next = Get("/console/assets/index-9f8e.css");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "body{margin:0}");
}

TEST_F(ConsoleStaticTest, PrecompressedFileWhenTheClientAcceptsGzip) {
  for (const char* accepts : {"gzip", "gzip, deflate, br", "br;q=1, gzip;q=0.5", "*"}) {
    auto res = Get("/console/assets/index-1a2b3c.js", accepts);
    ASSERT_TRUE(res) << accepts;
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, kScriptGz) << accepts;
    EXPECT_EQ(res->get_header_value("Content-Encoding"), "gzip");
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(res->get_header_value("Vary"), "Accept-Encoding");
    EXPECT_EQ(res->get_header_value("Content-Length"), std::to_string(std::strlen(kScriptGz)));
  }
  for (const char* refuses : {"identity", "br", "gzip;q=0"}) {
    auto res = Get("/console/assets/index-1a2b3c.js", refuses);
    ASSERT_TRUE(res) << refuses;
    EXPECT_EQ(res->body, kScript) << refuses;
    EXPECT_FALSE(res->has_header("Content-Encoding")) << refuses;
  }
}

TEST_F(ConsoleStaticTest, IndexForTheRootAndForEveryPageOfTheApp) {
  for (const char* path :
       {"/console/", "/console/counter", "/console/members/42", "/console/index.html"}) {
    auto res = Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->body, kIndex) << path;
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache") << path;
    ExpectConsoleHeaders(res);
  }
  auto gz = Get("/console/counter", "gzip");
  ASSERT_TRUE(gz);
  EXPECT_EQ(gz->body, "gzipped index");
  EXPECT_EQ(gz->get_header_value("Content-Encoding"), "gzip");

  auto bare = Get("/console");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->status, 301);
  EXPECT_EQ(bare->get_header_value("Location"), "/console/");
}

TEST_F(ConsoleStaticTest, MissingFilesWithAnExtensionAre404WithTheHeaders) {
  for (const char* path : {"/console/assets/gone-123.js", "/console/missing.png"}) {
    auto res = Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_NE(res->body.find("\"code\":\"NOT_FOUND\""), std::string::npos);
    ExpectConsoleHeaders(res);
  }
  auto post = client_->Post("/console/", "", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
}

TEST_F(ConsoleStaticTest, NothingOutsideTheDirectoryNorHidden) {
  for (const char* target :
       {"/console/../secret.txt", "/console/assets/../../secret.txt", "/console/%2e%2e/secret.txt",
        "/console/%2E%2E%2Fsecret.txt", "/console/assets%2f..%2f..%2fsecret.txt",
        "/console//etc/passwd", "/console/%2fetc%2fpasswd", "/console/.env",
        "/console/..%5csecret.txt", "/console/index.html%00.js"}) {
    std::string answer = RawGet(target);
    EXPECT_EQ(answer.rfind("HTTP/1.1 404", 0), 0u) << target << "\n" << answer;
    EXPECT_EQ(answer.find("outside the console"), std::string::npos) << target;
    EXPECT_EQ(answer.find("SECRET"), std::string::npos) << target;
    EXPECT_EQ(answer.find("root:"), std::string::npos) << target;
  }
}

TEST_F(ConsoleStaticTest, SymlinksLeadingOutAreNotFollowed) {
  fs::create_symlink(work_.path() / "secret.txt", dist_ / "assets" / "leak-1.js");
  fs::create_directory_symlink(work_.path(), dist_ / "up");
  // A link that stays inside is served like its target.
  fs::create_symlink(dist_ / "favicon.svg", dist_ / "icon.svg");
  for (const char* path : {"/console/assets/leak-1.js", "/console/up/secret.txt"}) {
    auto res = Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(res->body.find("outside the console"), std::string::npos);
  }
  auto inside = Get("/console/icon.svg");
  ASSERT_TRUE(inside);
  EXPECT_EQ(inside->status, 200);
  EXPECT_EQ(inside->body, "<svg/>");
}

TEST_F(ConsoleStaticTest, TheApiKeepsItsOwnHeaders) {
  auto res = Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Content-Security-Policy"),
            "default-src 'none'; frame-ancestors 'none'");
  EXPECT_EQ(res->get_header_value("Referrer-Policy"), "no-referrer");
}

TEST(ConsoleStaticOffTest, WithoutConsoleDirNothingIsServed) {
  TempDir dir;
  auto server = TestServer::Start(EmbeddedConfig(dir));
  ASSERT_NE(server, nullptr);
  for (const char* path : {"/console/", "/console/assets/index-1a2b3c.js", "/console"}) {
    auto res = server->Client()->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_NE(res->body.find("\"code\":\"NOT_FOUND\""), std::string::npos);
  }
}

}  // namespace
}  // namespace mileage

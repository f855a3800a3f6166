// The HTTP server's limits against a real in-process server (DESIGN.md section 7, issue 9):
// nested JSON, bodies that grow after decoding or never end, requests that trickle in, many
// connections from one client, and what a refused request does to its connection.
#include <brotli/encode.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/raw_connection.h"
#include "tests/support/test_server.h"

namespace mileage {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::EmbeddedConfig;
using testing::RawConnection;
using testing::TempDir;
using testing::TestServer;
using Clock = std::chrono::steady_clock;

std::string CodeOf(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  if (!doc.IsObject() || !doc.HasMember("code") || !doc["code"].IsString()) return "";
  return doc["code"].GetString();
}

std::string Gzip(const std::string& data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Brotli(const std::string& data) {
  size_t size = BrotliEncoderMaxCompressedSize(data.size());
  std::string out(size, '\0');
  EXPECT_TRUE(BrotliEncoderCompress(5, 22, BROTLI_MODE_GENERIC, data.size(),
                                    reinterpret_cast<const uint8_t*>(data.data()), &size,
                                    reinterpret_cast<uint8_t*>(out.data())));
  out.resize(size);
  return out;
}

// The headers and body of the first HTTP response in `raw` ("" when there is none).
int StatusOf(const std::string& raw) {
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || raw.size() < 12) return 0;
  return std::stoi(raw.substr(9, 3));
}

size_t CountResponses(const std::string& raw) {
  size_t count = 0;
  for (size_t at = raw.find("HTTP/1.1 "); at != std::string::npos;
       at = raw.find("HTTP/1.1 ", at + 1))
    ++count;
  return count;
}

// The value of an unlabelled metric, or -1 when it is missing.
double MetricValue(const TestServer& server, const std::string& name) {
  auto res = server.Client()->Get("/metrics");
  if (!res) return -1;
  size_t at = res->body.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(res->body.substr(at + name.size() + 2));
}

bool Healthy(const TestServer& server) {
  auto res = server.Client()->Get("/healthz");
  return res && res->status == 200;
}

class HttpLimitsTest : public ::testing::Test {
 protected:
  void Start(Config config) {
    server_ = TestServer::Start(std::move(config));
    ASSERT_NE(server_, nullptr);
  }
  Config BaseConfig() {
    Config config = EmbeddedConfig(dir_);
    config.log_level = "error";
    return config;
  }
  TempDir dir_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(HttpLimitsTest, DeeplyNestedLoginBodyIs400AndTheServerLives) {
  ASSERT_NO_FATAL_FAILURE(Start(BaseConfig()));
  // 150 KB of '[': under max_body_bytes, and what took the server down with SIGSEGV.
  auto res =
      server_->Client()->Post("/api/console/login", std::string(150000, '['), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(CodeOf(res->body), "JSON_TOO_DEEP");
  auto closed = server_->Client()->Post(
      "/api/console/login", std::string(70000, '[') + std::string(70000, ']'), "application/json");
  ASSERT_TRUE(closed);
  EXPECT_EQ(CodeOf(closed->body), "JSON_TOO_DEEP");
  EXPECT_TRUE(Healthy(*server_));
  // A body that is merely wrong still gets the ordinary answer.
  auto ok_shape = server_->Client()->Post(
      "/api/console/login", R"({"username":"nobody","password":"x"})", "application/json");
  ASSERT_TRUE(ok_shape);
  EXPECT_EQ(CodeOf(ok_shape->body), "INVALID_CREDENTIALS");
}

TEST_F(HttpLimitsTest, CompressedBodiesAreDecodedAndBoundedAfterDecoding) {
  Config config = BaseConfig();
  config.max_body_bytes = 256 * 1024;
  ASSERT_NO_FATAL_FAILURE(Start(config));
  const std::string login = R"({"username":"nobody","password":"x"})";
  const std::string bomb(50 << 20, ' ');  // 50 MB of JSON whitespace
  struct Case {
    const char* encoding;
    std::string small;
    std::string bomb;
  };
  const Case cases[] = {{"gzip", Gzip(login), Gzip(bomb)}, {"br", Brotli(login), Brotli(bomb)}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.encoding);
    ASSERT_LT(c.bomb.size(), 100u * 1024);  // well under the limit as sent
    httplib::Headers headers = {{"Content-Encoding", c.encoding}};
    auto small =
        server_->Client()->Post("/api/console/login", headers, c.small, "application/json");
    ASSERT_TRUE(small);
    EXPECT_EQ(CodeOf(small->body), "INVALID_CREDENTIALS");  // decoded and read
    auto refused =
        server_->Client()->Post("/api/console/login", headers, c.bomb, "application/json");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 413);
    EXPECT_EQ(CodeOf(refused->body), "PAYLOAD_TOO_LARGE");
    EXPECT_EQ(refused->get_header_value("Connection"), "close");
    EXPECT_TRUE(Healthy(*server_));
  }
  auto unknown = server_->Client()->Post("/api/console/login", {{"Content-Encoding", "zstd"}},
                                         login, "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 415);
  EXPECT_EQ(CodeOf(unknown->body), "UNSUPPORTED_CONTENT_ENCODING");
}

TEST_F(HttpLimitsTest, AnEndlessChunkedBodyIsCutOffLongBeforeItEnds) {
  Config config = BaseConfig();
  config.max_body_bytes = 256 * 1024;
  ASSERT_NO_FATAL_FAILURE(Start(config));
  RawConnection sender(server_->port(), "127.0.0.1", 64 * 1024);
  ASSERT_TRUE(sender.connected());
  ASSERT_TRUE(
      sender.Send("POST /api/console/login HTTP/1.1\r\nHost: test\r\n"
                  "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk = "10000\r\n" + std::string(0x10000, ' ') + "\r\n";
  constexpr size_t kFifty = 50u << 20;
  size_t sent = 0;
  while (sent < kFifty && sender.Send(chunk)) sent += chunk.size();
  // The server answered and closed after its limit (plus what its lingering close and the
  // socket buffers took), not after 50 MB.
  EXPECT_LT(sent, 25u << 20);
  std::string answer = sender.ReadUntilClosed(seconds(5));
  if (!answer.empty()) {
    EXPECT_EQ(StatusOf(answer), 413) << answer.substr(0, 200);
  }
  EXPECT_TRUE(Healthy(*server_));

  // A chunked body within the limit is read.
  RawConnection small(server_->port());
  const std::string body = R"({"username":"nobody","password":"x"})";
  std::ostringstream size;
  size << std::hex << body.size();
  ASSERT_TRUE(
      small.Send("POST /api/console/login HTTP/1.1\r\nHost: test\r\n"
                 "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
                 size.str() + "\r\n" + body + "\r\n0\r\n\r\n"));
  std::string read = small.ReadUntilClosed(seconds(10));
  EXPECT_EQ(StatusOf(read), 401) << read;
  EXPECT_NE(read.find("INVALID_CREDENTIALS"), std::string::npos);
}

TEST_F(HttpLimitsTest, ARefusedBodyIsNotReadAsTheNextRequest) {
  Config config = BaseConfig();
  config.max_body_bytes = 4096;
  ASSERT_NO_FATAL_FAILURE(Start(config));
  // Keep-alive works: two pipelined requests, two answers.
  RawConnection both(server_->port());
  ASSERT_TRUE(
      both.Send("GET /ping HTTP/1.1\r\nHost: t\r\n\r\n"
                "GET /ping HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(CountResponses(both.ReadUntilClosed(seconds(10))), 2u);

  // A body that would carry a second request inside it: the route is unknown (404), the
  // oversize one is refused (413); neither body is read, so the connection ends after one
  // answer instead of serving the smuggled GET.
  const std::string smuggled = "GET /ping HTTP/1.1\r\nHost: t\r\n\r\n";
  const std::string requests[] = {
      "POST /no/such/route HTTP/1.1\r\nHost: t\r\nContent-Length: " +
          std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled,
      "POST /api/console/login HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n" + smuggled,
      "GET /ping HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(smuggled.size()) +
          "\r\n\r\n" + smuggled,
      "POST /api/console/login HTTP/1.1\r\nHost: t\r\nContent-Length: 1x\r\n\r\n" + smuggled,
      "POST /api/console/login HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n" + smuggled,
  };
  const int expected[] = {404, 413, 200, 400, 501};
  for (size_t i = 0; i < std::size(requests); ++i) {
    RawConnection conn(server_->port());
    ASSERT_TRUE(conn.Send(requests[i]));
    std::string answer = conn.ReadUntilClosed(seconds(10));
    EXPECT_TRUE(conn.closed()) << requests[i];
    EXPECT_EQ(StatusOf(answer), expected[i]) << answer;
    EXPECT_EQ(CountResponses(answer), 1u) << answer;
  }
}

TEST_F(HttpLimitsTest, HeadersOver64KiBAre431) {
  ASSERT_NO_FATAL_FAILURE(Start(BaseConfig()));
  RawConnection conn(server_->port());
  std::string headers = "GET /ping HTTP/1.1\r\nHost: t\r\n";
  for (int i = 0; headers.size() < 70 * 1024; ++i) {
    headers += "X-Filler-" + std::to_string(i) + ": " + std::string(1000, 'f') + "\r\n";
  }
  ASSERT_TRUE(conn.Send(headers + "\r\n"));
  std::string answer = conn.ReadUntilClosed(seconds(10));
  EXPECT_EQ(StatusOf(answer), 431) << answer.substr(0, 200);
  EXPECT_NE(answer.find("HEADERS_TOO_LARGE"), std::string::npos);
  EXPECT_TRUE(conn.closed());
  // A request line alone past the budget (httplib would say nothing): 431 as well.
  RawConnection line(server_->port());
  ASSERT_TRUE(line.Send("GET /" + std::string(70 * 1024, 'a')));
  std::string long_line = line.ReadUntilClosed(seconds(10));
  EXPECT_EQ(StatusOf(long_line), 431) << long_line.substr(0, 200);
  EXPECT_TRUE(line.closed());
  // Just under the limit is fine (httplib limits each line to 8 KiB on its own).
  RawConnection fits(server_->port());
  std::string fitting = "GET /ping HTTP/1.1\r\nHost: t\r\nConnection: close\r\n";
  for (int i = 0; fitting.size() < 60 * 1024; ++i) {
    fitting += "X-Filler-" + std::to_string(i) + ": " + std::string(1000, 'f') + "\r\n";
  }
  ASSERT_TRUE(fits.Send(fitting + "\r\n"));
  EXPECT_EQ(StatusOf(fits.ReadUntilClosed(seconds(10))), 200);
}

TEST_F(HttpLimitsTest, UnimplementedMethodsAre501) {
  ASSERT_NO_FATAL_FAILURE(Start(BaseConfig()));
  RawConnection conn(server_->port());
  ASSERT_TRUE(
      conn.Send("PRI /ping HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                "10\r\n0123456789abcdef\r\n"));
  std::string answer = conn.ReadUntilClosed(seconds(10));
  EXPECT_EQ(StatusOf(answer), 501) << answer;
  EXPECT_NE(answer.find("NOT_IMPLEMENTED"), std::string::npos);
  EXPECT_TRUE(conn.closed());
}

// Sends one more byte of a never-ending request line to each connection once a second until
// stopped.
class Trickler {
 public:
  explicit Trickler(std::vector<std::unique_ptr<RawConnection>>& connections)
      : thread_([this, &connections] {
          const std::string line = "GET /ping?" + std::string(4000, 'a');
          for (size_t i = 0; !stop_; ++i) {
            for (auto& conn : connections) conn->Send(std::string_view(line).substr(i % 4000, 1));
            for (int t = 0; t < 10 && !stop_; ++t) std::this_thread::sleep_for(milliseconds(100));
          }
        }) {}
  ~Trickler() {
    stop_ = true;
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::vector<std::unique_ptr<RawConnection>> ConnectMany(
    int port, int count, const std::function<std::string(int)>& from) {
  std::vector<std::unique_ptr<RawConnection>> connections;
  for (int i = 0; i < count; ++i) {
    connections.push_back(std::make_unique<RawConnection>(port, from(i).c_str()));
    EXPECT_TRUE(connections.back()->connected()) << from(i);
  }
  return connections;
}

// /healthz from 127.0.0.1, timed: the answer must come within a second, `times` times.
void ExpectHealthzAnswersPromptly(const TestServer& server, int times) {
  for (int i = 0; i < times; ++i) {
    const auto start = Clock::now();
    auto client = server.Client();
    client->set_read_timeout(5, 0);
    auto res = client->Get("/healthz");
    const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    ASSERT_TRUE(res) << "no answer to /healthz (attempt " << i << ")";
    EXPECT_EQ(res->status, 200);
    EXPECT_LT(took.count(), 1000) << "attempt " << i;
    std::this_thread::sleep_for(milliseconds(500));
  }
}

Config SlowClientConfig(Config config) {
  config.http_threads = 4;
  config.max_connections = 256;
  config.max_connections_per_client = 8;
  config.request_deadline_ms = 3000;
  return config;
}

TEST_F(HttpLimitsTest, SeventySlowConnectionsFromOneAddressLeaveHealthzAnswering) {
  Config config = SlowClientConfig(BaseConfig());
  config.request_deadline_ms = 60000;  // the admitted 8 stay for the whole test
  ASSERT_NO_FATAL_FAILURE(Start(config));
  auto attackers = ConnectMany(server_->port(), 70, [](int) { return std::string("127.0.0.2"); });
  Trickler trickle(attackers);
  ExpectHealthzAnswersPromptly(*server_, 4);

  // Beyond its 8 connections the address was answered 429 and closed at once (the answer may
  // be lost to a reset when the client's next byte arrives after the close).
  int refused = 0;
  for (auto& conn : attackers) {
    std::string answer = conn->ReadUntilClosed(milliseconds(50));
    if (!conn->closed()) continue;
    ++refused;
    if (answer.empty()) continue;
    EXPECT_EQ(StatusOf(answer), 429) << answer.substr(0, 100);
    EXPECT_NE(answer.find("TOO_MANY_CONNECTIONS"), std::string::npos);
    EXPECT_NE(answer.find("X-Content-Type-Options: nosniff"), std::string::npos);
  }
  EXPECT_EQ(refused, 62);
  EXPECT_EQ(MetricValue(*server_, "mileage_http_connections_refused_total"), 62);
}

TEST_F(HttpLimitsTest, SeventySlowClientsOfDifferentAddressesGrowThePool) {
  // 4 workers kept, 70 slow clients under their per-address limit: the pool grows rather than
  // leaving /healthz in the queue, and every slow request ends at the deadline.
  ASSERT_NO_FATAL_FAILURE(Start(SlowClientConfig(BaseConfig())));
  const auto start = Clock::now();
  auto slow =
      ConnectMany(server_->port(), 70, [](int i) { return "127.0.0." + std::to_string(10 + i); });
  {
    Trickler trickle(slow);
    ExpectHealthzAnswersPromptly(*server_, 3);
    int cut = 0;
    for (auto& conn : slow) {
      std::string answer = conn->ReadUntilClosed(seconds(10));
      if (conn->closed()) ++cut;
      if (!answer.empty()) {
        EXPECT_EQ(StatusOf(answer), 408) << answer.substr(0, 100);
      }
    }
    EXPECT_EQ(cut, 70);
  }
  // Cut off at the 3 s deadline (measured from their first byte), give or take scheduling.
  EXPECT_LT(std::chrono::duration_cast<milliseconds>(Clock::now() - start).count(), 9000);
}

TEST_F(HttpLimitsTest, ASlowRequestIsCutOffAtTheDeadline) {
  ASSERT_NO_FATAL_FAILURE(Start(SlowClientConfig(BaseConfig())));
  RawConnection slow(server_->port(), "127.0.0.3");
  ASSERT_TRUE(slow.connected());
  const auto start = Clock::now();
  std::string answer;
  // One byte every 100 ms: never idle for the 10 s I/O timeout, never finished.
  for (int i = 0; i < 200 && slow.Send(i == 0 ? "G" : "a"); ++i) {
    answer += slow.ReadUntilClosed(milliseconds(100));
    if (slow.closed()) break;
  }
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
  EXPECT_TRUE(slow.closed());
  EXPECT_GE(took, 2500);
  EXPECT_LT(took, 6000);
  EXPECT_EQ(StatusOf(answer), 408) << answer;
  EXPECT_NE(answer.find("REQUEST_TIMEOUT"), std::string::npos);
  EXPECT_TRUE(Healthy(*server_));
}

}  // namespace
}  // namespace mileage

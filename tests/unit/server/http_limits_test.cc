// The pieces of the HTTP server's limits, without a server: body reading, the request stream,
// the per-client connection count and the worker pool.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "server/http/guarded_server.h"
#include "server/http/request_body.h"
#include "server/http/request_stream.h"
#include "server/http/worker_pool.h"

namespace mileage::server {
namespace {

// A content reader that hands the receiver `chunks` one after another, as httplib does after
// undoing the transfer and content codings; `ends_well` = false plays a broken body.
httplib::ContentReader ReaderOf(std::vector<std::string> chunks, bool ends_well = true,
                                int* calls = nullptr) {
  return httplib::ContentReader(
      [chunks = std::move(chunks), ends_well, calls](httplib::ContentReceiver receiver) {
        if (calls != nullptr) ++*calls;
        for (const std::string& chunk : chunks) {
          if (!receiver(chunk.data(), chunk.size())) return false;
        }
        return ends_well;
      },
      [](httplib::MultipartContentHeader, httplib::ContentReceiver) { return false; });
}

httplib::Request RequestWith(std::initializer_list<std::pair<std::string, std::string>> headers) {
  httplib::Request req;
  req.method = "POST";
  for (const auto& [name, value] : headers) req.headers.emplace(name, value);
  return req;
}

TEST(ReadRequestBodyTest, ReadsABodyUpToTheLimit) {
  std::string body;
  auto refusal = ReadRequestBody(RequestWith({{"Content-Length", "10"}}),
                                 ReaderOf({"01234", "56789"}), 10, &body);
  EXPECT_FALSE(refusal.has_value());
  EXPECT_EQ(body, "0123456789");
  // Chunked: no length known in advance.
  refusal = ReadRequestBody(RequestWith({{"Transfer-Encoding", "Chunked"}}),
                            ReaderOf({"abc", "def"}), 10, &body);
  EXPECT_FALSE(refusal.has_value());
  EXPECT_EQ(body, "abcdef");
}

TEST(ReadRequestBodyTest, WithoutLengthOrTransferEncodingThereIsNoBody) {
  int calls = 0;
  std::string body = "stale";
  for (auto req : {RequestWith({}), RequestWith({{"Content-Length", "0"}})}) {
    EXPECT_FALSE(ReadRequestBody(req, ReaderOf({"never read"}, true, &calls), 10, &body));
    EXPECT_EQ(body, "");
  }
  EXPECT_EQ(calls, 0);
}

TEST(ReadRequestBodyTest, ADecodedBodyOverTheLimitStopsTheRead) {
  std::string body;
  // What a gzip or chunked body looks like from here: more and more decoded bytes.
  std::vector<std::string> endless(1000, std::string(1000, ' '));
  auto refusal = ReadRequestBody(RequestWith({{"Transfer-Encoding", "chunked"}}), ReaderOf(endless),
                                 4096, &body);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->http_status, 413);
  EXPECT_EQ(refusal->code, "PAYLOAD_TOO_LARGE");
  EXPECT_LE(body.size(), 4096u);
  refusal = ReadRequestBody(RequestWith({{"Content-Length", "100"}, {"Content-Encoding", "gzip"}}),
                            ReaderOf(endless), 4096, &body);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->code, "PAYLOAD_TOO_LARGE");
}

TEST(ReadRequestBodyTest, HeadersAloneCanRefuseWithoutReading) {
  struct Case {
    httplib::Request req;
    int status;
    const char* code;
  };
  const Case cases[] = {
      {RequestWith({{"Content-Length", "4097"}}), 413, "PAYLOAD_TOO_LARGE"},
      {RequestWith({{"Content-Length", "99999999999999999999999"}}), 400, "MALFORMED_BODY"},
      {RequestWith({{"Content-Length", "12abc"}}), 400, "MALFORMED_BODY"},
      {RequestWith({{"Content-Length", "-1"}}), 400, "MALFORMED_BODY"},
      {RequestWith({{"Content-Length", "5"}, {"Content-Length", "6"}}), 400, "MALFORMED_BODY"},
      {RequestWith({{"Transfer-Encoding", "chunked"}, {"Content-Length", "5"}}), 400,
       "MALFORMED_BODY"},
      {RequestWith({{"Transfer-Encoding", "gzip, chunked"}}), 501, "UNSUPPORTED_TRANSFER_ENCODING"},
      {RequestWith({{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}}), 501,
       "UNSUPPORTED_TRANSFER_ENCODING"},
      {RequestWith({{"Content-Length", "5"}, {"Content-Encoding", "compress"}}), 415,
       "UNSUPPORTED_CONTENT_ENCODING"},
      {RequestWith({{"Content-Length", "5"}, {"Content-Encoding", "GZIP"}}), 415,
       "UNSUPPORTED_CONTENT_ENCODING"},
      {RequestWith(
           {{"Content-Length", "5"}, {"Content-Encoding", "gzip"}, {"Content-Encoding", "gzip"}}),
       415, "UNSUPPORTED_CONTENT_ENCODING"},
      {RequestWith({{"Content-Length", "5"}, {"Content-Type", "multipart/form-data; boundary=x"}}),
       415, "UNSUPPORTED_MEDIA_TYPE"},
  };
  for (const Case& c : cases) {
    int calls = 0;
    std::string body;
    auto refusal = ReadRequestBody(c.req, ReaderOf({"12345"}, true, &calls), 4096, &body);
    ASSERT_TRUE(refusal.has_value()) << c.code;
    EXPECT_EQ(refusal->http_status, c.status) << c.code;
    EXPECT_EQ(refusal->code, c.code);
    EXPECT_EQ(calls, 0) << c.code << ": the body must stay unread";
  }
}

TEST(ReadRequestBodyTest, ABrokenBodyIsMalformed) {
  std::string body;
  auto refusal = ReadRequestBody(RequestWith({{"Content-Length", "10"}}),
                                 ReaderOf({"01234"}, false), 4096, &body);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->http_status, 400);
  EXPECT_EQ(refusal->code, "MALFORMED_BODY");
  for (const char* encoding : {"gzip", "deflate", "br", "identity"}) {
    EXPECT_FALSE(
        ReadRequestBody(RequestWith({{"Content-Length", "5"}, {"Content-Encoding", encoding}}),
                        ReaderOf({"12345"}), 4096, &body))
        << encoding;
  }
}

TEST(AnnouncesBodyTest, LengthOrTransferEncoding) {
  EXPECT_FALSE(AnnouncesBody(RequestWith({})));
  EXPECT_FALSE(AnnouncesBody(RequestWith({{"Content-Length", "0"}})));
  EXPECT_TRUE(AnnouncesBody(RequestWith({{"Content-Length", "1"}})));
  EXPECT_TRUE(AnnouncesBody(RequestWith({{"Content-Length", "x"}})));
  EXPECT_TRUE(AnnouncesBody(RequestWith({{"Transfer-Encoding", "chunked"}})));
}

// Both ends of a connected stream socket pair, closed on destruction.
struct SocketPair {
  SocketPair() { EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0); }
  ~SocketPair() {
    for (int fd : fds) close(fd);
  }
  void Send(const std::string& bytes) const {
    ASSERT_EQ(::write(fds[1], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }
  int fds[2] = {-1, -1};
};

StreamLimits Limits(size_t max_header_bytes, std::chrono::milliseconds deadline) {
  StreamLimits limits;
  limits.max_header_bytes = max_header_bytes;
  limits.max_body_wire_bytes = 16;
  limits.request_deadline = deadline;
  limits.io_timeout = std::chrono::seconds(10);
  return limits;
}

TEST(RequestStreamTest, AReadPastTheBudgetFailsAndSaysSo) {
  SocketPair pair;
  pair.Send(std::string(100, 'x'));
  RequestStream stream(pair.fds[0], Limits(64, std::chrono::seconds(30)));
  char buffer[100];
  EXPECT_EQ(stream.read(buffer, sizeof buffer), 64);
  EXPECT_EQ(stream.read_failure(), RequestStream::ReadFailure::kNone);
  EXPECT_EQ(stream.read(buffer, sizeof buffer), -1);
  EXPECT_EQ(stream.read_failure(), RequestStream::ReadFailure::kTooLarge);
  // The next request starts with a fresh budget and the bytes already received; reading its
  // body adds the body's share.
  stream.BeginRequest();
  EXPECT_EQ(stream.read(buffer, 30), 30);
  stream.AllowBody();
  EXPECT_EQ(stream.read(buffer, sizeof buffer), 6);
  EXPECT_EQ(stream.read_failure(), RequestStream::ReadFailure::kNone);
}

TEST(RequestStreamTest, TheBodyBudgetComesOnTopOfTheHeaders) {
  SocketPair pair;
  pair.Send(std::string(100, 'x'));
  RequestStream stream(pair.fds[0], Limits(10, std::chrono::seconds(30)));
  char buffer[100];
  EXPECT_EQ(stream.read(buffer, 5), 5);
  stream.AllowBody();  // 5 header bytes left + 16 for the body
  EXPECT_EQ(stream.read(buffer, sizeof buffer), 21);
  EXPECT_EQ(stream.read(buffer, sizeof buffer), -1);
  EXPECT_EQ(stream.read_failure(), RequestStream::ReadFailure::kTooLarge);
}

TEST(RequestStreamTest, AReadAfterTheDeadlineFailsAndSaysSo) {
  SocketPair pair;
  RequestStream stream(pair.fds[0], Limits(1024, std::chrono::milliseconds(1)));
  char buffer[16];
  // Nothing ever arrives: the read ends at the deadline, not at the 10 s I/O timeout.
  EXPECT_EQ(stream.read(buffer, sizeof buffer), -1);
  EXPECT_EQ(stream.read_failure(), RequestStream::ReadFailure::kDeadline);
}

TEST(RequestStreamTest, EndOfStreamIsZero) {
  SocketPair pair;
  pair.Send("ab");
  shutdown(pair.fds[1], SHUT_WR);
  RequestStream stream(pair.fds[0], Limits(1024, std::chrono::seconds(30)));
  char buffer[16];
  EXPECT_EQ(stream.read(buffer, sizeof buffer), 2);
  EXPECT_EQ(stream.read(buffer, sizeof buffer), 0);
  EXPECT_EQ(stream.read_failure(), RequestStream::ReadFailure::kClosed);
}

TEST(ClientConnectionLimiterTest, CountsOpenConnectionsPerClientExceptTrustedProxies) {
  Result<TrustedProxies> proxies = TrustedProxies::Parse({"10.0.0.0/8"});
  ASSERT_TRUE(proxies.ok());
  ClientConnectionLimiter limiter(2, *proxies);
  auto client = IpAddress::Parse("203.0.113.9");
  {
    ClientConnectionLimiter::Slot first = limiter.Admit(client);
    ClientConnectionLimiter::Slot second = limiter.Admit(client);
    ClientConnectionLimiter::Slot third = limiter.Admit(client);
    EXPECT_TRUE(first.admitted());
    EXPECT_TRUE(second.admitted());
    EXPECT_FALSE(third.admitted());
    // Another client is not affected; a trusted proxy is never counted.
    EXPECT_TRUE(limiter.Admit(IpAddress::Parse("203.0.113.10")).admitted());
    ClientConnectionLimiter::Slot p1 = limiter.Admit(IpAddress::Parse("10.1.1.1"));
    ClientConnectionLimiter::Slot p2 = limiter.Admit(IpAddress::Parse("10.1.1.1"));
    EXPECT_TRUE(limiter.Admit(IpAddress::Parse("10.1.1.1")).admitted());
  }
  // Closed connections free their places.
  ClientConnectionLimiter::Slot again = limiter.Admit(client);
  EXPECT_TRUE(again.admitted());
}

TEST(ClientConnectionLimiterTest, OneIPv6Slash64IsOneClient) {
  const TrustedProxies none;
  ClientConnectionLimiter limiter(1, none);
  ClientConnectionLimiter::Slot first = limiter.Admit(IpAddress::Parse("2001:db8:1:2::1"));
  EXPECT_TRUE(first.admitted());
  EXPECT_FALSE(limiter.Admit(IpAddress::Parse("2001:db8:1:2::ffff")).admitted());
  EXPECT_TRUE(limiter.Admit(IpAddress::Parse("2001:db8:1:3::1")).admitted());
}

TEST(ClientConnectionLimiterTest, ZeroMeansNoLimit) {
  const TrustedProxies none;
  ClientConnectionLimiter limiter(0, none);
  std::vector<std::unique_ptr<ClientConnectionLimiter::Slot>> slots;
  for (int i = 0; i < 100; ++i) {
    slots.push_back(std::make_unique<ClientConnectionLimiter::Slot>(
        limiter.Admit(IpAddress::Parse("203.0.113.9"))));
    EXPECT_TRUE(slots.back()->admitted());
  }
}

// Tasks that block until released, counting how many started.
class Gate {
 public:
  std::function<void()> Task() {
    return [this] {
      std::unique_lock lock(mutex_);
      ++started_;
      changed_.notify_all();
      changed_.wait(lock, [this] { return open_; });
    };
  }
  void WaitForStarted(int n) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return started_ >= n; });
  }
  void Open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  int started() {
    std::lock_guard lock(mutex_);
    return started_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int started_ = 0;
  bool open_ = false;
};

TEST(WorkerPoolTest, GrowsWhileEveryWorkerIsBusyUpToItsMaximum) {
  Gate gate;
  WorkerPool pool(2, 5, std::chrono::seconds(30));
  EXPECT_EQ(pool.threads(), 2u);
  for (int i = 0; i < 5; ++i) pool.enqueue(gate.Task());
  gate.WaitForStarted(5);  // all five at once, although only two workers were kept
  EXPECT_EQ(pool.threads(), 5u);
  EXPECT_EQ(pool.busy(), 5u);
  // A sixth waits for a worker: the pool does not grow past its maximum.
  pool.enqueue(gate.Task());
  EXPECT_EQ(pool.threads(), 5u);
  gate.Open();
  pool.shutdown();  // runs the queued task before joining
  EXPECT_EQ(gate.started(), 6);
}

TEST(WorkerPoolTest, ExtraWorkersLeaveWhenIdle) {
  Gate gate;
  WorkerPool pool(1, 4, std::chrono::milliseconds(1));
  for (int i = 0; i < 4; ++i) pool.enqueue(gate.Task());
  gate.WaitForStarted(4);
  gate.Open();
  // Idle workers above the floor retire on their own; wait for it rather than for a time.
  while (pool.threads() > 1) std::this_thread::yield();
  EXPECT_EQ(pool.threads(), 1u);
  std::atomic<bool> ran{false};
  pool.enqueue([&] { ran = true; });
  pool.shutdown();
  EXPECT_TRUE(ran);
}

}  // namespace
}  // namespace mileage::server

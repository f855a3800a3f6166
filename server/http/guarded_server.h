#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "server/http/client_address.h"
#include "server/http/request_stream.h"

namespace mileage::server {

// Limits of the connection layer (from Config; see docs/OPERATIONS.md).
struct ConnectionLimits {
  StreamLimits stream;
  size_t keep_alive_max_count = 100;
  std::chrono::milliseconds keep_alive_timeout{5000};
  // Open connections one client address may hold (0 = no limit); trusted proxies are exempt.
  int max_connections_per_client = 0;
};

// What a request's handlers may learn about, and ask of, the connection the request came on.
// One per connection, on the worker serving it.
class ServedConnection {
 public:
  explicit ServedConnection(RequestStream& stream) : stream_(stream) {}

  // The connection whose request the calling thread is serving; nullptr on other threads.
  static ServedConnection* Current();

  // Close the connection once the response is written, e.g. when the request's body is left
  // unread: the next bytes on the connection would not be a request.
  void CloseAfterResponse() { close_after_response_ = true; }
  bool close_after_response() const { return close_after_response_; }
  // Why reading the current request failed, if it did.
  RequestStream::ReadFailure read_failure() const { return stream_.read_failure(); }
  // Lets the request's body be read (RequestStream::AllowBody); call before reading it.
  void AllowBody() { stream_.AllowBody(); }

 private:
  friend class GuardedHttplibServer;
  void BeginRequest() { close_after_response_ = false; }

  RequestStream& stream_;
  bool close_after_response_ = false;
};

// Counts the open connections of each client (ConnectionKey of the TCP peer) and refuses one
// over the limit. Peers that are trusted proxies are not counted: one proxy carries many
// clients. Safe for concurrent use.
class ClientConnectionLimiter {
 public:
  ClientConnectionLimiter(int max_per_client, const TrustedProxies& exempt)
      : max_per_client_(max_per_client), exempt_(exempt) {}

  // Counts the connection while alive; admitted() is false when the client holds the maximum.
  class Slot {
   public:
    Slot(ClientConnectionLimiter* limiter, std::string key, bool admitted)
        : limiter_(limiter), key_(std::move(key)), admitted_(admitted) {}
    Slot(Slot&& other) noexcept
        : limiter_(std::exchange(other.limiter_, nullptr)),
          key_(std::move(other.key_)),
          admitted_(other.admitted_) {}
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    Slot& operator=(Slot&&) = delete;
    bool admitted() const { return admitted_; }

   private:
    ClientConnectionLimiter* limiter_;  // null when not counted
    std::string key_;
    bool admitted_;
  };

  Slot Admit(const std::optional<IpAddress>& peer);

 private:
  const int max_per_client_;
  const TrustedProxies& exempt_;
  std::mutex mutex_;
  std::unordered_map<std::string, int> open_;
};

// httplib::Server serving each connection through a RequestStream (a deadline and a byte budget
// per request, server/http/request_stream.h) instead of httplib's stream, with a limit on the
// connections of one client, connections closed after a refused request (lingering briefly so
// that the answer is not lost to a reset), and idle keep-alive connections ended at once on
// stop. Owned by HttpServer; the counters are safe to read from any thread.
class GuardedHttplibServer : public httplib::Server {
 public:
  // `exempt` must outlive the server. `headers` go on every response, the refusals of this
  // class included.
  GuardedHttplibServer(ConnectionLimits limits, const TrustedProxies& exempt,
                       httplib::Headers headers);
  ~GuardedHttplibServer() override;

  // httplib 0.11 listens with a backlog of 5, so a burst of new connections waits a full SYN
  // retransmit (1 s) for a slot. Linux lets a second listen() on the bound socket raise it.
  void RaiseListenBacklog(int backlog) { ::listen(svr_sock_, backlog); }
  // Ends the connections waiting for their next request now rather than at their keep-alive
  // timeout; call when stopping.
  void WakeIdleConnections();

  int64_t open_connections() const { return open_connections_.load(std::memory_order_relaxed); }
  uint64_t refused_connections() const { return refused_.load(std::memory_order_relaxed); }
  uint64_t cut_off_requests() const { return cut_off_.load(std::memory_order_relaxed); }

 private:
  bool process_and_close_socket(socket_t sock) override;
  bool ServeRequests(RequestStream& stream, ServedConnection& connection);
  bool WaitForRequest(const RequestStream& stream) const;
  // A complete response with a JSON error body and the security headers (plus
  // `extra_headers`, each ending in CRLF), for answers written without httplib; the connection
  // closes after it.
  std::string CannedResponse(int status, std::string_view reason, std::string_view code,
                             std::string_view message, std::string_view extra_headers = {}) const;
  // Answers 408 or 431 when reading the request line failed at the deadline or the budget.
  void AnswerUnreadRequestLine(RequestStream& stream) const;
  void Refuse(int fd) const;

  const ConnectionLimits limits_;
  const httplib::Headers headers_;
  ClientConnectionLimiter limiter_;
  int stop_pipe_[2] = {-1, -1};
  std::atomic<int64_t> open_connections_{0};
  std::atomic<uint64_t> refused_{0};
  std::atomic<uint64_t> cut_off_{0};
};

}  // namespace mileage::server

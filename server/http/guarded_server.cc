#include "server/http/guarded_server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>

#include "common/log.h"
#include "server/http/error_mapping.h"

namespace mileage::server {
namespace {

using Clock = std::chrono::steady_clock;

thread_local ServedConnection* t_connection = nullptr;

// How long, and how much, a refused request's client may go on sending before the close.
constexpr std::chrono::milliseconds kLingerTime{1000};

// Marks the calling thread as serving `connection` for its lifetime.
class ScopedConnection {
 public:
  explicit ScopedConnection(ServedConnection& connection) { t_connection = &connection; }
  ~ScopedConnection() { t_connection = nullptr; }
  ScopedConnection(const ScopedConnection&) = delete;
  ScopedConnection& operator=(const ScopedConnection&) = delete;
};

// Reads and drops what has arrived (up to `max_bytes`, waiting until `until` for more), so
// that closing the socket does not answer the client's unread bytes with a reset that would
// destroy the response it has not read yet.
void Drain(int fd, size_t max_bytes, Clock::time_point until) {
  std::array<char, 4096> sink;
  size_t drained = 0;
  while (drained < max_bytes) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
    pollfd poll_fd{fd, POLLIN, 0};
    if (::poll(&poll_fd, 1, static_cast<int>(std::max<int64_t>(left.count(), 0))) <= 0) return;
    ssize_t n = ::recv(fd, sink.data(), sink.size(), MSG_DONTWAIT);
    if (n <= 0) return;
    drained += static_cast<size_t>(n);
  }
}

void CloseSocket(int fd) {
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
}

}  // namespace

ServedConnection* ServedConnection::Current() { return t_connection; }

ClientConnectionLimiter::Slot::~Slot() {
  if (limiter_ == nullptr) return;
  std::lock_guard lock(limiter_->mutex_);
  auto it = limiter_->open_.find(key_);
  if (--it->second == 0) limiter_->open_.erase(it);
}

ClientConnectionLimiter::Slot ClientConnectionLimiter::Admit(const std::optional<IpAddress>& peer) {
  if (max_per_client_ <= 0 || !peer || exempt_.Contains(*peer)) return Slot(nullptr, {}, true);
  std::string key = ConnectionKey(*peer);
  std::lock_guard lock(mutex_);
  int& open = open_[key];
  if (open >= max_per_client_) {
    if (open == 0) open_.erase(key);
    return Slot(nullptr, {}, false);
  }
  ++open;
  return Slot(this, std::move(key), true);
}

GuardedHttplibServer::GuardedHttplibServer(ConnectionLimits limits, const TrustedProxies& exempt,
                                           httplib::Headers headers)
    : limits_(limits),
      headers_(std::move(headers)),
      limiter_(limits.max_connections_per_client, exempt) {
  set_default_headers(headers_);
  if (::pipe2(stop_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
    // Without it idle connections end at their keep-alive timeout instead of at once.
    MILEAGE_LOG(kWarn) << "cannot create the HTTP stop pipe; stopping waits for idle connections";
    stop_pipe_[0] = stop_pipe_[1] = -1;
  }
}

GuardedHttplibServer::~GuardedHttplibServer() {
  for (int fd : stop_pipe_) {
    if (fd >= 0) ::close(fd);
  }
}

void GuardedHttplibServer::WakeIdleConnections() {
  // Never read: the pipe stays readable, so every later wait ends at once too.
  if (stop_pipe_[1] >= 0) {
    char byte = 1;
    ssize_t ignored = ::write(stop_pipe_[1], &byte, 1);
    (void)ignored;
  }
}

bool GuardedHttplibServer::WaitForRequest(const RequestStream& stream) const {
  if (svr_sock_ == INVALID_SOCKET) return false;  // stopping
  if (stream.HasBufferedInput()) return true;
  std::array<pollfd, 2> fds = {pollfd{stream.socket(), POLLIN, 0},
                               pollfd{stop_pipe_[0], POLLIN, 0}};
  const nfds_t count = stop_pipe_[0] >= 0 ? 2 : 1;
  const auto until = Clock::now() + limits_.keep_alive_timeout;
  while (true) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
    int ready = ::poll(fds.data(), count, static_cast<int>(std::max<int64_t>(left.count(), 0)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0 || (count == 2 && fds[1].revents != 0)) return false;
    return svr_sock_ != INVALID_SOCKET;
  }
}

bool GuardedHttplibServer::ServeRequests(RequestStream& stream, ServedConnection& connection) {
  bool ok = false;
  for (size_t left = limits_.keep_alive_max_count; left > 0 && WaitForRequest(stream); --left) {
    stream.BeginRequest();
    connection.BeginRequest();
    bool client_closes = false;
    ok = process_request(stream, left == 1, client_closes, {});
    const RequestStream::ReadFailure failure = stream.read_failure();
    if (!stream.responded()) AnswerUnreadRequestLine(stream);
    if (failure == RequestStream::ReadFailure::kDeadline ||
        failure == RequestStream::ReadFailure::kTooLarge) {
      cut_off_.fetch_add(1, std::memory_order_relaxed);
    }
    if (!ok || client_closes || connection.close_after_response() ||
        failure != RequestStream::ReadFailure::kNone) {
      break;
    }
  }
  return ok;
}

std::string GuardedHttplibServer::CannedResponse(int status, std::string_view reason,
                                                 std::string_view code, std::string_view message,
                                                 std::string_view extra_headers) const {
  const std::string body = ErrorBody(code, message);
  std::string response =
      "HTTP/1.1 " + std::to_string(status) + ' ' + std::string(reason) +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n" + std::string(extra_headers);
  for (const auto& [name, value] : headers_) response += name + ": " + value + "\r\n";
  return response + "\r\n" + body;
}

void GuardedHttplibServer::AnswerUnreadRequestLine(RequestStream& stream) const {
  // httplib answers nothing when it cannot read the request line itself.
  std::string answer;
  if (stream.read_failure() == RequestStream::ReadFailure::kDeadline) {
    answer = CannedResponse(408, "Request Timeout", "REQUEST_TIMEOUT",
                            "the request did not arrive within the request deadline");
  } else if (stream.read_failure() == RequestStream::ReadFailure::kTooLarge) {
    answer = CannedResponse(431, "Request Header Fields Too Large", "HEADERS_TOO_LARGE",
                            "the request headers are too large");
  } else {
    return;  // the client went away or stopped sending: nobody to answer
  }
  ssize_t ignored = stream.write(answer.data(), answer.size());
  (void)ignored;
}

void GuardedHttplibServer::Refuse(int fd) const {
  const std::string response = CannedResponse(
      429, "Too Many Requests", "TOO_MANY_CONNECTIONS",
      "too many open connections from this address; retry later", "Retry-After: 1\r\n");
  // A fresh socket has room for this; a client that cannot take it loses nothing it asked for.
  ssize_t ignored = ::send(fd, response.data(), response.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  (void)ignored;
  ::shutdown(fd, SHUT_WR);
  Drain(fd, limits_.stream.max_header_bytes, Clock::now());
}

bool GuardedHttplibServer::process_and_close_socket(socket_t sock) {
  RequestStream stream(sock, limits_.stream);
  ClientConnectionLimiter::Slot slot = limiter_.Admit(stream.peer());
  if (!slot.admitted()) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    Refuse(sock);
    CloseSocket(sock);
    return false;
  }
  open_connections_.fetch_add(1, std::memory_order_relaxed);
  ServedConnection connection(stream);
  bool ok = false;
  {
    ScopedConnection scoped(connection);
    ok = ServeRequests(stream, connection);
  }
  const RequestStream::ReadFailure failure = stream.read_failure();
  if (failure == RequestStream::ReadFailure::kTooLarge ||
      (connection.close_after_response() && failure == RequestStream::ReadFailure::kNone)) {
    // A refused request: its client may still be sending what we will not read.
    ::shutdown(sock, SHUT_WR);
    Drain(sock, limits_.stream.max_body_wire_bytes, Clock::now() + kLingerTime);
  }
  CloseSocket(sock);
  open_connections_.fetch_sub(1, std::memory_order_relaxed);
  return ok;
}

}  // namespace mileage::server

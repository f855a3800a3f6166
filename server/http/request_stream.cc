#include "server/http/request_stream.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mileage::server {
namespace {

// The address and port of a socket address; nullopt for a family other than IPv4/IPv6.
std::optional<IpAddress> AddressOf(const sockaddr_storage& address, int* port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(address);
    inet_ntop(AF_INET, &in.sin_addr, text, sizeof text);
    *port = ntohs(in.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(address);
    inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof text);
    *port = ntohs(in6.sin6_port);
  } else {
    return std::nullopt;
  }
  return IpAddress::Parse(text);
}

}  // namespace

RequestStream::RequestStream(int fd, StreamLimits limits) : fd_(fd), limits_(limits) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (getpeername(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    peer_ = AddressOf(address, &peer_port_);
  }
  if (peer_) peer_text_ = peer_->ToString();
  // httplib asks for both addresses on every request; they do not change on a connection.
  address = {};
  length = sizeof address;
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    std::optional<IpAddress> local = AddressOf(address, &local_port_);
    if (local) local_text_ = local->ToString();
  }
  BeginRequest();
}

void RequestStream::BeginRequest() {
  read_deadline_ = Clock::now() + limits_.request_deadline;
  write_deadline_.reset();
  budget_left_ = limits_.max_header_bytes;
  read_failure_ = ReadFailure::kNone;
}

void RequestStream::AllowBody() { budget_left_ += limits_.max_body_wire_bytes; }

RequestStream::Wait RequestStream::WaitFor(short events, Clock::time_point deadline) const {
  const Clock::time_point now = Clock::now();
  if (now >= deadline) return Wait::kDeadline;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
  auto wait = std::min(limits_.io_timeout, left);
  pollfd poll_fd{fd_, events, 0};
  int ready = 0;
  do {
    ready = ::poll(&poll_fd, 1, static_cast<int>(wait.count()));
  } while (ready < 0 && errno == EINTR);
  if (ready < 0) return Wait::kError;
  if (ready == 0) return Clock::now() >= deadline ? Wait::kDeadline : Wait::kTimeout;
  return Wait::kReady;  // also on POLLHUP/POLLERR: the recv or send that follows reports it
}

bool RequestStream::Fill() {
  // recv first and poll only when nothing is there: on a keep-alive connection the request is
  // usually waiting already, and a poll per read was a system call per request for nothing.
  // The deadline is still checked before every read (a clock read, not a system call).
  while (true) {
    if (Clock::now() >= read_deadline_) {
      read_failure_ = ReadFailure::kDeadline;
      return false;
    }
    ssize_t n = ::recv(fd_, buffer_.data(), buffer_.size(), MSG_DONTWAIT);
    if (n > 0) {
      begin_ = 0;
      end_ = static_cast<size_t>(n);
      return true;
    }
    if (n == 0) {
      read_failure_ = ReadFailure::kClosed;
      return false;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      read_failure_ = ReadFailure::kError;
      return false;
    }
    switch (WaitFor(POLLIN, read_deadline_)) {
      case Wait::kReady:
        break;
      case Wait::kDeadline:
        read_failure_ = ReadFailure::kDeadline;
        return false;
      case Wait::kTimeout:
        read_failure_ = ReadFailure::kIdle;
        return false;
      case Wait::kError:
        read_failure_ = ReadFailure::kError;
        return false;
    }
  }
}

bool RequestStream::is_readable() const {
  return HasBufferedInput() || WaitFor(POLLIN, read_deadline_) == Wait::kReady;
}

bool RequestStream::is_writable() const {
  return WaitFor(POLLOUT, write_deadline_.value_or(Clock::now() + limits_.request_deadline)) ==
         Wait::kReady;
}

ssize_t RequestStream::read(char* ptr, size_t size) {
  if (size == 0) return 0;
  if (budget_left_ == 0) {
    read_failure_ = ReadFailure::kTooLarge;
    return -1;
  }
  if (!HasBufferedInput() && !Fill()) return read_failure_ == ReadFailure::kClosed ? 0 : -1;
  size_t n = std::min({size, end_ - begin_, budget_left_});
  std::memcpy(ptr, buffer_.data() + begin_, n);
  begin_ += n;
  budget_left_ -= n;
  return static_cast<ssize_t>(n);
}

ssize_t RequestStream::write(const char* ptr, size_t size) {
  if (!write_deadline_) write_deadline_ = Clock::now() + limits_.request_deadline;
  // send first, poll only when the socket buffer is full (as Fill does for reads).
  while (true) {
    if (Clock::now() >= *write_deadline_) return -1;
    ssize_t n = ::send(fd_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    if (WaitFor(POLLOUT, *write_deadline_) != Wait::kReady) return -1;
  }
}

void RequestStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = peer_text_;
  port = peer_port_;
}

void RequestStream::get_local_ip_and_port(std::string& ip, int& port) const {
  ip = local_text_;
  port = local_port_;
}

}  // namespace mileage::server

#pragma once

#include <httplib.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "server/http/client_address.h"

namespace mileage::server {

// Limits on one connection's requests (from Config; see docs/OPERATIONS.md).
struct StreamLimits {
  // Reading one request (request line, headers, body) must finish within this, and so must
  // writing its response.
  std::chrono::milliseconds request_deadline{30000};
  // The longest wait for the next byte to arrive or to be sent.
  std::chrono::milliseconds io_timeout{10000};
  // Bytes the request line and headers of one request may take.
  size_t max_header_bytes = 64 * 1024;
  // Bytes its body may take on the wire (chunk framing and compression included), granted by
  // AllowBody when a route starts reading it.
  size_t max_body_wire_bytes = 0;
};

// The byte stream httplib reads a connection's requests from and writes its responses to: a
// buffered socket stream like httplib's own, plus what httplib 0.11 lacks, a deadline for reading
// each request and for writing each response, and a byte budget per request (its headers, then
// its body once a route reads it). A read past either fails (read_failure() says which), so a
// request that trickles in, or never ends, is cut off.
// Owned by the worker serving the connection; not for concurrent use.
class RequestStream : public httplib::Stream {
 public:
  enum class ReadFailure { kNone, kDeadline, kTooLarge, kIdle, kClosed, kError };

  RequestStream(int fd, StreamLimits limits);

  // Starts the clocks and the budget of the next request (its line and headers); call when its
  // first byte is there.
  void BeginRequest();
  // Extends the budget by the body's share (max_body_wire_bytes); call once, when a route
  // starts reading the body. Until then a request can only read its line and headers.
  void AllowBody();
  // True when bytes of the next request are buffered already (pipelining).
  bool HasBufferedInput() const { return begin_ < end_; }
  // Why the last read failed (kNone when none did during this request).
  ReadFailure read_failure() const { return read_failure_; }
  // True once anything of the current request's response was written.
  bool responded() const { return write_deadline_.has_value(); }
  // The TCP peer, when it is an IP address.
  const std::optional<IpAddress>& peer() const { return peer_; }

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return fd_; }

 private:
  using Clock = std::chrono::steady_clock;
  enum class Wait { kReady, kDeadline, kTimeout, kError };

  // Waits for `events` on the socket until the earlier of io_timeout and `deadline`.
  Wait WaitFor(short events, Clock::time_point deadline) const;
  bool Fill();

  const int fd_;
  const StreamLimits limits_;
  std::optional<IpAddress> peer_;
  int peer_port_ = 0;
  std::string peer_text_;
  std::string local_text_;
  int local_port_ = 0;
  std::array<char, 4096> buffer_{};
  size_t begin_ = 0;
  size_t end_ = 0;
  Clock::time_point read_deadline_;
  std::optional<Clock::time_point> write_deadline_;  // set by the response's first write
  size_t budget_left_ = 0;
  ReadFailure read_failure_ = ReadFailure::kNone;
};

}  // namespace mileage::server

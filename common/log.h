#pragma once

#include <exception>
#include <sstream>
#include <string>
#include <string_view>

namespace mileage {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Process-wide minimum level (atomic). Lines below it are dropped cheaply.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// "debug" | "info" | "warn" | "error"; false when the name is unknown.
bool ParseLogLevel(std::string_view name, LogLevel* level);

// Binds a request id to the current thread for its lifetime; every log line written on this
// thread meanwhile carries it.
class ScopedRequestId {
 public:
  explicit ScopedRequestId(std::string_view id);
  ~ScopedRequestId();
  ScopedRequestId(const ScopedRequestId&) = delete;
  ScopedRequestId& operator=(const ScopedRequestId&) = delete;

 private:
  std::string previous_;
};
// The current thread's request id, or "-".
std::string_view CurrentRequestId();

// Replaces the control characters of text[from..] (newlines included) with escapes: "\n",
// "\r", "\t", "\x1b". What a client sent can then never start a log line of its own.
void EscapeControlCharacters(std::string& text, size_t from = 0);

// What an exception says, for the log: its what() for std::exception, else a note of its
// unknown type; "no exception" for a null pointer. Never throws.
std::string DescribeException(const std::exception_ptr& error);

// One log line, written to stderr with one write(2) when destroyed, so that lines from
// concurrent threads never interleave. Whatever is streamed into it is escaped with
// EscapeControlCharacters, so one message is always one line. Use through the MILEAGE_LOG
// macro.
class LogLine {
 public:
  LogLine(LogLevel level, const char* file, int line);
  ~LogLine();
  LogLine(const LogLine&) = delete;
  LogLine& operator=(const LogLine&) = delete;
  std::ostream& stream() { return stream_; }

 private:
  LogLevel level_;
  std::ostringstream stream_;
  size_t prefix_size_ = 0;  // time, level, request id and source: never escaped
};

}  // namespace mileage

// MILEAGE_LOG(kInfo) << "listening on " << port;  Never log secrets, tokens or full phones.
#define MILEAGE_LOG(level)                                     \
  if (::mileage::LogLevel::level < ::mileage::GetLogLevel()) { \
  } else                                                       \
    ::mileage::LogLine(::mileage::LogLevel::level, __FILE__, __LINE__).stream()

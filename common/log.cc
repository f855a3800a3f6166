#include "common/log.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>

#include "common/civil_time.h"

namespace mileage {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
thread_local std::string t_request_id;

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarn:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
  }
  return "?";
}

}  // namespace

void EscapeControlCharacters(std::string& text, size_t from) {
  auto is_control = [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  };
  from = std::min(from, text.size());
  if (std::none_of(text.begin() + static_cast<std::ptrdiff_t>(from), text.end(), is_control)) {
    return;  // the common case: nothing to copy
  }
  std::string escaped = text.substr(0, from);
  for (size_t i = from; i < text.size(); ++i) {
    const char c = text[i];
    if (!is_control(c)) {
      escaped.push_back(c);
    } else if (c == '\n') {
      escaped += "\\n";
    } else if (c == '\r') {
      escaped += "\\r";
    } else if (c == '\t') {
      escaped += "\\t";
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      const auto byte = static_cast<unsigned char>(c);
      escaped += "\\x";
      escaped.push_back(kHex[byte >> 4]);
      escaped.push_back(kHex[byte & 0xf]);
    }
  }
  text = std::move(escaped);
}

std::string DescribeException(const std::exception_ptr& error) {
  if (!error) return "no exception";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
  }
  return "an exception of unknown type";
}

void SetLogLevel(LogLevel level) { g_level.store(level, std::memory_order_relaxed); }
LogLevel GetLogLevel() { return g_level.load(std::memory_order_relaxed); }

bool ParseLogLevel(std::string_view name, LogLevel* level) {
  if (name == "debug")
    *level = LogLevel::kDebug;
  else if (name == "info")
    *level = LogLevel::kInfo;
  else if (name == "warn")
    *level = LogLevel::kWarn;
  else if (name == "error")
    *level = LogLevel::kError;
  else
    return false;
  return true;
}

ScopedRequestId::ScopedRequestId(std::string_view id) : previous_(std::move(t_request_id)) {
  t_request_id.assign(id);
}
ScopedRequestId::~ScopedRequestId() { t_request_id = std::move(previous_); }

std::string_view CurrentRequestId() {
  return t_request_id.empty() ? std::string_view("-") : std::string_view(t_request_id);
}

LogLine::LogLine(LogLevel level, const char* file, int line) : level_(level) {
  std::string_view path(file);
  size_t slash = path.rfind('/');
  if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  stream_ << civil::FormatRfc3339UtcMillis(std::chrono::system_clock::now()) << ' '
          << LevelName(level_) << " req=" << CurrentRequestId() << ' ' << path << ':' << line
          << "] ";
  prefix_size_ = static_cast<size_t>(stream_.tellp());
}

LogLine::~LogLine() {
  std::string text = stream_.str();
  EscapeControlCharacters(text, prefix_size_);
  text.push_back('\n');
  // One write per line; a short write on stderr is not worth retrying.
  ssize_t ignored = ::write(STDERR_FILENO, text.data(), text.size());
  (void)ignored;
}

}  // namespace mileage

#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace mileage::testing {

// Sends this process's stderr (file descriptor 2, where the log goes) to a temporary file while
// alive, so that a test can read the log lines its actions wrote. Restores stderr and removes
// the file on destruction. One at a time; not for concurrent use.
class StderrCapture {
 public:
  StderrCapture() {
    char path[] = "/tmp/mileage-stderr-XXXXXX";
    fd_ = mkstemp(path);
    path_ = path;
    fflush(stderr);
    saved_ = dup(STDERR_FILENO);
    dup2(fd_, STDERR_FILENO);
  }
  ~StderrCapture() {
    fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    close(fd_);
    unlink(path_.c_str());
  }
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;

  // Everything written to stderr since construction.
  std::string Text() const {
    std::ifstream in(path_, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Everything written so far once it holds `needle`, or after 10 s without it. For lines
  // written after the response reached the client, such as httplib's access log.
  std::string TextHolding(const std::string& needle) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::string text = Text();
    while (text.find(needle) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      text = Text();
    }
    return text;
  }

 private:
  int fd_ = -1;
  int saved_ = -1;
  std::string path_;
};

}  // namespace mileage::testing

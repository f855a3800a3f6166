#include "tests/support/private_redis.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace mileage::testing {
namespace {

using Clock = std::chrono::steady_clock;

// True when the child has exited (and reaps it).
bool Exited(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, WNOHANG) == pid;
}

}  // namespace

std::string PrivateRedis::FindBinary() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/redis-server";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

kv::ReplyPtr AdminCommand(int port, std::initializer_list<std::string_view> args,
                          std::string_view password) {
  timeval timeout{5, 0};
  kv::ContextPtr context(redisConnectWithTimeout("127.0.0.1", port, timeout));
  if (context == nullptr || context->err != 0) return nullptr;
  redisSetTimeout(context.get(), timeout);
  if (!password.empty()) {
    const char* argv[] = {"AUTH", password.data()};
    const size_t lengths[] = {4, password.size()};
    kv::ReplyPtr auth(static_cast<redisReply*>(redisCommandArgv(context.get(), 2, argv, lengths)));
    if (auth == nullptr) return nullptr;
  }
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (std::string_view arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  return kv::ReplyPtr(static_cast<redisReply*>(
      redisCommandArgv(context.get(), static_cast<int>(argv.size()), argv.data(), lengths.data())));
}

PrivateRedis::PrivateRedis(std::string password)
    : password_(std::move(password)), binary_(FindBinary()) {}

PrivateRedis::~PrivateRedis() {
  Stop();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

std::string PrivateRedis::LogTail() const {
  std::ifstream log(dir_ + "/redis.log");
  std::stringstream text;
  text << log.rdbuf();
  std::string all = text.str();
  return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

std::string PrivateRedis::Start() {
  if (pid_ > 0) return "";
  if (binary_.empty()) return "redis-server is not on PATH";
  if (dir_.empty()) {
    std::string templ = (std::filesystem::temp_directory_path() / "mileage-redis-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) return "cannot create a temporary directory";
    dir_ = templ;
  }
  const bool fixed_port = port_ != 0;
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (!fixed_port) port_ = FreeLoopbackPort();
    std::vector<std::string> args = {binary_};
    auto option = [&args](std::string name, std::string value) {
      args.push_back("--" + std::move(name));
      args.push_back(std::move(value));
    };
    option("bind", "127.0.0.1");
    option("port", std::to_string(port_));
    option("save", "");
    option("appendonly", "no");
    option("dir", dir_);
    option("logfile", dir_ + "/redis.log");
    option("daemonize", "no");
    if (!password_.empty()) option("requirepass", password_);
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, binary_.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
      pid_ = -1;
      return "cannot spawn " + binary_;
    }
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    bool exited = false;
    while (Clock::now() < deadline) {
      if (Exited(pid_)) {
        exited = true;
        break;
      }
      // A PING answered with NOAUTH also proves the server is up.
      kv::ReplyPtr reply = AdminCommand(port_, {"PING"});
      if (reply != nullptr) return "";
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!exited) {
      Stop();
      return "redis-server did not answer within 20 s: " + LogTail();
    }
    pid_ = -1;
    // Another process took the port: try another one unless a restart needs this one.
    if (fixed_port) return "redis-server exited at start: " + LogTail();
  }
  return "redis-server kept failing to start: " + LogTail();
}

void PrivateRedis::Pause() {
  if (pid_ > 0) kill(pid_, SIGSTOP);
}

void PrivateRedis::Resume() {
  if (pid_ > 0) kill(pid_, SIGCONT);
}

void PrivateRedis::Stop() {
  Resume();
  if (pid_ <= 0) return;
  // The server closes the connection instead of answering; a missing reply is expected.
  static_cast<void>(AdminCommand(port_, {"SHUTDOWN", "NOSAVE"}, password_));
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  bool exited = Exited(pid_);
  while (!exited && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    exited = Exited(pid_);
  }
  if (!exited) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

}  // namespace mileage::testing

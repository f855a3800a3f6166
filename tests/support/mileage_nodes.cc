#include "tests/support/mileage_nodes.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "tests/support/free_port.h"

extern char** environ;

namespace mileage::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

// `text` as a JSON string literal (config values are URLs and ids: quotes and backslashes are
// the only characters to escape).
std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool Healthy(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(std::chrono::seconds(1));
  client.set_read_timeout(std::chrono::seconds(5));
  httplib::Result result = client.Get("/healthz");
  return result && result->status == 200;
}

}  // namespace

MileageNodes::MileageNodes(std::string binary) : binary_(std::move(binary)) {}

MileageNodes::~MileageNodes() { KillAll(); }

void MileageNodes::KillAll() {
  for (int i = 0; i < size(); ++i) Kill(i);
}

int MileageNodes::Add(const NodeConfig& config) {
  Node node;
  node.config = config;
  node.port = FreeLoopbackPort();
  const std::string name = "node-" + std::to_string(nodes_.size() + 1);
  node.config_path = (dir_.path() / (name + ".json")).string();
  node.log_path = (dir_.path() / (name + ".log")).string();
  WriteConfig(node);
  nodes_.push_back(std::move(node));
  return size() - 1;
}

void MileageNodes::WriteConfig(const Node& node) const {
  const NodeConfig& c = node.config;
  std::ostringstream json;
  json << "{\"listen\":" << Quoted("127.0.0.1:" + std::to_string(node.port))
       << ",\"database\":" << Quoted(c.database) << ",\"kv\":" << Quoted(c.kv)
       << ",\"data_key\":" << Quoted(c.data_key)
       << ",\"wechat_api_base_url\":" << Quoted(c.wechat_base_url)
       << ",\"wechat_pay_base_url\":" << Quoted(c.wechat_base_url)
       << ",\"log_level\":\"warn\",\"http_threads\":16,\"database_pool_size\":6"
       << ",\"kv_pool_size\":4,\"max_connections_per_client\":0"
       << ",\"jobs_interval_s\":" << c.jobs_interval_s;
  if (!c.node_id.empty()) json << ",\"node_id\":" << Quoted(c.node_id);
  if (c.job_lease_ttl_s > 0) json << ",\"job_lease_ttl_s\":" << c.job_lease_ttl_s;
  if (c.drain_s >= 0) json << ",\"drain_s\":" << c.drain_s;
  json << ",\"trusted_proxies\":[";
  for (size_t i = 0; i < c.trusted_proxies.size(); ++i) {
    json << (i > 0 ? "," : "") << Quoted(c.trusted_proxies[i]);
  }
  json << "]" << c.extra_json << "}";
  std::ofstream(node.config_path) << json.str();
}

std::string MileageNodes::Start(int i) {
  Node& node = nodes_[i];
  if (node.pid > 0) return "";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, node.log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> argv = {binary_, node.config.command, "--config", node.config_path};
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return "cannot start " + binary_ + ": " + std::strerror(spawned);
  node.pid = pid;
  const auto deadline = SteadyClock::now() + std::chrono::seconds(90);
  while (SteadyClock::now() < deadline) {
    if (Reap(node, std::chrono::milliseconds(0)) >= 0) {
      return "node " + std::to_string(i + 1) + " exited while starting:\n" + LogTail(i);
    }
    if (node.config.command == "serve"
            ? Healthy(node.port)
            : LogTail(i, 1 << 20).find("mileage: relaying the outbox") != std::string::npos) {
      return "";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Kill(i);
  return "node " + std::to_string(i + 1) + " did not answer /healthz within 90 s:\n" + LogTail(i);
}

std::string MileageNodes::StartAll() {
  for (int i = 0; i < size(); ++i) {
    std::string failed = Start(i);
    if (!failed.empty()) return failed;
  }
  return "";
}

void MileageNodes::Kill(int i) {
  Node& node = nodes_[i];
  if (node.pid <= 0) return;
  kill(node.pid, SIGKILL);
  Reap(node, std::chrono::seconds(30));
}

std::vector<int> MileageNodes::TerminateAll() {
  std::vector<int> codes(nodes_.size(), -1);
  for (const Node& node : nodes_) {
    if (node.pid > 0) kill(node.pid, SIGTERM);
  }
  for (int i = 0; i < size(); ++i) {
    if (nodes_[i].pid <= 0) continue;
    codes[i] = Reap(nodes_[i], std::chrono::seconds(30));
    if (codes[i] < 0) Kill(i);
  }
  return codes;
}

std::string MileageNodes::TerminateAllCleanly(int excused) {
  std::vector<bool> was_running;
  for (int i = 0; i < size(); ++i) was_running.push_back(running(i));
  const std::vector<int> codes = TerminateAll();
  std::string failures;
  for (int i = 0; i < size(); ++i) {
    if (i == excused || !was_running[i] || codes[i] == 0) continue;
    failures += "node " + std::to_string(i + 1) + " exited with " + std::to_string(codes[i]) +
                ":\n" + LogTail(i) + "\n";
  }
  return failures;
}

int MileageNodes::Reap(Node& node, std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  for (;;) {
    int status = 0;
    if (waitpid(node.pid, &status, WNOHANG) == node.pid) {
      node.pid = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (SteadyClock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::vector<int> MileageNodes::ports() const {
  std::vector<int> out;
  for (const Node& node : nodes_) out.push_back(node.port);
  return out;
}

std::string MileageNodes::LogTail(int i, size_t bytes) const {
  std::ifstream in(nodes_[i].log_path);
  std::stringstream text;
  text << in.rdbuf();
  std::string log = text.str();
  return log.size() > bytes ? log.substr(log.size() - bytes) : log;
}

int MileageNodes::CountInLogs(const std::string& text) const {
  int count = 0;
  for (const Node& node : nodes_) {
    std::ifstream in(node.log_path);
    for (std::string line; std::getline(in, line);) {
      if (line.find(text) != std::string::npos) ++count;
    }
  }
  return count;
}

std::string MileageNodes::LogTails() const {
  std::string out;
  for (int i = 0; i < size(); ++i) {
    out += "--- node " + std::to_string(i + 1) + " (port " + std::to_string(port(i)) + ") log:\n" +
           LogTail(i) + "\n";
  }
  return out;
}

NodeBalancer::NodeBalancer(std::vector<int> node_ports, int threads)
    : node_ports_(std::move(node_ports)), answered_(new std::atomic<int>[node_ports_.size()]()) {
  server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    Handle(req, res);
  };
  server_.Get(".*", handler);
  server_.Post(".*", handler);
  server_.Put(".*", handler);
  server_.Patch(".*", handler);
  server_.Delete(".*", handler);
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
}

NodeBalancer::~NodeBalancer() {
  server_.stop();
  thread_.join();
}

std::vector<int> NodeBalancer::answered() const {
  std::vector<int> out;
  for (size_t i = 0; i < node_ports_.size(); ++i) out.push_back(answered_[i].load());
  return out;
}

void NodeBalancer::Handle(const httplib::Request& req, httplib::Response& res) {
  httplib::Headers headers;
  for (const auto& [name, value] : req.headers) {
    if (name == "Host" || name == "Content-Length" || name == "Connection" ||
        name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
        name == "LOCAL_PORT" || name == "X-Forwarded-For") {
      continue;
    }
    headers.emplace(name, value);
  }
  headers.emplace("X-Forwarded-For", req.remote_addr);
  const std::string target = req.target.empty() ? req.path : req.target;
  const std::string type = req.get_header_value("Content-Type");
  const size_t first = next_.fetch_add(1);
  bool lost = false;    // a node died with the request (it may have acted on it)
  bool resent = false;  // a node answered 5xx and the request went on to the next
  for (size_t k = 0; k < node_ports_.size(); ++k) {
    const size_t i = (first + k) % node_ports_.size();
    httplib::Client client("127.0.0.1", node_ports_[i]);
    client.set_connection_timeout(std::chrono::seconds(2));
    client.set_read_timeout(std::chrono::seconds(60));
    httplib::Result result = req.method == "GET"      ? client.Get(target, headers)
                             : req.method == "DELETE" ? client.Delete(target, headers)
                             : req.method == "PUT"    ? client.Put(target, headers, req.body, type)
                             : req.method == "PATCH" ? client.Patch(target, headers, req.body, type)
                                                     : client.Post(target, headers, req.body, type);
    if (!result && result.error() == httplib::Error::Connection) {
      refused_.fetch_add(1);  // down: nothing was sent, the next node may take it
      continue;
    }
    if (!result) {  // the node died with the request: the client must decide
      lost = true;
      break;
    }
    const int status = result->status;
    if ((status == 502 || status == 503 || status == 504) && k + 1 < node_ports_.size()) {
      unavailable_.fetch_add(1);  // the node cannot serve (its database or Redis is gone)
      resent = true;
      continue;
    }
    answered_[i].fetch_add(1);
    res.status = result->status;
    if (resent) res.set_header(kResentHeader, "1");
    for (const auto& [name, value] : result->headers) {
      if (name == "Content-Length" || name == "Transfer-Encoding" || name == "Connection") {
        continue;
      }
      res.set_header(name, value);
    }
    res.body = result->body;
    return;
  }
  failed_.fetch_add(1);
  // 503: no node took it, so nothing was done; 502: a node died with it, so it may have been.
  res.status = lost ? 502 : 503;
  if (resent) res.set_header(kResentHeader, "1");
}

GaleraCluster GaleraFromEnvironment() {
  GaleraCluster cluster;
  const char* urls = std::getenv("MILEAGE_TEST_GALERA_URLS");
  const char* pids = std::getenv("MILEAGE_TEST_GALERA_PIDS");
  std::istringstream url_words(urls != nullptr ? urls : "");
  for (std::string url; url_words >> url;) cluster.urls.push_back(url);
  std::istringstream pid_words(pids != nullptr ? pids : "");
  for (pid_t pid; pid_words >> pid;) cluster.pids.push_back(pid);
  // galera.sh writes 0 for a node that is down, and kill(0) would hit the test's own process
  // group: with one, no pid is given (the tests that kill a node then fail on the missing pid).
  if (std::find(cluster.pids.begin(), cluster.pids.end(), 0) != cluster.pids.end()) {
    cluster.pids.clear();
  }
  return cluster;
}

std::string SameDatabaseOn(const std::string& server_url, const std::string& database_url) {
  const auto path_of = [](const std::string& url) {
    const size_t scheme = url.find("://");
    const size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    return slash == std::string::npos ? url.size() : slash;
  };
  const std::string database = database_url.substr(path_of(database_url));
  return server_url.substr(0, path_of(server_url)) + database;
}

std::string GaleraCluster::NodeDatabase(int i, const std::string& database_url) const {
  if (!enabled()) return database_url;
  return SameDatabaseOn(urls[static_cast<size_t>(i) % urls.size()], database_url) +
         "?wsrep_sync_wait=1";
}

bool TableExists(TestDatabase& database, const std::string& table) {
  return database.Scalar(
             "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
             "AND table_name = '" +
             table + "'") > 0;
}

std::vector<std::string> LeaseHolders(TestDatabase& database) {
  std::vector<std::string> holders;
  Result<db::PooledConnection> conn = database.db().Acquire();
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return holders;
  Result<std::vector<db::Row>> rows =
      (*conn)->Query("SELECT holder FROM job_leases WHERE name = 'periodic_jobs'");
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (!rows.ok()) return holders;
  for (const db::Row& row : *rows) holders.push_back(row.Text(0));
  return holders;
}

}  // namespace mileage::testing

#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace mileage::testing {

// How one `mileage serve` node is configured; the harness writes it as the node's config file.
struct NodeConfig {
  std::string database;         // the node's database URL
  std::string kv = "memory";    // "redis://..." for nodes that share sessions
  std::string wechat_base_url;  // the sandbox, as both the WeChat API and WeChat Pay
  std::string data_key;
  // The keys of several-node deployments, written only when set (builds before them refuse
  // unknown keys): "node_id" when not empty, "job_lease_ttl_s" when above 0, "drain_s" when 0
  // or more.
  std::string node_id;
  int job_lease_ttl_s = 0;
  int drain_s = -1;
  int jobs_interval_s = 0;
  // Addresses whose X-Forwarded-For names the client (a NodeBalancer in front).
  std::vector<std::string> trusted_proxies;
  // The subcommand: "serve", or "relay" (`mileage relay`: no HTTP; the node counts as started
  // once it prints that it relays).
  std::string command = "serve";
  // More config members, written as they are after the others (",\"relay_poll_ms\":50").
  std::string extra_json;
};

// Real `mileage serve` processes of this build for multi-node tests: each with its own config
// file and log file (stdout and stderr, so a node never blocks on a full pipe) in a temporary
// directory and its own loopback port, kept across restarts. Kills every node it started on
// destruction. Not safe for concurrent use: one thread at a time drives it (a test's fault
// thread while the test thread waits); the ports do not change once added.
class MileageNodes {
 public:
  explicit MileageNodes(std::string binary);
  ~MileageNodes();
  MileageNodes(const MileageNodes&) = delete;
  MileageNodes& operator=(const MileageNodes&) = delete;

  // Adds a node (not started) on a free port; returns its index.
  int Add(const NodeConfig& config);
  // Starts node i and waits up to 90 s for GET /healthz to answer 200 (a "relay" node: for its
  // start line in the log). Returns "" or what went wrong, with the tail of the node's log.
  std::string Start(int i);
  // Starts every node that is not running; "" or the first failure.
  std::string StartAll();
  // SIGKILL: the node dies at once, mid-request, as in a crash or an OOM kill. Waits for it.
  void Kill(int i);
  bool running(int i) const { return nodes_[i].pid > 0; }
  // Kills every running node (for a fixture's TearDown, before its database goes).
  void KillAll();
  // SIGTERM to every running node at once (each drains, if its build does, at the same time),
  // then waits up to 30 s for each; node i's exit code at [i] (-1 for a node that was not
  // running or did not stop, which is then killed).
  std::vector<int> TerminateAll();
  // TerminateAll, then "" when every node that was running exited 0, except node `excused`
  // (-1: none; e.g. a node whose Galera node is gone may not stop cleanly); otherwise each
  // other node's exit code and log tail.
  std::string TerminateAllCleanly(int excused = -1);

  int size() const { return static_cast<int>(nodes_.size()); }
  int port(int i) const { return nodes_[i].port; }
  std::vector<int> ports() const;
  std::string url(int i) const { return "http://127.0.0.1:" + std::to_string(port(i)); }
  const NodeConfig& config(int i) const { return nodes_[i].config; }
  // Node i's config file (for `mileage admin --config`).
  const std::string& config_path(int i) const { return nodes_[i].config_path; }
  // The last `bytes` of node i's log (all its runs), for failure messages.
  std::string LogTail(int i, size_t bytes = 4000) const;
  // Every node's log tail, labelled.
  std::string LogTails() const;
  // How many lines of all the nodes' logs contain `text`.
  int CountInLogs(const std::string& text) const;

 private:
  struct Node {
    NodeConfig config;
    int port = 0;
    std::string config_path;
    std::string log_path;
    pid_t pid = -1;
  };
  void WriteConfig(const Node& node) const;
  // Waits up to `timeout` for the node to exit; its exit code, or -1 when it still runs.
  int Reap(Node& node, std::chrono::milliseconds timeout);

  std::string binary_;
  TempDir dir_;
  std::vector<Node> nodes_;
};

// A load balancer for tests in front of the nodes: every request (any method, path, query,
// body) goes to the next node in round-robin order; when that node refuses the connection (it
// is down) or answers 502, 503 or 504 (it cannot reach its database or Redis) the next one is
// tried, as a proxy's "next upstream" rule does. When no node takes the connection the answer
// is 503 (nothing was done); when a node dies after the request was sent it is 502 (the node
// may have acted on it); a client retries either, as WeChat does. A node's 5xx does not prove
// that nothing was done (a node whose database dies during COMMIT answers 503 though the commit
// may have been made), so an answer given after one carries kResentHeader. Adds X-Forwarded-For
// with the client's address. Serves from its own threads; the counters are safe to read from any
// thread. Stops and joins on destruction.
class NodeBalancer {
 public:
  static constexpr const char* kResentHeader = "X-Test-Balancer-Resent";

  explicit NodeBalancer(std::vector<int> node_ports, int threads = 32);
  ~NodeBalancer();
  NodeBalancer(const NodeBalancer&) = delete;
  NodeBalancer& operator=(const NodeBalancer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Requests each node answered.
  std::vector<int> answered() const;
  // Connections a node refused (so the request went to the next one).
  int refused() const { return refused_.load(); }
  // Requests a node answered 502, 503 or 504 (so the request went to the next one).
  int unavailable() const { return unavailable_.load(); }
  // Requests answered 503 (no node took them) or 502 (the node died with them).
  int failed() const { return failed_.load(); }

 private:
  void Handle(const httplib::Request& req, httplib::Response& res);

  std::vector<int> node_ports_;
  std::unique_ptr<std::atomic<int>[]> answered_;
  std::atomic<unsigned> next_{0};
  std::atomic<int> refused_{0};
  std::atomic<int> unavailable_{0};
  std::atomic<int> failed_{0};
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

// A Galera cluster for the multi-node tests, as scripts/lib/galera.sh exports it: one
// mysql:// URL per node (MILEAGE_TEST_GALERA_URLS, space separated) and the nodes' pids
// (MILEAGE_TEST_GALERA_PIDS, in the same order). Empty when the variables are not set.
struct GaleraCluster {
  std::vector<std::string> urls;
  std::vector<pid_t> pids;
  bool enabled() const { return !urls.empty(); }
  // The `database` URL of Mileage node `i`: `database_url` itself without a cluster; with one,
  // its database on Galera node i (round robin) with `?wsrep_sync_wait=1`, the setting
  // docs/OPERATIONS.md asks for when nodes write through different Galera nodes.
  std::string NodeDatabase(int i, const std::string& database_url) const;
};
GaleraCluster GaleraFromEnvironment();

// `database_url`'s database on the server of `server_url` (its user, password, host and port):
// a Galera node's URL for the test's private database, which the cluster replicates.
std::string SameDatabaseOn(const std::string& server_url, const std::string& database_url);

// True when `table` exists in the test's database (MySQL/MariaDB).
bool TableExists(TestDatabase& database, const std::string& table);

// The holder of the periodic jobs' lease in job_leases (the `node_id` of the node that runs the
// jobs; empty before any node took it). The outbox relay's lease, which `serve` nodes also
// take, is left out: these tests are about the jobs.
std::vector<std::string> LeaseHolders(TestDatabase& database);

}  // namespace mileage::testing

// The baseline of scripts/bench: the smallest cpp-httplib server with the same throughput
// settings as `mileage serve` (DESIGN.md section 8), answering GET /ping with the same body.
// Usage: mileage_bench_baseline PORT [THREADS]
#include <httplib.h>
#include <sys/socket.h>

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: mileage_bench_baseline PORT [THREADS]\n";
    return 2;
  }
  int port = std::atoi(argv[1]);
  size_t threads = argc > 2 ? static_cast<size_t>(std::atoi(argv[2])) : 64;
  // The same listen backlog as server/http/guarded_server.h (httplib 0.11 uses 5).
  struct TunedServer : httplib::Server {
    void RaiseListenBacklog(int backlog) { ::listen(svr_sock_, backlog); }
  } server;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(100000);
  server.set_keep_alive_timeout(5);
  server.Get("/ping", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"pong\":true}", "application/json");
  });
  if (!server.bind_to_port("127.0.0.1", port)) {
    std::cerr << "cannot listen on 127.0.0.1:" << port << '\n';
    return 1;
  }
  server.RaiseListenBacklog(1024);
  return server.listen_after_bind() ? 0 : 1;
}

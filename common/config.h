#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace mileage {

// host:port the HTTP server binds.
struct ListenAddress {
  std::string host = "127.0.0.1";
  int port = 8080;
};

// "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:0" (port 0 = any free port).
// InvalidArgument when the host is empty or the port is not in 0..65535.
Result<ListenAddress> ParseListenAddress(const std::string& text);

// One member tier and what qualifies for it over the rolling 12 months (spend OR visits).
struct TierSetting {
  std::string name;
  int64_t min_spend_fen = 0;
  int64_t min_visits = 0;
};

// The service configuration. Every field has the default of the embedded mode, so an empty
// config file (or none) starts a working service with no other server. server/ fills it from
// the JSON config file; the JSON key of each field is its name.
struct Config {
  // "listen": where the HTTP server binds.
  ListenAddress listen;
  // "database": "sqlite:PATH" (":memory:" for tests) or "mysql://user:pass@host:port/db".
  std::string database = "sqlite:var/mileage.db";
  // "database_pool_size": connections kept open to the database.
  int database_pool_size = 8;
  // "database_timeout_ms": SQLite busy timeout; MySQL connect/read/write timeout.
  int database_timeout_ms = 5000;
  // "kv": "memory" (in-process) or "redis://host:port/N".
  std::string kv = "memory";
  // "kv_pool_size": Redis connections kept open.
  int kv_pool_size = 8;
  // "kv_timeout_ms": Redis connect and command timeout.
  int kv_timeout_ms = 2000;
  // "http_threads": worker threads kept ready; each serves one connection (keep-alive included)
  // at a time (DESIGN.md section 8).
  int http_threads = 64;
  // "max_connections": connections served at once. When every worker is busy the pool grows by
  // one thread per new connection up to this (never below http_threads), so slow clients cannot
  // starve the others; further connections wait for a worker. Keep the open-file limit above it.
  int max_connections = 1024;
  // "max_connections_per_client": open connections one client address (an IPv6 /64) may hold;
  // more are answered 429 and closed. 0 = no limit. Trusted proxies are exempt.
  int max_connections_per_client = 128;
  // "request_deadline_ms": reading one request (request line, headers, body) must finish within
  // this, and writing its response too; a slower one is cut off (408) and its connection closed.
  int request_deadline_ms = 30000;
  // "keep_alive_max_count": requests served on one connection before it is closed.
  int keep_alive_max_count = 100000;
  // "keep_alive_timeout_s": idle seconds before a keep-alive connection is closed.
  int keep_alive_timeout_s = 5;
  // "max_body_bytes": larger request bodies are refused with 413.
  int64_t max_body_bytes = 1 << 20;
  // "trusted_proxies": addresses and CIDR networks (IPv4, IPv6) of the reverse proxies in
  // front; only their X-Forwarded-For names the client (server/http/client_address.h). Empty:
  // the client is always the TCP peer.
  std::vector<std::string> trusted_proxies;
  // "log_level": "debug", "info", "warn" or "error".
  std::string log_level = "info";
  // "data_key": 64 hex digits (32 bytes) that seal secrets at rest (merchant API v3 keys,
  // partner secrets) and sign console session tokens. Empty = not configured: with a SQLite
  // database the server keeps a generated key in data.key beside the database file (var/ by
  // default); with MySQL it is required. Give it as {"env":..} or {"file":..} in production.
  std::string data_key;
  // "previous_data_keys": data keys that were primary before a rotation, each 64 hex digits
  // (each entry may be {"env":..} or {"file":..}). Values sealed under one of them still open;
  // new values are sealed under data_key.
  std::vector<std::string> previous_data_keys;
  // "session_ttl_s": idle lifetime of a console session in seconds (sliding expiry).
  int session_ttl_s = 8 * 3600;
  // "member_session_ttl_s": idle lifetime of a mini-program member session in seconds (sliding
  // expiry; a session also ends 30 days after its login however active).
  int member_session_ttl_s = 7 * 24 * 3600;
  // "wechat_api_base_url": where the mini-program API (code2Session, stable_token, ...) is
  // called; a sandbox ("http://127.0.0.1:9090") stands in for WeChat in development and tests.
  std::string wechat_api_base_url = "https://api.weixin.qq.com";
  // "wechat_pay_base_url": where the WeChat Pay API v3 is called; the same sandbox answers it.
  std::string wechat_pay_base_url = "https://api.mch.weixin.qq.com";
  // "public_base_url": where WeChat Pay reaches this service (https://host[:port]); orders made
  // in the mini-program ask for their notifications at
  // <public_base_url>/wechatpay/v3/notify/<mchid>. Empty: http://127.0.0.1:<the bound port>
  // (development with the sandbox on the same machine).
  std::string public_base_url;
  // "tiers": member tiers lowest first, [{"name","min_spend_fen","min_visits"}, ...]; the first
  // has zero thresholds (every member starts there). A payment upgrades at once.
  std::vector<TierSetting> tiers = {
      {"silver", 0, 0}, {"gold", 500000, 12}, {"platinum", 2000000, 36}};
  // "tier_grace_days": how long a member who no longer qualifies keeps the tier before the
  // downgrade job moves them down.
  int tier_grace_days = 30;
  // "points_expiry_months": points expire at the end of the month this many months after the
  // month they were earned in; 0 = never.
  int points_expiry_months = 24;
  // "jobs_interval_s": how often `serve` runs the tier-downgrade and points-expiry jobs; 0 =
  // never (run `mileage jobs` from cron instead).
  int jobs_interval_s = 3600;
  // "segment_grant_interval_s": how often `serve` also runs the segment grants job on its own
  // schedule, so that a grant started in the console begins within this; 0 = only with the
  // other jobs.
  int segment_grant_interval_s = 60;
  // "node_id": this node's name among several on one database (docs/OPERATIONS.md, "Several
  // nodes"): the holder recorded in the periodic jobs' lease. Empty = <hostname>:<pid>. Must
  // differ between nodes.
  std::string node_id;
  // "job_lease_ttl_s": how long the periodic jobs' lease lasts without a renewal; after its
  // holder dies another node takes the jobs over within job_lease_ttl_s * 4 / 3.
  int job_lease_ttl_s = 30;
  // "relay_poll_ms": how often the outbox relay looks for events and due deliveries when it has
  // nothing to do (docs/OPERATIONS.md "Outbox relay"); 0 = `serve` runs no relay (run
  // `mileage relay` instead, or none).
  int relay_poll_ms = 1000;
  // "relay_timeout_s": a webhook delivery without an answer within this fails (and is retried).
  // The relay uses at most job_lease_ttl_s / 2 (at least 1), so that its lease outlives its
  // slowest delivery.
  int relay_timeout_s = 10;
  // "relay_retry_base_s", "relay_retry_max_s": a failed delivery is retried after a random wait
  // of up to base * 2^(failures-1) seconds, at most max (exponential backoff, full jitter).
  int relay_retry_base_s = 10;
  int relay_retry_max_s = 3600;
  // "relay_dead_after_s": a delivery still failing this long after its first attempt is
  // dead-lettered (the console lists and replays dead letters).
  int relay_dead_after_s = 86400;
  // "webhook_allow_private_urls": whether webhook endpoints may point at localhost or a
  // loopback, private or link-local IP literal. Off in production (an endpoint must not reach
  // the internal network); the development and test configs turn it on.
  bool webhook_allow_private_urls = false;
  // "drain_s": after SIGTERM, how long `serve` keeps serving while GET /healthz answers 503
  // (so that a load balancer takes the node out) before it stops accepting.
  int drain_s = 10;
  // "console_dir": the built web console (console/dist) that `serve` serves at /console/;
  // empty = no console (404).
  std::string console_dir;
};

}  // namespace mileage

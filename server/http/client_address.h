#pragma once

#include <httplib.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace mileage::server {

// An IPv4 or IPv6 address. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, what a dual-stack
// socket reports for an IPv4 peer) are kept as IPv4, so that one client has one address.
struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4

  // Dotted IPv4 or textual IPv6, nothing around it (no brackets, port or zone); nullopt when
  // the text is anything else.
  static std::optional<IpAddress> Parse(std::string_view text);
  // The canonical text ("10.0.0.1", "2001:db8::1").
  std::string ToString() const;
  size_t size() const { return v6 ? 16 : 4; }
  bool operator==(const IpAddress&) const = default;
};

// The configured reverse proxies ("trusted_proxies": addresses and CIDR networks, IPv4 and
// IPv6) whose X-Forwarded-For the server believes. Immutable after Parse; safe for concurrent
// use.
class TrustedProxies {
 public:
  TrustedProxies() = default;
  // Each entry is an address ("10.0.0.7", "::1") or a network ("10.0.0.0/8", "fd00::/8") with
  // no host bits set. InvalidArgument naming the first bad entry.
  static Result<TrustedProxies> Parse(const std::vector<std::string>& entries);

  bool Contains(const IpAddress& address) const;
  bool empty() const { return networks_.empty(); }

 private:
  struct Network {
    IpAddress base;
    int prefix_bits = 0;
  };
  std::vector<Network> networks_;
};

// The client address of a request: the TCP peer, unless the peer is a trusted proxy; then the
// right-most address of X-Forwarded-For (all its header lines, in order) that is not itself a
// trusted proxy, or the left-most one when every address in it is trusted. When the peer is
// trusted but the header is absent, or an entry read before the answer is not a bare IP
// address, the answer is the peer. Entries left of the answer are never read: a client can
// write anything there. Addresses come back canonical (IpAddress::ToString); a peer that is not
// an IP address is returned as given.
std::string ClientAddress(std::string_view peer, const std::vector<std::string_view>& forwarded_for,
                          const TrustedProxies& proxies);
std::string ClientAddress(const httplib::Request& req, const TrustedProxies& proxies);

// What the per-client connection limit counts by: the address itself for IPv4, the /64 network
// for IPv6 (one subscriber usually holds a whole /64).
std::string ConnectionKey(const IpAddress& address);

}  // namespace mileage::server

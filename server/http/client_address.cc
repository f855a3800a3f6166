#include "server/http/client_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace mileage::server {
namespace {

constexpr std::array<uint8_t, 12> kV4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool PrefixMatches(const IpAddress& address, const IpAddress& base, int prefix_bits) {
  if (address.v6 != base.v6) return false;
  int full_bytes = prefix_bits / 8;
  if (std::memcmp(address.bytes.data(), base.bytes.data(), static_cast<size_t>(full_bytes)) != 0)
    return false;
  int rest = prefix_bits % 8;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (address.bytes[static_cast<size_t>(full_bytes)] & mask) ==
         (base.bytes[static_cast<size_t>(full_bytes)] & mask);
}

bool HasHostBits(const IpAddress& base, int prefix_bits) {
  for (int bit = prefix_bits; bit < static_cast<int>(base.size()) * 8; ++bit) {
    if ((base.bytes[static_cast<size_t>(bit / 8)] >> (7 - bit % 8)) & 1) return true;
  }
  return false;
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  // inet_pton needs a terminated string; the longest IPv6 text is 45 characters.
  char buffer[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof buffer) return std::nullopt;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  IpAddress address;
  if (inet_pton(AF_INET, buffer, address.bytes.data()) == 1) return address;
  if (inet_pton(AF_INET6, buffer, address.bytes.data()) != 1) return std::nullopt;
  if (std::memcmp(address.bytes.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size()) == 0) {
    std::memmove(address.bytes.data(), address.bytes.data() + 12, 4);
    std::memset(address.bytes.data() + 4, 0, 12);
    return address;
  }
  address.v6 = true;
  return address;
}

std::string IpAddress::ToString() const {
  char buffer[INET6_ADDRSTRLEN];
  if (inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buffer, sizeof buffer) == nullptr) return {};
  return buffer;
}

Result<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& entries) {
  TrustedProxies proxies;
  for (const std::string& entry : entries) {
    auto bad = [&entry](const std::string& why) {
      return InvalidArgumentError("\"" + entry + "\" " + why);
    };
    std::string_view text = entry;
    size_t slash = text.find('/');
    std::string_view address_text = text.substr(0, slash);
    std::optional<IpAddress> base = IpAddress::Parse(address_text);
    if (!base) return bad("is not an IPv4 or IPv6 address or network (a.b.c.d/n, x::y/n)");
    const bool written_as_v6 = address_text.find(':') != std::string_view::npos;
    const int max_bits = written_as_v6 ? 128 : 32;
    int prefix_bits = max_bits;
    if (slash != std::string_view::npos) {
      std::string_view bits = text.substr(slash + 1);
      auto [end, error] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix_bits);
      if (bits.empty() || error != std::errc() || end != bits.data() + bits.size() ||
          prefix_bits < 0 || prefix_bits > max_bits) {
        return bad("has a prefix length that is not 0.." + std::to_string(max_bits));
      }
    }
    // An IPv4-mapped base ("::ffff:10.0.0.0/104") is kept as IPv4; so is its prefix.
    if (written_as_v6 && !base->v6) {
      prefix_bits -= 96;
      if (prefix_bits < 0) return bad("is an IPv4-mapped network shorter than /96");
    }
    if (HasHostBits(*base, prefix_bits)) {
      return bad("has bits set after the prefix length (write the network address)");
    }
    proxies.networks_.push_back({*base, prefix_bits});
  }
  return proxies;
}

bool TrustedProxies::Contains(const IpAddress& address) const {
  for (const Network& network : networks_) {
    if (PrefixMatches(address, network.base, network.prefix_bits)) return true;
  }
  return false;
}

std::string ClientAddress(std::string_view peer, const std::vector<std::string_view>& forwarded_for,
                          const TrustedProxies& proxies) {
  std::optional<IpAddress> peer_address = IpAddress::Parse(peer);
  if (!peer_address) return std::string(peer);
  std::string peer_text = peer_address->ToString();
  if (!proxies.Contains(*peer_address)) return peer_text;

  // The entries right to left across all header lines, read only as far as the answer.
  std::optional<IpAddress> leftmost;
  for (auto line = forwarded_for.rbegin(); line != forwarded_for.rend(); ++line) {
    std::string_view rest = *line;
    while (true) {
      size_t comma = rest.rfind(',');
      std::string_view entry =
          Trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
      std::optional<IpAddress> address = IpAddress::Parse(entry);
      if (!address) return peer_text;
      if (!proxies.Contains(*address)) return address->ToString();
      leftmost = address;
      if (comma == std::string_view::npos) break;
      rest = rest.substr(0, comma);
    }
  }
  return leftmost ? leftmost->ToString() : peer_text;
}

std::string ClientAddress(const httplib::Request& req, const TrustedProxies& proxies) {
  std::vector<std::string_view> forwarded_for;
  if (!proxies.empty()) {
    auto [begin, end] = req.headers.equal_range("X-Forwarded-For");
    for (auto it = begin; it != end; ++it) forwarded_for.push_back(it->second);
  }
  return ClientAddress(req.remote_addr, forwarded_for, proxies);
}

std::string ConnectionKey(const IpAddress& address) {
  if (!address.v6) return address.ToString();
  IpAddress network = address;
  std::memset(network.bytes.data() + 8, 0, 8);
  return network.ToString() + "/64";
}

}  // namespace mileage::server

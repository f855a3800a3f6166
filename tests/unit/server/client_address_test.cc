#include "server/http/client_address.h"

#include <gtest/gtest.h>

namespace mileage::server {
namespace {

TrustedProxies Proxies(const std::vector<std::string>& entries) {
  Result<TrustedProxies> proxies = TrustedProxies::Parse(entries);
  EXPECT_TRUE(proxies.ok()) << proxies.status().ToString();
  return proxies.ok() ? *proxies : TrustedProxies();
}

bool Trusts(const TrustedProxies& proxies, const char* address) {
  std::optional<IpAddress> parsed = IpAddress::Parse(address);
  EXPECT_TRUE(parsed.has_value()) << address;
  return parsed && proxies.Contains(*parsed);
}

TEST(IpAddressTest, ParsesBareAddressesAndCanonicalisesThem) {
  EXPECT_EQ(IpAddress::Parse("10.0.0.1")->ToString(), "10.0.0.1");
  EXPECT_FALSE(IpAddress::Parse("10.0.0.1")->v6);
  EXPECT_EQ(IpAddress::Parse("2001:DB8:0:0::5")->ToString(), "2001:db8::5");
  EXPECT_TRUE(IpAddress::Parse("::1")->v6);
  // A dual-stack socket's view of an IPv4 peer is that IPv4 address.
  std::optional<IpAddress> mapped = IpAddress::Parse("::ffff:192.0.2.7");
  ASSERT_TRUE(mapped);
  EXPECT_FALSE(mapped->v6);
  EXPECT_EQ(mapped->ToString(), "192.0.2.7");
  EXPECT_EQ(*mapped, *IpAddress::Parse("192.0.2.7"));
}

TEST(IpAddressTest, RefusesAnythingButABareAddress) {
  for (const char* text :
       {"", "10.0.0", "10.0.0.1:80", "[::1]", "[::1]:80", "fe80::1%eth0", " 10.0.0.1", "10.0.0.256",
        "localhost", "unknown", "1111:2222:3333:4444:5555:6666:7777:8888:9999"}) {
    EXPECT_FALSE(IpAddress::Parse(text).has_value()) << text;
  }
}

TEST(TrustedProxiesTest, AddressesAndNetworksOfBothFamilies) {
  TrustedProxies proxies =
      Proxies({"10.0.0.0/8", "192.168.1.7", "fd00::/8", "::1", "::ffff:172.16.0.0/108"});
  EXPECT_TRUE(Trusts(proxies, "10.200.3.4"));
  EXPECT_FALSE(Trusts(proxies, "11.0.0.1"));
  EXPECT_TRUE(Trusts(proxies, "192.168.1.7"));
  EXPECT_FALSE(Trusts(proxies, "192.168.1.8"));
  EXPECT_TRUE(Trusts(proxies, "fd12:3456::1"));
  EXPECT_FALSE(Trusts(proxies, "fe00::1"));
  EXPECT_TRUE(Trusts(proxies, "::1"));
  EXPECT_FALSE(Trusts(proxies, "::2"));
  // 172.16.0.0/12 written IPv4-mapped.
  EXPECT_TRUE(Trusts(proxies, "172.31.255.255"));
  EXPECT_FALSE(Trusts(proxies, "172.32.0.0"));
  // An IPv4 peer seen through a dual-stack socket is still in 10.0.0.0/8.
  EXPECT_TRUE(Trusts(proxies, "::ffff:10.1.1.1"));
  // No network of one family covers the other.
  EXPECT_FALSE(Trusts(Proxies({"0.0.0.0/0"}), "2001:db8::1"));
  EXPECT_TRUE(Trusts(Proxies({"0.0.0.0/0"}), "203.0.113.5"));
  EXPECT_TRUE(Trusts(Proxies({"::/0"}), "2001:db8::1"));
  EXPECT_TRUE(TrustedProxies().empty());
  EXPECT_FALSE(Trusts(TrustedProxies(), "127.0.0.1"));
}

TEST(TrustedProxiesTest, BadEntriesAreRefusedByName) {
  for (const char* entry :
       {"10.0.0.1/8", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/8x", "10.0.0.0/-1", "fd00::/129",
        "fd00::1/8", "proxy.internal", "", "::ffff:10.0.0.0/95", "10.0.0.0/8 "}) {
    Result<TrustedProxies> proxies = TrustedProxies::Parse({"127.0.0.1", entry});
    ASSERT_FALSE(proxies.ok()) << entry;
    EXPECT_EQ(proxies.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(proxies.status().message().find(std::string("\"") + entry + "\""), std::string::npos)
        << proxies.status().message();
  }
}

TEST(ClientAddressTest, WithoutTrustedProxiesTheClientIsThePeer) {
  EXPECT_EQ(ClientAddress("203.0.113.9", {"198.51.100.7"}, TrustedProxies()), "203.0.113.9");
  // An untrusted peer cannot name someone else either.
  EXPECT_EQ(ClientAddress("203.0.113.9", {"198.51.100.7"}, Proxies({"10.0.0.0/8"})), "203.0.113.9");
  EXPECT_EQ(ClientAddress("::ffff:203.0.113.9", {}, TrustedProxies()), "203.0.113.9");
}

TEST(ClientAddressTest, BehindTrustedProxiesTheRightmostUntrustedEntryIsTheClient) {
  TrustedProxies proxies = Proxies({"10.0.0.0/8", "::1"});
  EXPECT_EQ(ClientAddress("10.0.0.1", {"198.51.100.7"}, proxies), "198.51.100.7");
  // Two proxies: the edge one appended the client, the inner one the edge proxy.
  EXPECT_EQ(ClientAddress("10.0.0.1", {"198.51.100.7, 10.0.0.2"}, proxies), "198.51.100.7");
  // Whatever the client wrote itself stays left of what the proxy appended.
  EXPECT_EQ(ClientAddress("10.0.0.1", {"6.6.6.6, 198.51.100.7"}, proxies), "198.51.100.7");
  EXPECT_EQ(ClientAddress("10.0.0.1", {"not an address,198.51.100.7"}, proxies), "198.51.100.7");
  EXPECT_EQ(ClientAddress("10.0.0.1", {"10.0.0.9, 198.51.100.7"}, proxies), "198.51.100.7");
  // Several header lines are one list, in order.
  EXPECT_EQ(ClientAddress("10.0.0.1", {"6.6.6.6", "198.51.100.7,\t10.0.0.3", "10.0.0.2"}, proxies),
            "198.51.100.7");
  // IPv6, canonicalised.
  EXPECT_EQ(ClientAddress("::1", {"2001:DB8::0:5"}, proxies), "2001:db8::5");
  EXPECT_EQ(ClientAddress("::ffff:10.0.0.1", {"198.51.100.7"}, proxies), "198.51.100.7");
}

TEST(ClientAddressTest, EveryEntryTrustedGivesTheLeftmost) {
  TrustedProxies proxies = Proxies({"10.0.0.0/8"});
  EXPECT_EQ(ClientAddress("10.0.0.1", {"10.0.0.3, 10.0.0.2"}, proxies), "10.0.0.3");
}

TEST(ClientAddressTest, MissingOrMalformedHeaderFromATrustedPeerGivesThePeer) {
  TrustedProxies proxies = Proxies({"10.0.0.0/8"});
  EXPECT_EQ(ClientAddress("10.0.0.1", {}, proxies), "10.0.0.1");
  for (const char* header : {"", " ", "198.51.100.7:5555", "198.51.100.7, garbage", "[2001:db8::1]",
                             "198.51.100.7,", "unknown", "10.0.0.2, ,"}) {
    EXPECT_EQ(ClientAddress("10.0.0.1", {header}, proxies), "10.0.0.1") << header;
  }
}

TEST(ClientAddressTest, AnUnparsablePeerIsReturnedAsGiven) {
  EXPECT_EQ(ClientAddress("", {"198.51.100.7"}, Proxies({"0.0.0.0/0"})), "");
}

TEST(ClientAddressTest, ReadsTheHeadersOfAnHttpRequest) {
  httplib::Request req;
  req.remote_addr = "10.0.0.1";
  req.headers.emplace("X-Forwarded-For", "6.6.6.6, 198.51.100.7");
  req.headers.emplace("x-forwarded-for", "10.0.0.2");
  EXPECT_EQ(ClientAddress(req, Proxies({"10.0.0.0/8"})), "198.51.100.7");
  EXPECT_EQ(ClientAddress(req, TrustedProxies()), "10.0.0.1");
}

TEST(ConnectionKeyTest, IPv4ByAddressIPv6ByItsSlash64) {
  EXPECT_EQ(ConnectionKey(*IpAddress::Parse("203.0.113.9")), "203.0.113.9");
  EXPECT_EQ(ConnectionKey(*IpAddress::Parse("2001:db8:1:2:3:4:5:6")), "2001:db8:1:2::/64");
  EXPECT_EQ(ConnectionKey(*IpAddress::Parse("2001:db8:1:2:ffff::1")),
            ConnectionKey(*IpAddress::Parse("2001:db8:1:2::9")));
}

}  // namespace
}  // namespace mileage::server

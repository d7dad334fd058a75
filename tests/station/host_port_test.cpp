// One HOST:PORT parser for the config's `listen`, the control server and `--control`: what
// each accepts and the reason it gives for what it refuses.
#include <gtest/gtest.h>

#include "station/host_port.hpp"

namespace onair {
namespace {

TEST(HostPort, AddressesToListenOn) {
  std::string error;
  auto p = parse_host_port("127.0.0.1:8640", HostKind::address, 1, error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->host, "127.0.0.1");
  EXPECT_EQ(p->port, 8640);
  p = parse_host_port("[::1]:80", HostKind::address, 1, error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->host, "::1");
  EXPECT_TRUE(parse_host_port("LocalHost:1", HostKind::address, 1, error));
  EXPECT_TRUE(parse_host_port("0.0.0.0:0", HostKind::address, 0, error)) << "port 0: any free port, for servers";
  const std::pair<const char*, const char*> refused[] = {
      {"", "missing :PORT"},
      {"8640", "missing :PORT"},
      {"127.0.0.1:", "the port must be a number from 1 to 65535"},
      {"127.0.0.1:0", "from 1 to 65535"},
      {"127.0.0.1:99999", "from 1 to 65535"},
      {"127.0.0.1:http", "from 1 to 65535"},
      {":8640", "the host is missing"},
      {"::1:8640", "in brackets"},
      {"[::1]8640", "missing :PORT"},
      {"[::1:8640", "missing ']'"},
      {"[127.0.0.1]:80", "not an IPv6 address"},
      {"example.com:8640", "not a numeric IPv4 address"},
      {"300.1.1.1:80", "not a numeric IPv4 address"},
  };
  for (const auto& [text, why] : refused) {
    error.clear();
    EXPECT_FALSE(parse_host_port(text, HostKind::address, 1, error)) << text;
    EXPECT_NE(error.find(why), std::string::npos) << text << ": " << error;
  }
}

TEST(HostPort, NamesToConnectTo) {
  std::string error;
  auto p = parse_host_port("studio-1.local:8640", HostKind::name, 1, error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->host, "studio-1.local");
  for (const char* hostile : {"a/b:80", "user@host:80", "a b:80", "host\r\nX: y:80", "é.vn:80"}) {
    EXPECT_FALSE(parse_host_port(hostile, HostKind::name, 1, error)) << hostile;
  }
}

TEST(HostPort, LoopbackAndBackToText) {
  for (const char* host : {"127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1", "localhost", "LOCALHOST"})
    EXPECT_TRUE(is_loopback_host(host)) << host;
  for (const char* host : {"0.0.0.0", "::", "192.168.1.10", "128.0.0.1", "::ffff:10.0.0.1", "localhost.example", ""})
    EXPECT_FALSE(is_loopback_host(host)) << host;
  EXPECT_EQ(join_host_port("::1", 8640), "[::1]:8640");
  EXPECT_EQ(join_host_port("127.0.0.1", 80), "127.0.0.1:80");
}

}  // namespace
}  // namespace onair

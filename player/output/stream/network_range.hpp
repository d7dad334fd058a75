#pragma once
// IP addresses and networks ("192.168.1.0/24", "2001:db8::/32", a bare address) for the
// built-in stream server's bind address and allow-list. Pure, no name lookups.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sockaddr;
struct sockaddr_storage;

namespace onair {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // v4: the first 4

  bool loopback() const noexcept;    // 127.0.0.0/8, ::1 (and ::ffff:127.x)
  bool unspecified() const noexcept;  // 0.0.0.0, ::
  std::string text() const;
};

// A numeric address ("10.0.0.5", "::1"; "localhost" is 127.0.0.1); nullopt otherwise.
std::optional<IpAddress> parse_ip(std::string_view s);
// The peer of an accepted socket (AF_INET or AF_INET6; a v4-mapped v6 address is v4).
std::optional<IpAddress> ip_of(const sockaddr* sa);

// `a`:`port` as a socket address (AF_INET or AF_INET6); returns its length.
unsigned to_sockaddr(const IpAddress& a, int port, sockaddr_storage& out);

struct NetworkRange {
  IpAddress base;
  int prefix = 32;  // bits

  bool contains(const IpAddress& a) const noexcept;
  std::string text() const;
};

// "ADDR/BITS" or a bare "ADDR"; nullopt with `why` set.
std::optional<NetworkRange> parse_network(std::string_view s, std::string& why);

}  // namespace onair

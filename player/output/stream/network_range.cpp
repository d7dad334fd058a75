#include "player/output/stream/network_range.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "player/output/stream/url_parts.hpp"

namespace onair {

namespace {
bool v4_mapped(const std::uint8_t* b) {
  static constexpr std::uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(b, prefix, 12) == 0;
}
}  // namespace

bool IpAddress::loopback() const noexcept {
  if (!v6) return bytes[0] == 127;
  static constexpr std::array<std::uint8_t, 16> one = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return bytes == one;
}

bool IpAddress::unspecified() const noexcept {
  for (std::size_t i = 0; i < (v6 ? 16u : 4u); ++i)
    if (bytes[i] != 0) return false;
  return true;
}

std::string IpAddress::text() const {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

std::optional<IpAddress> parse_ip(std::string_view s) {
  if (s == "localhost") s = "127.0.0.1";
  const std::string z(s);  // inet_pton wants a terminated string
  IpAddress a;
  if (::inet_pton(AF_INET, z.c_str(), a.bytes.data()) == 1) return a;
  a.v6 = true;
  if (::inet_pton(AF_INET6, z.c_str(), a.bytes.data()) == 1) return a;
  return std::nullopt;
}

std::optional<IpAddress> ip_of(const sockaddr* sa) {
  IpAddress a;
  if (sa->sa_family == AF_INET) {
    std::memcpy(a.bytes.data(), &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, 4);
    return a;
  }
  if (sa->sa_family == AF_INET6) {
    const auto* b = reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr.s6_addr;
    if (v4_mapped(b)) {
      std::memcpy(a.bytes.data(), b + 12, 4);
      return a;
    }
    a.v6 = true;
    std::memcpy(a.bytes.data(), b, 16);
    return a;
  }
  return std::nullopt;
}

unsigned to_sockaddr(const IpAddress& a, int port, sockaddr_storage& out) {
  out = {};
  if (a.v6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&out);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<std::uint16_t>(port));
    std::memcpy(&in6->sin6_addr, a.bytes.data(), 16);
    return sizeof *in6;
  }
  auto* in4 = reinterpret_cast<sockaddr_in*>(&out);
  in4->sin_family = AF_INET;
  in4->sin_port = htons(static_cast<std::uint16_t>(port));
  std::memcpy(&in4->sin_addr, a.bytes.data(), 4);
  return sizeof *in4;
}

bool NetworkRange::contains(const IpAddress& a) const noexcept {
  if (a.v6 != base.v6) return false;
  int bits = prefix;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((a.bytes[i] & mask) != (base.bytes[i] & mask)) return false;
  }
  return true;
}

std::string NetworkRange::text() const { return base.text() + "/" + std::to_string(prefix); }

std::optional<NetworkRange> parse_network(std::string_view s, std::string& why) {
  const auto slash = s.find('/');
  const auto ip = parse_ip(s.substr(0, slash));
  if (!ip || s.substr(0, slash) == "localhost") {
    why = "'" + std::string(s) + "' is not a network (ADDRESS/BITS, e.g. 192.168.1.0/24)";
    return std::nullopt;
  }
  NetworkRange r{*ip, ip->v6 ? 128 : 32};
  if (slash != std::string_view::npos) {
    const auto bits = parse_int(s.substr(slash + 1));
    if (!bits || *bits < 0 || *bits > r.prefix) {
      why = "'" + std::string(s) + "': the prefix must be 0…" + std::to_string(r.prefix);
      return std::nullopt;
    }
    r.prefix = *bits;
  }
  return r;
}

}  // namespace onair

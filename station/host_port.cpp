#include "station/host_port.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>

namespace onair {
namespace {

bool is_v4(const std::string& host) {
  in_addr v4{};
  return ::inet_pton(AF_INET, host.c_str(), &v4) == 1;
}

bool is_v6(const std::string& host) {
  in6_addr v6{};
  return ::inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Letters, digits, '-' and '.': nothing that could smuggle a path, a user or a header.
bool is_host_name(const std::string& host) {
  return !host.empty() && host.size() <= 253 && std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.';
  });
}

}  // namespace

std::optional<HostPort> parse_host_port(const std::string& text, HostKind kind, int min_port, std::string& error) {
  std::string host, port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos) {
      error = "missing ']' after the IPv6 address";
      return std::nullopt;
    }
    if (close + 1 >= text.size() || text[close + 1] != ':') {
      error = "missing :PORT after the ']'";
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (!is_v6(host)) {
      error = "'" + host + "' is not an IPv6 address";
      return std::nullopt;
    }
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) {
      error = "missing :PORT";
      return std::nullopt;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string::npos) {
      error = "write an IPv6 address in brackets, e.g. [::1]:8640";
      return std::nullopt;
    }
    if (host.empty()) {
      error = "the host is missing; use 127.0.0.1 for this machine only, or 0.0.0.0 for all interfaces";
      return std::nullopt;
    }
    const bool ok = kind == HostKind::address ? lower(host) == "localhost" || is_v4(host) : is_host_name(host);
    if (!ok) {
      error = kind == HostKind::address ? "'" + host + "' is not a numeric IPv4 address (or localhost)"
                                        : "'" + host + "' is not a host name or address";
      return std::nullopt;
    }
  }
  const std::string range = "the port must be a number from " + std::to_string(min_port) + " to 65535";
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
    error = range;
    return std::nullopt;
  }
  const int n = std::stoi(port);
  if (n < min_port || n > 65535) {
    error = range;
    return std::nullopt;
  }
  return HostPort{host, n};
}

bool is_loopback_host(const std::string& host) {
  if (lower(host) == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    if (IN6_IS_ADDR_V4MAPPED(&v6)) return v6.s6_addr[12] == 127;
  }
  return false;
}

std::string join_host_port(const std::string& host, int port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace onair

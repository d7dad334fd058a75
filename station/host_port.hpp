#pragma once
// HOST:PORT as the station's configuration, its control server and the command line's
// control client write it: one parser, one loopback rule.
#include <optional>
#include <string>

namespace onair {

struct HostPort {
  std::string host;  // without brackets
  int port = 0;
};

enum class HostKind {
  address,  // to listen on: a numeric IPv4 or IPv6 address, or localhost
  name,     // to connect to: a host name too
};

// "HOST:PORT" or "[IPV6]:PORT" with PORT from `min_port` (0: any free port) to 65535.
// nullopt with `error` saying what is wrong ("the port must be a number from 1 to 65535").
std::optional<HostPort> parse_host_port(const std::string& text, HostKind kind, int min_port, std::string& error);

// 127.0.0.0/8, ::1 (and ::ffff:127.x.x.x) and "localhost", in any case.
bool is_loopback_host(const std::string& host);

// Back to text: IPv6 addresses in brackets.
std::string join_host_port(const std::string& host, int port);

}  // namespace onair

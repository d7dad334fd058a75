#include "player/output/stream/url_parts.hpp"

#include <charconv>

namespace onair {

std::optional<int> parse_int(std::string_view s) noexcept {
  int v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;  // needs two hex digits
    int v = 0;
    const auto [p, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
    if (ec != std::errc{} || p != s.data() + i + 3) return std::nullopt;
    out += static_cast<char>(v);
    i += 2;
  }
  return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> split_query(std::string_view query, std::string& bad) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!value) {
      bad = std::string(pair);
      return std::nullopt;
    }
    pairs.emplace_back(std::string(pair.substr(0, eq)), std::move(*value));
  }
  return pairs;
}

bool take_stream_param(const std::string& key, const std::string& value, int& bitrate_kbps, bool& mono,
                       std::chrono::milliseconds& delay, std::string& error) {
  if (key == "bitrate") {
    const auto b = parse_int(value);
    if (!b || *b < 8 || *b > 320) error = "bitrate '" + value + "' is out of range 8…320 (kbit/s)";
    else bitrate_kbps = *b;
  } else if (key == "mono") {
    if (value != "0" && value != "1") error = "mono must be 0 or 1, not '" + value + "'";
    else mono = value == "1";
  } else if (key == "delay") {
    const auto d = parse_int(value);
    if (!d || *d < 0 || *d > 10000) error = "delay '" + value + "' is out of range 0…10000 (ms)";
    else delay = std::chrono::milliseconds(*d);
  } else {
    return false;
  }
  return true;
}

std::optional<HostPort> split_host_port(std::string_view authority, std::optional<int> default_port, std::string& why) {
  HostPort hp;
  std::string_view port_text;
  bool has_port = false;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      why = "unclosed '[' in '" + std::string(authority) + "'";
      return std::nullopt;
    }
    hp.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') {
        why = "bad address '" + std::string(authority) + "'";
        return std::nullopt;
      }
      port_text = after.substr(1);
      has_port = true;
    }
  } else {
    const auto colon = authority.rfind(':');
    hp.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      has_port = true;
    }
  }
  if (hp.host.empty()) {
    why = "no host";
    return std::nullopt;
  }
  if (!has_port) {
    if (!default_port) {
      why = "no port (HOST:PORT)";
      return std::nullopt;
    }
    hp.port = *default_port;
    return hp;
  }
  const auto port = parse_int(port_text);
  if (!port || *port < 1 || *port > 65535) {
    why = "bad port '" + std::string(port_text) + "'";
    return std::nullopt;
  }
  hp.port = *port;
  return hp;
}

}  // namespace onair

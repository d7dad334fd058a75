#include "player/output/stream/listen_url.hpp"

#include "player/output/stream/url_parts.hpp"

namespace onair {

namespace {

constexpr std::string_view kScheme = "listen://";

bool token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

std::string without_token(std::string_view url) {
  const auto at = url.find("token=");
  if (at == std::string_view::npos) return std::string(url);
  const auto end = url.find('&', at);
  return std::string(url.substr(0, at + 6)) + "***" + (end == std::string_view::npos ? "" : std::string(url.substr(end)));
}

std::string host_text(const IpAddress& a) { return a.v6 ? "[" + a.text() + "]" : a.text(); }

}  // namespace

std::string describe(const ListenTarget& t) {
  return std::string(kScheme) + host_text(t.address) + ":" + std::to_string(t.port) + t.path;
}

std::optional<ListenTarget> parse_listen_url(std::string_view url, std::string& error) {
  auto fail = [&](const std::string& why) {
    error = without_token(url) + ": " + why;
    return std::nullopt;
  };
  if (!url.starts_with(kScheme)) return fail("not a listen:// URL");
  std::string_view rest = url.substr(kScheme.size());
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 >= rest.size())
    return fail("no path (listen://HOST:PORT/NAME.mp3, .ogg or .aac)");
  ListenTarget t;
  t.path = std::string(rest.substr(slash));
  for (const char c : t.path)
    if (static_cast<unsigned char>(c) <= ' ' || c == '%' || c == '#' || c == '\\')
      return fail("the path may not hold spaces, control characters, '%', '#' or '\\'");
  if (t.path.ends_with(".mp3")) t.codec = StreamCodec::mp3;
  else if (t.path.ends_with(".ogg") || t.path.ends_with(".opus")) t.codec = StreamCodec::opus;
  else if (t.path.ends_with(".aac")) t.codec = StreamCodec::aac;
  else return fail("the path must end in .mp3, .ogg (Opus) or .aac, not '" + t.path + "'");
  std::string why;
  const auto hp = split_host_port(rest.substr(0, slash), std::nullopt, why);
  if (!hp) return fail(why);
  const auto address = parse_ip(hp->host);
  if (!address) return fail("'" + hp->host + "' is not an IP address (e.g. 127.0.0.1, 0.0.0.0, 192.168.1.10, [::1])");
  t.address = *address;
  t.port = hp->port;
  std::string bad;
  const auto pairs = split_query(query, bad);
  if (!pairs) return fail("bad %-escape in '" + without_token(bad) + "'");
  for (const auto& [key, value] : *pairs) {
    if (std::string bad_param; take_stream_param(key, value, t.bitrate_kbps, t.mono, t.delay, bad_param)) {
      if (!bad_param.empty()) return fail(bad_param);
    } else if (key == "burst") {
      const auto d = parse_int(value);
      if (!d || *d < 0 || *d > 10000) return fail("burst '" + value + "' is out of range 0…10000 (ms)");
      t.burst = std::chrono::milliseconds(*d);
    } else if (key == "listeners") {
      const auto n = parse_int(value);
      if (!n || *n < 1 || *n > 1000) return fail("listeners '" + value + "' is out of range 1…1000");
      t.max_listeners = *n;
    } else if (key == "allow") {
      std::string_view list = value;
      while (!list.empty()) {
        const auto comma = list.find(',');
        const auto one = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        const auto net = parse_network(one, why);
        if (!net) return fail("allow: " + why);
        t.allow.push_back(*net);
      }
      if (t.allow.size() > 64) return fail("allow: at most 64 networks");
    } else if (key == "token") {
      if (value.size() < 12 || value.size() > 128) return fail("the token must be 12…128 characters");
      for (const char c : value)
        if (!token_char(c)) return fail("the token may hold only A-Z a-z 0-9 - _ . ~");
      t.token = value;
    } else if (key == "name") {
      if (value.size() > 200) return fail("name: at most 200 bytes");
      for (const char c : value)
        if (static_cast<unsigned char>(c) < ' ') return fail("name: no control characters");
      t.name = value;
    } else {
      return fail("unknown parameter '" + key + "' (bitrate, mono, delay, burst, listeners, allow, token, name)");
    }
  }
  if (!t.address.loopback() && t.allow.empty() && t.token.empty())
    return fail(host_text(t.address) +
                " is reachable from the network: say who may listen with allow=NETWORK/BITS,… (e.g. "
                "allow=192.168.1.0/24) or token=SECRET, or listen on 127.0.0.1");
  return t;
}

}  // namespace onair

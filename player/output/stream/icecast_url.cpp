#include "player/output/stream/icecast_url.hpp"

#include <charconv>

namespace onair {

namespace {

constexpr std::string_view kScheme = "icecast://";

std::optional<int> to_int(std::string_view s) {
  int v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// %XX escapes (a password with '@' or ':' in it is written %40, %3A).
std::optional<std::string> unescape(std::string_view s) {
  std::string out;
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

}  // namespace

std::string describe(const IcecastTarget& t) {
  return "icecast://" + t.host + ":" + std::to_string(t.port) + t.mount;
}

std::optional<IcecastTarget> parse_icecast_url(std::string_view url, std::string& error) {
  const std::string shown = [&] {  // the URL without its password, for messages
    const auto at = url.find('@');
    const auto colon = url.find(':', kScheme.size());
    if (at == std::string_view::npos || colon == std::string_view::npos || colon > at) return std::string(url);
    return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
  }();
  auto fail = [&](const std::string& why) {
    error = shown + ": " + why;
    return std::nullopt;
  };
  if (!url.starts_with(kScheme)) return fail("not an icecast:// URL");
  std::string_view rest = url.substr(kScheme.size());
  IcecastTarget t;
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 >= rest.size()) return fail("no mount point (…@HOST:PORT/MOUNT)");
  t.mount = std::string(rest.substr(slash));
  std::string_view authority = rest.substr(0, slash);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    const auto user = unescape(userinfo.substr(0, colon));
    if (!user || user->empty()) return fail("bad user name");
    t.user = *user;
    if (colon != std::string_view::npos) {
      const auto pass = unescape(userinfo.substr(colon + 1));
      if (!pass) return fail("bad %-escape in the password");
      t.password = *pass;
    }
  }
  if (t.password.empty()) return fail("no password (icecast://source:PASSWORD@HOST:PORT/MOUNT)");
  const auto colon = authority.rfind(':');
  t.host = std::string(authority.substr(0, colon));
  if (colon != std::string_view::npos) {
    const auto port = to_int(authority.substr(colon + 1));
    if (!port || *port < 1 || *port > 65535) return fail("bad port '" + std::string(authority.substr(colon + 1)) + "'");
    t.port = *port;
  }
  if (t.host.empty()) return fail("no host");
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    const auto value = unescape(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!value) return fail("bad %-escape in '" + std::string(pair) + "'");
    if (key == "format") {
      if (*value == "mp3") t.codec = StreamCodec::mp3;
      else if (*value == "opus") t.codec = StreamCodec::opus;
      else if (*value == "aac") return fail("format aac: this libshout (2.4) cannot send AAC; use mp3 or opus");
      else return fail("unknown format '" + *value + "' (mp3 or opus)");
    } else if (key == "bitrate") {
      const auto b = to_int(*value);
      if (!b || *b < 8 || *b > 320) return fail("bitrate '" + *value + "' is out of range 8…320 (kbit/s)");
      t.bitrate_kbps = *b;
    } else if (key == "mono") {
      if (*value != "0" && *value != "1") return fail("mono must be 0 or 1, not '" + *value + "'");
      t.mono = *value == "1";
    } else if (key == "delay") {
      const auto d = to_int(*value);
      if (!d || *d < 0 || *d > 10000) return fail("delay '" + *value + "' is out of range 0…10000 (ms)");
      t.delay = std::chrono::milliseconds(*d);
    } else if (key == "name") {
      t.name = *value;
    } else {
      return fail("unknown parameter '" + std::string(key) + "' (format, bitrate, mono, delay, name)");
    }
  }
  return t;
}

}  // namespace onair

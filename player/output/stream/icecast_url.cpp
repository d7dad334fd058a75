#include "player/output/stream/icecast_url.hpp"

#include "player/output/stream/url_parts.hpp"

namespace onair {

namespace {
constexpr std::string_view kScheme = "icecast://";
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
    const auto user = percent_decode(userinfo.substr(0, colon));
    if (!user || user->empty()) return fail("bad user name");
    t.user = *user;
    if (colon != std::string_view::npos) {
      const auto pass = percent_decode(userinfo.substr(colon + 1));
      if (!pass) return fail("bad %-escape in the password");
      t.password = *pass;
    }
  }
  if (t.password.empty()) return fail("no password (icecast://source:PASSWORD@HOST:PORT/MOUNT)");
  std::string why;
  const auto hp = split_host_port(authority, 8000, why);
  if (!hp) return fail(why);
  t.host = hp->host;
  t.port = hp->port;
  std::string bad;
  const auto pairs = split_query(query, bad);
  if (!pairs) return fail("bad %-escape in '" + bad + "'");
  for (const auto& [key, v] : *pairs) {
    const std::string* value = &v;
    if (key == "format") {
      if (*value == "mp3") t.codec = StreamCodec::mp3;
      else if (*value == "opus") t.codec = StreamCodec::opus;
      else if (*value == "aac") return fail("format aac: this libshout (2.4) cannot send AAC; use mp3 or opus");
      else return fail("unknown format '" + *value + "' (mp3 or opus)");
    } else if (std::string bad_param; take_stream_param(key, *value, t.bitrate_kbps, t.mono, t.delay, bad_param)) {
      if (!bad_param.empty()) return fail(bad_param);
    } else if (key == "name") {
      t.name = *value;
    } else {
      return fail("unknown parameter '" + std::string(key) + "' (format, bitrate, mono, delay, name)");
    }
  }
  return t;
}

}  // namespace onair

#include "player/output/stream/rtp_url.hpp"

#include "player/output/stream/url_parts.hpp"

namespace onair {

namespace {
constexpr std::string_view kScheme = "rtp://";
std::string host_text(const IpAddress& a) { return a.v6 ? "[" + a.text() + "]" : a.text(); }
}  // namespace

std::string describe(const RtpTarget& t) {
  return std::string(kScheme) + host_text(t.address) + ":" + std::to_string(t.port) + " (" +
         std::string(codec_label(t.codec)) + ")";
}

std::optional<RtpTarget> parse_rtp_url(std::string_view url, std::string& error) {
  auto fail = [&](const std::string& why) {
    error = std::string(url) + ": " + why;
    return std::nullopt;
  };
  if (!url.starts_with(kScheme)) return fail("not an rtp:// URL");
  std::string_view rest = url.substr(kScheme.size());
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) return fail("no path after GROUP:PORT");
  std::string why;
  const auto hp = split_host_port(rest, std::nullopt, why);
  if (!hp) return fail(why);
  const auto address = parse_ip(hp->host);
  if (!address || address->unspecified())
    return fail("'" + hp->host + "' is not an address to send to (a multicast group such as 239.255.0.1, or a receiver's IP)");
  RtpTarget t;
  t.address = *address;
  t.port = hp->port;
  if (t.port % 2 != 0) return fail("the port must be even (RTP; RTCP takes the next), not " + std::to_string(t.port));
  std::string bad;
  const auto pairs = split_query(query, bad);
  if (!pairs) return fail("bad %-escape in '" + bad + "'");
  for (const auto& [key, value] : *pairs) {
    if (key == "payload") {
      if (value == "l16") t.codec = StreamCodec::l16;
      else if (value == "opus") t.codec = StreamCodec::opus;
      else if (value == "mp3") t.codec = StreamCodec::mp3;
      else return fail("unknown payload '" + value + "' (l16, opus or mp3)");
    } else if (key == "ttl") {
      const auto n = parse_int(value);
      if (!n || *n < 1 || *n > 255) return fail("ttl '" + value + "' is out of range 1…255");
      t.ttl = *n;
    } else if (std::string bad_param; take_stream_param(key, value, t.bitrate_kbps, t.mono, t.delay, bad_param)) {
      if (!bad_param.empty()) return fail(bad_param);
    } else if (key == "sdp") {
      if (value.empty()) return fail("sdp needs a file path");
      t.sdp = value;
    } else {
      return fail("unknown parameter '" + key + "' (payload, ttl, bitrate, mono, delay, sdp)");
    }
  }
  if (t.sdp.empty()) t.sdp = "rtp-" + t.address.text() + "-" + std::to_string(t.port) + ".sdp";
  return t;
}

}  // namespace onair

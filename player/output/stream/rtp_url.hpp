#pragma once
// The `rtp://GROUP:PORT?payload=l16|opus|mp3&ttl=N&…` spelling of an RTP output
// (docs/streams.md): parsed and checked here, with a message naming the bad part.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "player/output/stream/network_range.hpp"
#include "player/output/stream/stream_codec.hpp"

namespace onair {

struct RtpTarget {
  IpAddress address;  // a multicast group (224.0.0.0/4, ff00::/8) or one receiver
  int port = 5004;    // even (RTP), RTCP would be the next
  StreamCodec codec = StreamCodec::l16;
  int ttl = 16;       // multicast hops
  int bitrate_kbps = 128;  // opus, mp3
  bool mono = false;
  std::chrono::milliseconds delay{0};
  std::filesystem::path sdp;  // the session description written at open (default: ./rtp-HOST-PORT.sdp)
};

std::optional<RtpTarget> parse_rtp_url(std::string_view url, std::string& error);

// "rtp://GROUP:PORT (l16)", for logs and status.
std::string describe(const RtpTarget& t);

}  // namespace onair

#pragma once
// The `listen://HOST:PORT/PATH.mp3?…` spelling of the built-in stream server (docs/streams.md):
// parsed and checked here, with a message naming the bad part; nothing is bound.
//
// The server is for the station's own network: on a loopback address anyone on the machine
// may listen; on any other address only the networks in `allow` (loopback is always allowed)
// or clients that give `token` in their URL (…/xa.mp3?token=…), or both when both are set.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "player/output/stream/network_range.hpp"
#include "player/output/stream/stream_codec.hpp"

namespace onair {

struct ListenTarget {
  IpAddress address;  // to bind
  int port = 0;
  std::string path;   // begins with '/': what listeners open; its extension names the codec
  StreamCodec codec = StreamCodec::mp3;
  int bitrate_kbps = 128;
  bool mono = false;
  std::chrono::milliseconds delay{0};
  std::chrono::milliseconds burst{1000};  // sent at once to a new listener, for a fast start
  int max_listeners = 100;
  std::vector<NetworkRange> allow;
  std::string token;
  std::string name;  // icy-name
};

// nullopt with `error` set ("listen://…: bitrate '5000' is out of range 8…320") when bad. The
// token is never repeated in a message.
std::optional<ListenTarget> parse_listen_url(std::string_view url, std::string& error);

// "listen://HOST:PORT/PATH" (never the token), for logs and status.
std::string describe(const ListenTarget& t);

}  // namespace onair

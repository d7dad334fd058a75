#pragma once
// The `icecast://USER:PASS@HOST:PORT/MOUNT?format=mp3|opus&bitrate=N&mono=1&delay=MS&name=TEXT`
// spelling of an Icecast push output (docs/streams.md). Pure: parsed and checked here, with a
// message that names the bad part; nothing is connected.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "player/output/stream/stream_codec.hpp"

namespace onair {

struct IcecastTarget {
  std::string user = "source";
  std::string password;
  std::string host;
  int port = 8000;
  std::string mount;  // begins with '/'
  StreamCodec codec = StreamCodec::mp3;
  int bitrate_kbps = 128;
  bool mono = false;
  std::chrono::milliseconds delay{0};
  std::string name;  // the stream's name in the server's directory
};

// nullopt with `error` set ("icecast://…: bitrate 5000 is out of range 8…320") when bad.
std::optional<IcecastTarget> parse_icecast_url(std::string_view url, std::string& error);

// "icecast://HOST:PORT/MOUNT" (never the password), for logs and status.
std::string describe(const IcecastTarget& t);

}  // namespace onair

// RTP (`--output rtp://…`): the URL checked part by part, and ffmpeg receiving each payload
// (L16, Opus, MP3) from the SDP file onair writes, hearing the tone that aired.
#include <gtest/gtest.h>

#include <chrono>
#include <unistd.h>

#include <cmath>

#include "player/output/stream/rtp_url.hpp"
#include "support/stream_checks.hpp"
#include "support/test_media.hpp"

namespace onair {
namespace {

using namespace std::chrono_literals;
using namespace onair::test;

TEST(RtpUrl, TakesTheDocumentedSpelling) {
  std::string error;
  auto t = parse_rtp_url("rtp://239.255.0.1:5004", error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->address.text(), "239.255.0.1");
  EXPECT_EQ(t->port, 5004);
  EXPECT_EQ(t->codec, StreamCodec::l16);
  EXPECT_EQ(t->ttl, 16);
  EXPECT_EQ(t->sdp, "rtp-239.255.0.1-5004.sdp");
  EXPECT_EQ(describe(*t), "rtp://239.255.0.1:5004 (l16)");
  t = parse_rtp_url("rtp://10.0.0.9:6000?payload=opus&bitrate=64&mono=1&ttl=4&delay=200&sdp=/run/onair/zone1.sdp", error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->codec, StreamCodec::opus);
  EXPECT_EQ(t->bitrate_kbps, 64);
  EXPECT_TRUE(t->mono);
  EXPECT_EQ(t->ttl, 4);
  EXPECT_EQ(t->delay, 200ms);
  EXPECT_EQ(t->sdp, "/run/onair/zone1.sdp");
}

TEST(RtpUrl, RefusesBadPartsByName) {
  const std::pair<const char*, const char*> bad[] = {
      {"rtp://239.255.0.1", "no port"},
      {"rtp://239.255.0.1:5005", "the port must be even"},
      {"rtp://0.0.0.0:5004", "is not an address to send to"},
      {"rtp://zone1.local:5004", "is not an address to send to"},
      {"rtp://239.255.0.1:5004/x", "no path"},
      {"rtp://239.255.0.1:5004?payload=aac", "unknown payload 'aac'"},
      {"rtp://239.255.0.1:5004?ttl=0", "ttl '0' is out of range"},
      {"rtp://239.255.0.1:5004?sdp=", "sdp needs a file path"},
      {"rtp://239.255.0.1:5004?loop=1", "unknown parameter 'loop'"},
  };
  for (const auto& [url, why] : bad) {
    std::string error;
    EXPECT_FALSE(parse_rtp_url(url, error)) << url;
    EXPECT_NE(error.find(why), std::string::npos) << url << " -> " << error;
  }
}

TEST(RtpPlay, FfmpegReceivesEachPayloadFromTheSdpFile) {
  TempDir dir;
  make_tone(dir / "media/tone.wav", 440, 8);
  write_file(dir / "2011-11-26.yaml", "timezone: UTC\nprograms:\n  - id: p\n    at: \"06:00:00\"\n    items: [{file: tone.wav}]\n");
  int port = 15004 + 2 * (static_cast<int>(::getpid()) % 2000);
  for (const std::string payload : {"l16", "opus", "mp3"}) {
    SCOPED_TRACE(payload);
    port += 2;
    const auto sdp = dir / (payload + ".sdp");
    // Opus to a multicast group (looped back to this machine's receiver), the others to one receiver.
    const std::string to = payload == "opus" ? "239.255.77.1" : "127.0.0.1";
    Child onair({ONAIR_BINARY, "play", (dir / "2011-11-26.yaml").string(), "--from", "06:00", "--media-root",
                 (dir / "media").string(), "--output", "null", "--output",
                 "rtp://" + to + ":" + std::to_string(port) + "?payload=" + payload + "&sdp=" + sdp.string()},
                dir / "onair.log");
    ASSERT_GT(onair.pid, 0);
    ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(sdp); }, 20s))
        << capture("cat " + shell_quote((dir / "onair.log").string())).output;
    const std::string text = capture("cat " + shell_quote(sdp.string())).output;
    EXPECT_NE(text.find("m=audio " + std::to_string(port) + " RTP/AVP"), std::string::npos) << text;
    EXPECT_NE(text.find("c=IN IP4 " + to), std::string::npos) << text;
    const auto raw = dir / "heard.f32";
    const auto r = capture("timeout 30 ffmpeg -nostdin -hide_banner -loglevel error -protocol_whitelist file,udp,rtp -i " +
                           shell_quote(sdp.string()) + " -t 3 -ac 1 -ar 48000 -f f32le -y " + shell_quote(raw.string()));
    ASSERT_EQ(r.exit_code, 0) << r.output << text;
    const auto heard = read_f32(raw);
    ASSERT_GE(heard.size(), 2u * 48000);
    for (std::size_t at = 12000; at + 12000 <= heard.size(); at += 12000)
      EXPECT_NEAR(frequency(heard.data() + at, 12000, 48000), 440, 15) << "at " << at;
  }
}

}  // namespace
}  // namespace onair

// The `listen://` spelling, network ranges and ICY metadata blocks: pure parts of the
// built-in stream server.
#include <gtest/gtest.h>

#include "player/output/stream/listen_server.hpp"
#include "player/output/stream/listen_url.hpp"

namespace onair {
namespace {

using namespace std::chrono_literals;

TEST(ListenUrl, TakesTheDocumentedSpelling) {
  std::string error;
  auto t = parse_listen_url("listen://127.0.0.1:8001/xa-an.mp3", error);
  ASSERT_TRUE(t) << error;
  EXPECT_TRUE(t->address.loopback());
  EXPECT_EQ(t->port, 8001);
  EXPECT_EQ(t->path, "/xa-an.mp3");
  EXPECT_EQ(t->codec, StreamCodec::mp3);
  EXPECT_EQ(t->bitrate_kbps, 128);
  EXPECT_EQ(t->burst, 1000ms);
  EXPECT_EQ(t->max_listeners, 100);
  EXPECT_EQ(describe(*t), "listen://127.0.0.1:8001/xa-an.mp3");

  t = parse_listen_url(
      "listen://0.0.0.0:8002/loa.ogg?bitrate=48&mono=1&delay=350&burst=500&listeners=20&allow=192.168.1.0/24,10.0.0.0/8"
      "&name=%C4%90%C3%A0i%20x%C3%A3",
      error);
  ASSERT_TRUE(t) << error;
  EXPECT_TRUE(t->address.unspecified());
  EXPECT_EQ(t->codec, StreamCodec::opus);
  EXPECT_EQ(t->bitrate_kbps, 48);
  EXPECT_TRUE(t->mono);
  EXPECT_EQ(t->delay, 350ms);
  EXPECT_EQ(t->burst, 500ms);
  EXPECT_EQ(t->max_listeners, 20);
  ASSERT_EQ(t->allow.size(), 2u);
  EXPECT_EQ(t->allow[0].text(), "192.168.1.0/24");
  EXPECT_EQ(t->name, "Đài xã");

  t = parse_listen_url("listen://[::1]:8003/a.aac", error);
  ASSERT_TRUE(t) << error;
  EXPECT_TRUE(t->address.v6);
  EXPECT_TRUE(t->address.loopback());
  EXPECT_EQ(t->codec, StreamCodec::aac);
  EXPECT_EQ(describe(*t), "listen://[::1]:8003/a.aac");

  t = parse_listen_url("listen://192.168.1.10:8000/x.mp3?token=Abcdefgh-1234", error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->token, "Abcdefgh-1234");
  EXPECT_EQ(describe(*t).find("Abcdefgh"), std::string::npos);
}

TEST(ListenUrl, RefusesBadPartsByName) {
  const std::pair<const char*, const char*> bad[] = {
      {"listen://127.0.0.1:8000", "no path"},
      {"listen://127.0.0.1/x.mp3", "no port"},
      {"listen://127.0.0.1:0/x.mp3", "bad port '0'"},
      {"listen://radio.example:8000/x.mp3", "is not an IP address"},
      {"listen://127.0.0.1:8000/x.wav", "must end in .mp3, .ogg (Opus) or .aac"},
      {"listen://127.0.0.1:8000/a b.mp3", "may not hold spaces"},
      {"listen://127.0.0.1:8000/x.mp3?bitrate=1000", "bitrate '1000' is out of range"},
      {"listen://127.0.0.1:8000/x.mp3?listeners=0", "listeners '0' is out of range"},
      {"listen://127.0.0.1:8000/x.mp3?burst=20000", "burst '20000' is out of range"},
      {"listen://127.0.0.1:8000/x.mp3?allow=192.168.1.0/33", "the prefix must be 0…32"},
      {"listen://127.0.0.1:8000/x.mp3?allow=lan", "'lan' is not a network"},
      {"listen://127.0.0.1:8000/x.mp3?token=short", "the token must be 12…128 characters"},
      {"listen://127.0.0.1:8000/x.mp3?token=with%20space-long", "the token may hold only"},
      {"listen://127.0.0.1:8000/x.mp3?volume=11", "unknown parameter 'volume'"},
      // Reachable from the network with nobody named who may listen:
      {"listen://0.0.0.0:8000/x.mp3", "say who may listen with allow="},
      {"listen://192.168.1.10:8000/x.mp3", "say who may listen"},
  };
  for (const auto& [url, why] : bad) {
    std::string error;
    EXPECT_FALSE(parse_listen_url(url, error)) << url;
    EXPECT_NE(error.find(why), std::string::npos) << url << " -> " << error;
  }
  std::string error;
  EXPECT_FALSE(parse_listen_url("listen://127.0.0.1:8000/x.mp3?token=secret-secret&bitrate=999", error));
  EXPECT_EQ(error.find("secret-secret"), std::string::npos) << "the token shows: " << error;
}

TEST(NetworkRange, ContainsWhatItsPrefixSays) {
  std::string why;
  const auto lan = parse_network("192.168.1.0/24", why);
  ASSERT_TRUE(lan) << why;
  EXPECT_TRUE(lan->contains(*parse_ip("192.168.1.77")));
  EXPECT_FALSE(lan->contains(*parse_ip("192.168.2.1")));
  EXPECT_FALSE(lan->contains(*parse_ip("::1")));
  const auto odd = parse_network("10.16.0.0/12", why);
  ASSERT_TRUE(odd) << why;
  EXPECT_TRUE(odd->contains(*parse_ip("10.31.255.255")));
  EXPECT_FALSE(odd->contains(*parse_ip("10.32.0.0")));
  const auto one = parse_network("10.0.0.5", why);
  ASSERT_TRUE(one) << why;
  EXPECT_TRUE(one->contains(*parse_ip("10.0.0.5")));
  EXPECT_FALSE(one->contains(*parse_ip("10.0.0.6")));
  const auto v6 = parse_network("2001:db8::/32", why);
  ASSERT_TRUE(v6) << why;
  EXPECT_TRUE(v6->contains(*parse_ip("2001:db8:1::9")));
  EXPECT_FALSE(v6->contains(*parse_ip("2001:db9::1")));
  EXPECT_TRUE(parse_network("0.0.0.0/0", why)->contains(*parse_ip("8.8.8.8")));
}

TEST(IcyMetadata, BlocksArePaddedQuotedAndCutAtACharacter) {
  const std::string b = icy_metadata_block("Bản tin sáng");
  ASSERT_FALSE(b.empty());
  const std::size_t len = static_cast<unsigned char>(b[0]) * 16u;
  ASSERT_EQ(b.size(), len + 1);
  EXPECT_EQ(b.substr(1, std::string("StreamTitle='Bản tin sáng';").size()), "StreamTitle='Bản tin sáng';");
  for (std::size_t i = 1 + std::string("StreamTitle='Bản tin sáng';").size(); i < b.size(); ++i) EXPECT_EQ(b[i], '\0');

  // A quote would end the value for every client: it becomes ’. Control characters go.
  EXPECT_NE(icy_metadata_block("Bài hát 'Quê hương'\n").find("StreamTitle='Bài hát ’Quê hương’';"), std::string::npos);

  // The longest block is 255 × 16 bytes; a long Vietnamese title is cut between characters.
  std::string long_title;
  while (long_title.size() < 5000) long_title += "Đường ";
  const std::string big = icy_metadata_block(long_title);
  EXPECT_EQ(static_cast<unsigned char>(big[0]), 255);
  EXPECT_EQ(big.size(), 255u * 16 + 1);
  const auto end = big.find("';");
  ASSERT_NE(end, std::string::npos);
  const std::string kept = big.substr(1 + 13, end - 14);
  EXPECT_EQ(long_title.compare(0, kept.size(), kept), 0);
  // What is kept ends on a whole character: the next byte of the title starts one.
  EXPECT_NE(static_cast<unsigned char>(long_title[kept.size()]) & 0xC0, 0x80);
}

}  // namespace
}  // namespace onair

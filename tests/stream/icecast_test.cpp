// Icecast push (`--output icecast://…`) against a real Icecast 2 server, with ffmpeg as the
// listener: the stream carries what aired, in order, without gaps; a server that dies and
// comes back is rejoined within the backoff while the clock master plays on untouched;
// bad URLs are refused with a message naming the bad part.
#include <gtest/gtest.h>

#include <chrono>
#include <atomic>
#include <cmath>
#include <thread>

#include "player/output/stream/icecast_url.hpp"
#include "support/icecast_server.hpp"
#include "support/stream_checks.hpp"
#include "support/test_media.hpp"

namespace onair {
namespace {

using namespace std::chrono_literals;
using namespace onair::test;

TEST(IcecastUrl, TakesTheDocumentedSpelling) {
  std::string error;
  auto t = parse_icecast_url("icecast://source:p%40ss@radio.example:8001/xa.mp3?bitrate=64&mono=1&delay=350&name=Xa%20An", error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->user, "source");
  EXPECT_EQ(t->password, "p@ss");
  EXPECT_EQ(t->host, "radio.example");
  EXPECT_EQ(t->port, 8001);
  EXPECT_EQ(t->mount, "/xa.mp3");
  EXPECT_EQ(t->bitrate_kbps, 64);
  EXPECT_TRUE(t->mono);
  EXPECT_EQ(t->delay, 350ms);
  EXPECT_EQ(t->name, "Xa An");
  EXPECT_EQ(t->codec, StreamCodec::mp3);
  EXPECT_EQ(describe(*t), "icecast://radio.example:8001/xa.mp3");
  t = parse_icecast_url("icecast://source:x@h/live.opus?format=opus", error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->codec, StreamCodec::opus);
  EXPECT_EQ(t->port, 8000);
}

TEST(IcecastUrl, RefusesBadPartsByName) {
  const std::pair<const char*, const char*> bad[] = {
      {"icecast://source:pw@host:8000", "no mount point"},
      {"icecast://source@host:8000/m", "no password"},
      {"icecast://source:pw@host:99999/m", "bad port '99999'"},
      {"icecast://source:pw@:8000/m", "no host"},
      {"icecast://source:pw@host/m?bitrate=5000", "bitrate '5000' is out of range"},
      {"icecast://source:pw@host/m?format=flac", "unknown format 'flac'"},
      {"icecast://source:pw@host/m?format=aac", "cannot send AAC"},
      {"icecast://source:pw@host/m?mono=yes", "mono must be 0 or 1"},
      {"icecast://source:pw@host/m?delay=-5", "delay '-5' is out of range"},
      {"icecast://source:pw@host/m?colour=red", "unknown parameter 'colour'"},
      {"icecast://source:p%4@host/m", "bad %-escape"},
  };
  for (const auto& [url, why] : bad) {
    std::string error;
    EXPECT_FALSE(parse_icecast_url(url, error)) << url;
    EXPECT_NE(error.find(why), std::string::npos) << url << " -> " << error;
    EXPECT_EQ(error.find("pw@"), std::string::npos) << "the password shows: " << error;
  }
}

// Icecast's status-json writes characters outside Latin-1 as "&#432;": back to UTF-8.
std::string decode_entities(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto end = s.find(';', i);
    if (s.compare(i, 2, "&#") != 0 || end == std::string::npos || end - i > 9) {
      out += s[i];
      continue;
    }
    const unsigned long cp = std::stoul(s.substr(i + 2, end - i - 2));
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    i = end;
  }
  return out;
}

struct IcecastPush : ::testing::Test {
  TempDir dir;
  std::unique_ptr<IcecastServer> server;
  void SetUp() override {
    try {
      server = std::make_unique<IcecastServer>(dir / "icecast");
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
  }
  std::vector<std::string> play(const std::string& schedule, const std::string& extra_output) {
    return {ONAIR_BINARY, "--log-level", "info", "play", (dir / schedule).string(), "--from", "06:00",
            "--media-root", (dir / "media").string(), "--output", "null", "--output", extra_output,
            "--asrun", (dir / "asrun.jsonl").string()};
  }
  bool mounted(const std::string& mount) { return server->status_json().find(mount) != std::string::npos; }
};

TEST_F(IcecastPush, AListenerHearsWhatAiredInOrderWithoutGaps) {
  make_tone(dir / "media/low.wav", 440, 6);
  make_tone(dir / "media/high.wav", 880, 6);
  write_file(dir / "2011-11-26.yaml",
             "timezone: UTC\nprograms:\n  - id: p\n    at: \"06:00:00\"\n    items: [{file: low.wav, title: \"Bản tin sáng\"}, "
             "{file: high.wav, title: \"Ca khúc Quê hương\"}]\n");
  Child onair(play("2011-11-26.yaml", server->source_url("/onair.mp3")), dir / "onair.log");
  ASSERT_GT(onair.pid, 0);
  ASSERT_TRUE(wait_until([&] { return mounted("/onair.mp3"); }, 20s)) << capture("cat " + shell_quote((dir / "onair.log").string())).output;
  // The title follows the items (ICY metadata through Icecast's admin request): watched in
  // the server's status while the listener listens.
  bool first_title = false, second_title = false;
  std::string last_status;
  std::atomic<bool> listening{true};
  std::thread watch([&] {
    while (listening) {
      const auto status = decode_entities(server->status_json());
      if (status.find("source") != std::string::npos) last_status = status;
      first_title |= status.find("\"title\":\"Bản tin sáng\"") != std::string::npos;
      second_title |= status.find("\"title\":\"Ca khúc Quê hương\"") != std::string::npos;
      std::this_thread::sleep_for(100ms);
    }
  });
  // The listener: 8 s from joining (Icecast bursts what it holds to a new listener).
  const auto raw = dir / "heard.f32";
  const auto r = capture("ffmpeg -nostdin -hide_banner -loglevel error -y -i " + server->listen_url("/onair.mp3") +
                         " -t 8 -ac 1 -ar 48000 -f f32le " + shell_quote(raw.string()));
  listening = false;
  watch.join();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(first_title && second_title) << "titles seen: " << first_title << second_title << "\n"
                                          << last_status << "\n"
                                          << capture("cat " + shell_quote((dir / "onair.log").string())).output;
  ASSERT_TRUE(onair.wait(30s)) << "onair play did not end after the schedule";
  const auto heard = read_f32(raw);
  ASSERT_GE(heard.size(), 7u * 48000) << "the listener got less than 7 s";
  // Quarter-second windows: each 440 or 880 Hz (no gap, no other sound); 440 before 880, and
  // both heard.
  const TwoTones tones = two_tones(heard);
  EXPECT_GE(tones.low, 2);
  EXPECT_GE(tones.high, 8);
  // The window that holds the change of item counts as other: at most one.
  EXPECT_LE(tones.other, 1) << "a gap or foreign sound in the stream: " << tones.seen;
  EXPECT_FALSE(tones.low_after_high) << "the items came out of order";
}

TEST_F(IcecastPush, AServerThatDiesIsRejoinedWhileTheMasterPlaysOn) {
  make_tone(dir / "media/long.wav", 440, 14);
  write_file(dir / "2011-11-26.yaml", "timezone: UTC\nprograms:\n  - id: p\n    at: \"06:00:00\"\n    items: [{file: long.wav}]\n");
  Child onair(play("2011-11-26.yaml", server->source_url("/onair.mp3")), dir / "onair.log");
  ASSERT_GT(onair.pid, 0);
  ASSERT_TRUE(wait_until([&] { return mounted("/onair.mp3"); }, 20s));
  std::this_thread::sleep_for(1s);
  server->kill();
  std::this_thread::sleep_for(500ms);
  server->start();  // same port
  // Lost, then 1 s, 2 s … between attempts: back well within 10 s.
  EXPECT_TRUE(wait_until([&] { return mounted("/onair.mp3"); }, 10s)) << capture("cat " + shell_quote((dir / "onair.log").string())).output;
  ASSERT_TRUE(onair.wait(40s));
  const auto log = capture("cat " + shell_quote((dir / "onair.log").string())).output;
  EXPECT_NE(log.find("lost:"), std::string::npos) << log;
  const auto records = read_json_lines(dir / "asrun.jsonl");
  nlohmann::json ended;
  for (const auto& j : records)
    if (!j.contains("event")) ended = j;
  ASSERT_FALSE(ended.is_null()) << log;
  // The clock master never noticed: the item aired to its planned end (joined a moment into
  // it, as `play --from` starts a little after 06:00), not cut or failed by the stream.
  EXPECT_TRUE(ended["status"] == "played" || ended["status"] == "joined") << ended.dump();
  EXPECT_GT(ended["played_s"].get<double>(), 13.5) << ended.dump();
}

}  // namespace
}  // namespace onair

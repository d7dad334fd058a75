// Icecast push (`--output icecast://…`) against a real Icecast 2 server, with ffmpeg as the
// listener: the stream carries what aired, in order, without gaps; a server that dies and
// comes back is rejoined within the backoff while the clock master plays on untouched (a
// JACK device: no underrun, hard starts on time) and the as-run log records the outage;
// bad URLs are refused with a message naming the bad part.
#include <gtest/gtest.h>

#include <chrono>
#include <atomic>
#include <cmath>
#include <thread>

#include <date/date.h>
#include <regex>

#include "player/output/stream/icecast_url.hpp"
#include "support/icecast_server.hpp"
#include "support/jack_server.hpp"
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
  // The broadcast record says when the stream went and came back, without the password.
  std::vector<std::string> events;
  for (const auto& j : records)
    if (j.value("event", "").rfind("output_", 0) == 0) {
      events.push_back(j["event"]);
      EXPECT_EQ(j["output"], "icecast://127.0.0.1:" + std::to_string(server->port()) + "/onair.mp3") << j.dump();
      EXPECT_EQ(j.dump().find(IcecastServer::kSourcePassword), std::string::npos) << j.dump();
      EXPECT_TRUE(j.contains("at")) << j.dump();
    }
  ASSERT_GE(events.size(), 3u) << log;
  EXPECT_EQ(events[0], "output_connected");
  EXPECT_EQ(events[1], "output_disconnected");
  EXPECT_EQ(events.back(), "output_connected");
}

// The same outage with a real-time sound card as the clock master (JACK's dummy device):
// the card never runs short and a hard start after the outage airs on time.
TEST_F(IcecastPush, AnOutageNeverTouchesTheSoundCard) {
  JackServer jack(48000);
  if (!jack.error().empty()) GTEST_SKIP() << jack.error();
  make_tone(dir / "media/first.wav", 440, 10);
  make_tone(dir / "media/second.wav", 660, 3);
  using namespace std::chrono;
  const auto at = time_point_cast<milliseconds>(system_clock::now() + 4s);
  const auto clock_text = [](system_clock::time_point t) {
    const auto tm = time_point_cast<milliseconds>(t);
    return date::format("%T", tm - date::floor<date::days>(tm));
  };
  const std::string day = date::format("%F", date::floor<date::days>(at));
  write_file(dir / (day + ".yaml"), "timezone: UTC\nprograms:\n  - id: first\n    at: \"" + clock_text(at) +
                                         "\"\n    items: [{file: first.wav}]\n  - id: second\n    at: \"" +
                                         clock_text(at + 10s) + "\"\n    items: [{file: second.wav}]\n");
  Child onair({ONAIR_BINARY, "--log-level", "info", "play", (dir / (day + ".yaml")).string(), "--media-root",
               (dir / "media").string(), "--output", "pa:system", "--output", server->source_url("/onair.mp3"),
               "--asrun", (dir / "asrun.jsonl").string()},
              dir / "onair.log");
  ASSERT_GT(onair.pid, 0);
  const auto log = [&] { return capture("cat " + shell_quote((dir / "onair.log").string())).output; };
  ASSERT_TRUE(wait_until([&] { return mounted("/onair.mp3"); }, 20s)) << log();
  std::this_thread::sleep_until(at + 2s);
  server->kill();
  std::this_thread::sleep_for(500ms);
  server->start();
  EXPECT_TRUE(wait_until([&] { return mounted("/onair.mp3"); }, 10s)) << log();
  ASSERT_TRUE(onair.wait(40s)) << log();
  const std::string text = log();
  std::smatch m;
  const std::regex stopped("stopped after .*; (\\d+) failures, (\\d+) underruns");
  ASSERT_TRUE(std::regex_search(text, m, stopped)) << text;
  EXPECT_EQ(m[2], "0") << "the sound card ran short while the stream was down:\n" << text;
  int programmes = 0;
  bool lost = false, back = false;
  for (const auto& j : read_json_lines(dir / "asrun.jsonl")) {
    lost |= j.value("event", "") == "output_disconnected";
    back |= lost && j.value("event", "") == "output_connected";
    if (j.contains("event") || j["program"] == "") continue;
    ++programmes;
    EXPECT_EQ(j["status"], "played") << j.dump();
    EXPECT_LE(std::abs(j["offset_ms"].get<int>()), 5) << j.dump() << "\n" << text;
  }
  EXPECT_EQ(programmes, 2) << text;
  EXPECT_TRUE(lost && back) << text;
}

}  // namespace
}  // namespace onair

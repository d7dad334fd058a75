// The built-in stream server through `onair play --output listen://…`, with ffmpeg and plain
// sockets as the listeners: what aired, in order, without gaps; each item's title as ICY
// metadata when its audio comes; 50 listeners for 60 s while one that stops reading is
// dropped and nobody else notices.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "support/processes.hpp"
#include "support/stream_checks.hpp"
#include "support/test_media.hpp"

namespace onair {
namespace {

using namespace std::chrono_literals;
using namespace onair::test;


bool answers(int port) {
  const int fd = connect_loopback(port);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

// A listener socket that has sent its request (and optionally asked for titles).
int open_listener(int port, const std::string& path, bool titles, int rcvbuf = 0) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  const std::string req = "GET " + path + " HTTP/1.0\r\n" + (titles ? "Icy-MetaData: 1\r\n" : "") + "\r\n";
  ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  return fd;
}

struct ListenPlay : ::testing::Test {
  TempDir dir;
  int port = free_port();
  std::string url(const std::string& path, const std::string& query = "") const {
    return "listen://127.0.0.1:" + std::to_string(port) + path + query;
  }
  std::vector<std::string> play(const std::string& output) const {
    return {ONAIR_BINARY, "--log-level", "info", "play", (dir / "2011-11-26.yaml").string(), "--from", "06:00",
            "--media-root", (dir / "media").string(), "--output", "null", "--output", output,
            "--asrun", (dir / "asrun.jsonl").string()};
  }
  std::string log() const { return capture("cat " + shell_quote((dir / "onair.log").string())).output; }
};

TEST_F(ListenPlay, AListenerHearsWhatAiredInOrderWithEachItemsTitle) {
  make_tone(dir / "media/low.wav", 440, 6);
  make_tone(dir / "media/high.wav", 880, 6);
  write_file(dir / "2011-11-26.yaml",
             "timezone: UTC\nprograms:\n  - id: p\n    at: \"06:00:00\"\n    items:\n"
             "      - {file: low.wav, title: \"Bản tin thời sự sáng\"}\n"
             "      - {file: high.wav, title: \"Ca khúc 'Quê hương'\"}\n");
  Child onair(play(url("/onair.mp3")), dir / "onair.log");
  ASSERT_GT(onair.pid, 0);
  ASSERT_TRUE(wait_until([&] { return answers(port); }, 20s)) << log();
  // Titles: a plain client asking for ICY metadata, reading until the stream ends.
  std::vector<std::string> titles;
  std::thread icy([&] {
    const int fd = open_listener(port, "/onair.mp3", true);
    if (fd < 0) return;
    std::string got;
    char buf[8192];
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20000) <= 0) break;
      const auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    const auto head_end = got.find("\r\n\r\n");
    const auto mi = got.find("icy-metaint: ");
    if (head_end == std::string::npos || mi == std::string::npos || mi > head_end) return;
    const std::size_t metaint = std::stoul(got.substr(mi + 13));
    for (std::size_t at = head_end + 4 + metaint; at < got.size(); at += metaint) {
      const std::size_t len = static_cast<unsigned char>(got[at]) * 16u;
      const std::string block = got.substr(at + 1, len);
      if (const auto q = block.find("StreamTitle='"); q != std::string::npos)
        titles.push_back(block.substr(q + 13, block.find("';", q) - q - 13));
      at += 1 + len;
    }
  });
  const auto raw = dir / "heard.f32";
  const auto r = capture("ffmpeg -nostdin -hide_banner -loglevel error -y -i http://127.0.0.1:" + std::to_string(port) +
                         "/onair.mp3 -t 8 -ac 1 -ar 48000 -f f32le " + shell_quote(raw.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output << log();
  ASSERT_TRUE(onair.wait(30s)) << "onair play did not end after the schedule";
  icy.join();
  const auto heard = read_f32(raw);
  ASSERT_GE(heard.size(), 7u * 48000) << "the listener got less than 7 s";
  const TwoTones tones = two_tones(heard);
  EXPECT_GE(tones.low, 2);
  EXPECT_GE(tones.high, 8);
  // The window that holds the change of item counts as other: at most one.
  EXPECT_LE(tones.other, 1) << "a gap or foreign sound in the stream: " << tones.seen;
  EXPECT_FALSE(tones.low_after_high) << "the items came out of order";
  ASSERT_EQ(titles.size(), 2u) << log();
  EXPECT_EQ(titles[0], "Bản tin thời sự sáng");
  EXPECT_EQ(titles[1], "Ca khúc ’Quê hương’");
  EXPECT_NE(log().find("listener 127.0.0.1:"), std::string::npos);
}

TEST_F(ListenPlay, OggOpusAndAacStreamsCarryTheTone) {
  make_tone(dir / "media/tone.wav", 440, 8);
  write_file(dir / "2011-11-26.yaml", "timezone: UTC\nprograms:\n  - id: p\n    at: \"06:00:00\"\n    items: [{file: tone.wav}]\n");
  for (const std::string path : {"/loa.ogg", "/loa.aac"}) {
    SCOPED_TRACE(path);
    port = free_port();
    Child onair(play(url(path, "?bitrate=64&mono=1")), dir / "onair.log");
    ASSERT_GT(onair.pid, 0);
    ASSERT_TRUE(wait_until([&] { return answers(port); }, 20s)) << log();
    const auto raw = dir / "heard.f32";
    const auto r = capture("ffmpeg -nostdin -hide_banner -loglevel error -y -i http://127.0.0.1:" + std::to_string(port) +
                           path + " -t 3 -ac 1 -ar 48000 -f f32le " + shell_quote(raw.string()));
    ASSERT_EQ(r.exit_code, 0) << r.output << log();
    const auto heard = read_f32(raw);
    ASSERT_GE(heard.size(), 2u * 48000);
    for (std::size_t at = 12000; at + 12000 <= heard.size(); at += 12000)
      EXPECT_NEAR(frequency(heard.data() + at, 12000, 48000), 440, 15) << "at " << at;
    const auto probe = capture("ffprobe -v error -show_entries stream=codec_name -of csv=p=0 http://127.0.0.1:" +
                               std::to_string(port) + path);
    EXPECT_NE(probe.output.find(path.ends_with(".ogg") ? "opus" : "aac"), std::string::npos) << probe.output;
  }
}

TEST_F(ListenPlay, FiftyListenersForAMinuteWhileOneThatStopsReadingIsDropped) {
  make_tone(dir / "media/long.wav", 440, 75);
  write_file(dir / "2011-11-26.yaml", "timezone: UTC\nprograms:\n  - id: p\n    at: \"06:00:00\"\n    items: [{file: long.wav}]\n");
  Child onair(play(url("/loa.mp3", "?listeners=51&bitrate=128")), dir / "onair.log");
  ASSERT_GT(onair.pid, 0);
  ASSERT_TRUE(wait_until([&] { return answers(port); }, 20s)) << log();
  const long rss_before = rss_kib(onair.pid);
  constexpr int kListeners = 50;
  std::vector<int> fds;
  std::vector<std::int64_t> bytes(kListeners, 0);
  std::vector<bool> closed(kListeners, false);
  for (int i = 0; i < kListeners; ++i) {
    fds.push_back(open_listener(port, "/loa.mp3", i % 2 == 0));
    ASSERT_GE(fds.back(), 0);
  }
  // The one that stops reading: it takes its response and burst, then nothing.
  const int stalled = open_listener(port, "/loa.mp3", false, 4096);
  ASSERT_GE(stalled, 0);
  // Read every listener for 60 s; the longest any of them waits for data is recorded.
  std::vector<std::chrono::steady_clock::time_point> last(kListeners, std::chrono::steady_clock::now());
  std::chrono::milliseconds worst_gap{0};
  const auto start = std::chrono::steady_clock::now();
  long rss_with = 0;
  char buf[16384];
  while (std::chrono::steady_clock::now() - start < 60s) {
    std::vector<pollfd> p;
    for (const int fd : fds) p.push_back({fd, POLLIN, 0});
    ::poll(p.data(), p.size(), 200);
    const auto now = std::chrono::steady_clock::now();
    for (int i = 0; i < kListeners; ++i) {
      if (closed[i]) continue;
      if (p[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        const auto n = ::recv(fds[i], buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN)) {
          closed[i] = true;
          continue;
        }
        if (n > 0) {
          bytes[i] += n;
          worst_gap = std::max(worst_gap, std::chrono::duration_cast<std::chrono::milliseconds>(now - last[i]));
          last[i] = now;
        }
      }
    }
    if (rss_with == 0 && now - start > 30s) rss_with = rss_kib(onair.pid);
  }
  const std::string text = log();
  for (int i = 0; i < kListeners; ++i) {
    EXPECT_FALSE(closed[i]) << "listener " << i << " was cut off";
    // 128 kbit/s is 16,000 bytes a second: 60 s and the burst, less a second of slack.
    EXPECT_GE(bytes[i], 59 * 16000) << "listener " << i;
  }
  EXPECT_LT(worst_gap, 3000ms) << "a listener waited that long for audio";
  EXPECT_NE(text.find("dropped: it stopped reading"), std::string::npos) << text;
  std::cout << "[ info ] 50 listeners: worst gap " << worst_gap.count() << " ms; RSS " << rss_before << " KiB before, "
            << rss_with << " KiB with them (" << (rss_with - rss_before) * 1024 / kListeners << " bytes each)\n";
  for (const int fd : fds) ::close(fd);
  ::close(stalled);
  // The clock master was never slowed: the item aired to its planned end.
  ASSERT_TRUE(onair.wait(60s)) << text;
  nlohmann::json ended;
  for (const auto& j : read_json_lines(dir / "asrun.jsonl"))
    if (!j.contains("event")) ended = j;
  ASSERT_FALSE(ended.is_null()) << text;
  EXPECT_GT(ended["played_s"].get<double>(), 74.5) << ended.dump();
}

}  // namespace
}  // namespace onair

// `onair run` attacked through its control port while it plays a programme, with the soft
// and hard descriptor limits of a systemd service (1,024): 200 idle connections, 200 that
// dribble a header byte at a time, 1,100 held at once, a million header lines, a 100 MB
// chunked body and a 400 MB declared one. Every item airs on its frame and ends `played`,
// `onair status` keeps answering, and the daemon's memory comes back down.
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <date/date.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/processes.hpp"
#include "support/test_media.hpp"

using namespace onair::test;
using namespace std::chrono;

namespace {

// Sends `head`, then `chunk` until the server answers or closes, or `limit` bytes went.
void push(int port, const std::string& head, const std::string& chunk, std::size_t limit) {
  const int fd = connect_loopback(port);
  if (fd < 0) return;
  (void)!send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  const auto deadline = steady_clock::now() + 20s;
  for (std::size_t sent = 0; sent < limit && steady_clock::now() < deadline;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 0) > 0) break;
    const ssize_t n = send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) sent += static_cast<std::size_t>(n);
    else if (errno == EAGAIN) poll(&p, 1, 5);
    else break;
  }
  close(fd);
}

}  // namespace

TEST(ControlFloodDaemon, PlaysOnItsFramesAndAnswersStatusThroughAFlood) {
  rlimit r{};
  getrlimit(RLIMIT_NOFILE, &r);
  r.rlim_cur = r.rlim_max;
  setrlimit(RLIMIT_NOFILE, &r);  // this test holds 1,500 client sockets

  TempDir dir;
  std::string items;
  for (int i = 0; i < 8; ++i) {
    make_tone(dir / ("media/t" + std::to_string(i) + ".wav"), 300 + 50 * i, 1.5);
    items += std::string(i ? ", " : "") + "{file: t" + std::to_string(i) + ".wav}";
  }
  const auto at = ceil<seconds>(system_clock::now() + 4s);
  const auto day = date::floor<date::days>(at);
  write_file(dir / ("schedules/" + date::format("%F", day) + ".yaml"),
             "timezone: UTC\nprograms:\n  - id: flood\n    at: \"" + date::format("%T", at - day) +
                 "\"\n    items: [" + items + "]\n");
  std::filesystem::create_directories(dir / "schedules/templates");
  const int port = free_port();
  write_file(dir / "onair.yaml", "output: null\nmedia_root: media\nschedules: schedules\ntimezone: UTC\n"
                                 "asrun_dir: asrun\nlog_dir: log\ncontrol:\n  listen: \"127.0.0.1:" +
                                     std::to_string(port) + "\"\nalarms:\n  disk_min_free_mb: 0\n");
  const auto asrun = dir / ("asrun/" + date::format("%F", day) + ".jsonl");
  const pid_t daemon = start_daemon(dir / "onair.yaml", {}, 1024);

  auto status_ok = [port](seconds timeout) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(timeout);
    client.set_read_timeout(timeout);
    const auto res = client.Get("/api/status");
    return res && res->status == 200;
  };
  bool up = false;
  for (int i = 0; i < 300 && !up; ++i) {
    up = status_ok(1s);
    if (!up) std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(up) << "the daemon's control API never answered";
  ASSERT_TRUE(wait_for_lines(asrun, 1)) << "the programme never started";
  const long baseline = rss_kib(daemon);

  // The operator: `onair status` every 250 ms, each answered within 3 s (1 s when the machine
  // is not also running sanitized tests); the worst time is printed.
  std::atomic<bool> done{false};
  std::atomic<int> polls{0}, unanswered{0};
  std::atomic<long> worst_ms{0}, peak{baseline};
  std::thread operator_thread([&] {
    while (!done) {
      const auto t0 = steady_clock::now();
      if (!status_ok(3s)) ++unanswered;
      const long ms = duration_cast<milliseconds>(steady_clock::now() - t0).count();
      if (ms > worst_ms) worst_ms = ms;
      ++polls;
      if (const long rss = rss_kib(daemon); rss > peak) peak = rss;
      std::this_thread::sleep_for(250ms);
    }
  });

  std::vector<int> held;
  for (int i = 0; i < 200; ++i) held.push_back(connect_loopback(port));  // idle
  std::vector<int> dribbling;
  for (int i = 0; i < 200; ++i) dribbling.push_back(connect_loopback(port));
  std::thread dribbler([&] {
    const std::string request = "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: aaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    for (std::size_t at_byte = 0; !done && at_byte < request.size(); ++at_byte) {
      for (const int fd : dribbling)
        if (fd >= 0) (void)!send(fd, &request[at_byte], 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      std::this_thread::sleep_for(500ms);
    }
  });
  for (int i = 0; i < 1100; ++i) held.push_back(connect_loopback(port));
  push(port, "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n", "X-Filler: aaaaaaaaaaaa\r\n", 1000000u * 24);
  push(port, "POST /api/insert HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n",
       "10000\r\n" + std::string(0x10000, ' ') + "\r\n", 100u << 20);
  push(port, "POST /api/insert HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 400000000\r\n\r\n",
       std::string(0x10000, 'x'), 400000000);

  // 8 starts and 8 ends.
  const bool ended = wait_for_lines(asrun, 16);
  done = true;
  operator_thread.join();
  dribbler.join();
  for (const int fd : held)
    if (fd >= 0) close(fd);
  for (const int fd : dribbling)
    if (fd >= 0) close(fd);
  std::this_thread::sleep_for(3s);
  const long after = rss_kib(daemon);
  kill(daemon, SIGTERM);
  int wstatus = 0;
  waitpid(daemon, &wstatus, 0);

  ASSERT_TRUE(ended) << "the programme did not end within 30 s";
  std::printf("status: %d polls, %d unanswered, worst %ld ms; daemon RSS %ld KiB playing, %ld at the peak, %ld after\n",
              polls.load(), unanswered.load(), worst_ms.load(), baseline, peak.load(), after);
  EXPECT_EQ(unanswered, 0) << "onair status went unanswered during the flood";
  EXPECT_GE(polls, 10);
  EXPECT_LT(peak - baseline, 64 * 1024) << "the flood grew the daemon by " << (peak - baseline) << " KiB";
  EXPECT_LT(after - baseline, 24 * 1024) << "memory did not come back: " << baseline << " -> " << after << " KiB";

  int played = 0;
  for (const auto& j : read_json_lines(asrun)) {
    if (j.contains("event")) continue;
    if (j["program"] != "flood") continue;
    EXPECT_EQ(j["status"], "played") << j.dump();
    EXPECT_LE(std::abs(j["offset_ms"].get<double>()), 50.0) << j.dump();
    ++played;
  }
  EXPECT_EQ(played, 8);
}

// The control API under attack, as a careless or hostile client on the network would try it:
// idle and dribbling connections, a flood beyond the connection cap, a million header lines,
// a 100 MB chunked body, a body sent a byte at a time. The operator's requests keep being
// answered, the server's sockets and memory stay bounded, and slow clients are cut.
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "station/control.hpp"
#include "station/control_server.hpp"
#include "station/http/server.hpp"
#include "support/processes.hpp"
#include "support/test_media.hpp"

namespace onair {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using test::TempDir;

struct QuietStation : StationControl {
  json status() override { return json{{"on_air", nullptr}}; }
  std::string skip() override { return ""; }
  std::string stop_after_current(bool) override { return ""; }
  std::string insert_next(const ItemRequest&) override { return ""; }
  std::string break_in(const ItemRequest&) override { return ""; }
  std::string reload() override { return ""; }
  std::string add_bulletin(const BulletinRequest&, std::string& id) override {
    id = "b-1";
    return "";
  }
  json bulletins() override { return json::array(); }
  std::string cancel_bulletin(const std::string&) override { return ""; }
  std::string place_bulletin(const std::string&, const std::string&, int) override { return ""; }
};

// The test holds more client sockets than a default soft limit of 1,024 allows.
void raise_fd_limit() {
  rlimit r{};
  getrlimit(RLIMIT_NOFILE, &r);
  r.rlim_cur = r.rlim_max;
  setrlimit(RLIMIT_NOFILE, &r);
}

// The peer closed (or reset) within `within`.
bool closed_by_peer(int fd, std::chrono::milliseconds within) {
  const auto deadline = Clock::now() + within;
  char buf[4096];
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      const ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) return true;
    }
  }
  return false;
}

// Sends `chunk` again and again until the server answers (or `limit` bytes went); returns the answer.
std::string push_until_answered(int fd, const std::string& head, const std::string& chunk, std::size_t limit) {
  std::size_t sent = 0;
  (void)!send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  std::string reply;
  char buf[4096];
  const auto deadline = Clock::now() + 60s;
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 0) > 0) break;
    if (sent >= limit) {
      poll(&p, 1, 10000);
      break;
    }
    const ssize_t n = send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) sent += static_cast<std::size_t>(n);
    else if (errno == EAGAIN) poll(&p, 1, 5);
    else break;  // the server closed its side
  }
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) break;
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    reply.append(buf, static_cast<std::size_t>(n));
  }
  return reply;
}

struct ControlFlood : ::testing::Test {
  TempDir dir;
  QuietStation station;
  std::unique_ptr<ControlServer> server;

  void SetUp() override {
    raise_fd_limit();
    test::write_file(dir / "media/a.mp3", "x");
    ControlServerConfig cfg;
    cfg.address = "127.0.0.1:0";
    cfg.media_root = dir / "media";
    cfg.io_timeout_s = 2;
    server = std::make_unique<ControlServer>(station, cfg);
  }

  // An operator's `onair status`: a fresh connection, answered within `timeout`.
  bool status_answers(std::chrono::seconds timeout = 3s) {
    httplib::Client client("127.0.0.1", server->port());
    client.set_connection_timeout(timeout);
    client.set_read_timeout(timeout);
    const auto res = client.Get("/api/status");
    return res && res->status == 200;
  }
  bool break_in_answers() {
    httplib::Client client("127.0.0.1", server->port());
    client.set_connection_timeout(3s);
    client.set_read_timeout(3s);
    const auto res = client.Post("/api/break-in", R"({"file": "a.mp3"})", "application/json");
    return res && res->status == 200;
  }
};

TEST_F(ControlFlood, IdleAndDribblingConnectionsNeverLockTheOperatorOut) {
  std::vector<int> idle, dribbling;
  for (int i = 0; i < 200; ++i) idle.push_back(test::connect_loopback(server->port()));
  for (int i = 0; i < 100; ++i) dribbling.push_back(test::connect_loopback(server->port()));
  std::atomic<bool> stop{false};
  std::thread dribbler([&] {
    const std::string request = "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    for (std::size_t at = 0; !stop && at < request.size(); ++at) {
      for (const int fd : dribbling) (void)!send(fd, &request[at], 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      std::this_thread::sleep_for(300ms);
    }
  });
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(status_answers()) << "status, round " << i;
    EXPECT_TRUE(break_in_answers()) << "break-in, round " << i;
  }
  // Both kinds are cut at the header deadline (2 s here), whatever their pace.
  int cut_idle = 0, cut_dribbling = 0;
  for (const int fd : idle) cut_idle += closed_by_peer(fd, 10s);
  for (const int fd : dribbling) cut_dribbling += closed_by_peer(fd, 10s);
  stop = true;
  dribbler.join();
  EXPECT_EQ(cut_idle, 200);
  EXPECT_EQ(cut_dribbling, 100);
  for (const int fd : idle) close(fd);
  for (const int fd : dribbling) close(fd);
  EXPECT_TRUE(status_answers());
}

TEST_F(ControlFlood, AFloodBeyondTheCapEvictsTheOldestAndKeepsSocketsBounded) {
  http::Limits limits;
  limits.max_connections = 64;
  limits.max_per_client = 48;
  http::Server small(
      "127.0.0.1", 0, limits, [](const http::Request&) { return http::Response{200, "text/plain", "ok\n", {}}; },
      [](int status, const std::string& detail, const http::Request&) {
        return http::Response{status, "text/plain", detail, {}};
      });
  std::vector<int> held;
  for (int i = 0; i < 1100; ++i) held.push_back(test::connect_loopback(small.port()));
  EXPECT_EQ(std::count(held.begin(), held.end(), -1), 0) << "the kernel refused connections";
  // The server accepts each one and closes the oldest idle one for it.
  const auto deadline = Clock::now() + 30s;
  while (small.stats().accepted < 1100 && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
  const auto s = small.stats();
  EXPECT_EQ(s.accepted, 1100);
  EXPECT_LE(s.open, 48);
  EXPECT_GE(s.evicted, 1100 - 48);
  // A newcomer is still served, at once.
  httplib::Client client("127.0.0.1", small.port());
  client.set_read_timeout(3s);
  const auto res = client.Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "ok\n");
  for (const int fd : held)
    if (fd >= 0) close(fd);
}

TEST_F(ControlFlood, AMillionHeaderLinesAndA100MBBodyAreRefusedWhileReading) {
  const long before = test::rss_kib(getpid());
  {
    const int fd = test::connect_loopback(server->port());
    const std::string reply = push_until_answered(fd, "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                                                  "X-Filler: aaaaaaaaaaaa\r\n", 1000000 * 24);
    close(fd);
    EXPECT_EQ(reply.rfind("HTTP/1.1 431", 0), 0u) << reply.substr(0, 200);
    EXPECT_NE(reply.find("request headers too large"), std::string::npos) << reply.substr(0, 400);
  }
  {
    const int fd = test::connect_loopback(server->port());
    std::string chunk = "10000\r\n" + std::string(0x10000, ' ') + "\r\n";
    const std::string reply = push_until_answered(
        fd, "POST /api/insert HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n", chunk, 100u << 20);
    close(fd);
    EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply.substr(0, 200);
    EXPECT_NE(reply.find("request body too large: more than 65536 bytes"), std::string::npos) << reply.substr(0, 400);
  }
  {
    // Declared too large: refused from the header alone, without a token check or a read.
    const int fd = test::connect_loopback(server->port());
    const std::string reply = push_until_answered(
        fd, "POST /api/insert HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 400000000\r\n\r\n",
        std::string(0x10000, 'x'), 400000000);
    close(fd);
    EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply.substr(0, 200);
    EXPECT_NE(reply.find("400000000 bytes (limit 65536)"), std::string::npos) << reply.substr(0, 400);
  }
  const long after = test::rss_kib(getpid());
  EXPECT_LT(after - before, 16 * 1024) << "RSS " << before << " -> " << after << " KiB";
  EXPECT_TRUE(status_answers());
}

TEST_F(ControlFlood, ABodySentAByteAtATimeIsCutAtTheBodyDeadline) {
  const int fd = test::connect_loopback(server->port());
  const std::string head = "POST /api/skip HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n";
  ASSERT_EQ(send(fd, head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
  const auto started = Clock::now();
  bool cut = false;
  while (!cut && Clock::now() - started < 30s) {
    if (send(fd, " ", 1, MSG_NOSIGNAL) != 1) break;
    cut = closed_by_peer(fd, 500ms);
  }
  if (!cut) cut = closed_by_peer(fd, 1s);
  close(fd);
  EXPECT_TRUE(cut) << "a body dribbled for 30 s was never cut";
  EXPECT_TRUE(status_answers());
}

}  // namespace
}  // namespace onair

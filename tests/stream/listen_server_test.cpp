// The built-in stream server in-process, with real sockets: what it answers, the burst from a
// join point, tokens, allow-lists and the listener limit, a stalled listener dropped while
// another keeps every byte, and ICY titles at the audio they belong to.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "player/output/stream/listen_server.hpp"
#include "support/processes.hpp"
#include "support/stream_checks.hpp"

namespace onair {
namespace {

using namespace std::chrono_literals;
using namespace onair::test;


// A listener on a plain socket, as a hardware receiver would be.
struct RawClient {
  int fd = -1;
  explicit RawClient(int port, const char* address = "127.0.0.1", int rcvbuf = 0) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, address, &a.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ~RawClient() {
    if (fd >= 0) ::close(fd);
  }
  void say(const std::string& s) const { ASSERT_EQ(::send(fd, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size())); }
  // Reads until `n` bytes are in `got`, the peer closes, or `limit` passes; false on close.
  bool read_into(std::string& got, std::size_t n, std::chrono::milliseconds limit) const {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    char buf[8192];
    while (got.size() < n) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) return true;
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      const auto r = ::recv(fd, buf, std::min(sizeof buf, n - got.size()), 0);
      if (r <= 0) return false;
      got.append(buf, static_cast<std::size_t>(r));
    }
    return true;
  }
  std::string read_to_close(std::chrono::milliseconds limit = 5000ms) const {
    std::string got;
    read_into(got, 1 << 20, limit);
    return got;
  }
  // The response head, up to and with the blank line.
  std::string head(std::chrono::milliseconds limit = 5000ms) const {
    std::string got;
    while (got.find("\r\n\r\n") == std::string::npos && read_into(got, got.size() + 1, limit)) {
    }
    return got;
  }
};

ListenServerOptions options(int port, const std::string& path = "/x.mp3") {
  ListenServerOptions o;
  std::string error;
  auto t = parse_listen_url("listen://127.0.0.1:" + std::to_string(port) + path, error);
  EXPECT_TRUE(t) << error;
  if (t) o.target = *t;
  o.ring_bytes = 64 * 1024;
  o.burst_bytes = 16000;
  o.request_timeout = 2000ms;
  return o;
}

// Chunk i: 1000 bytes of the value i % 251 + 1 (each chunk a join point).
void append_chunk(ListenServer& s, int i) {
  const std::string c(1000, static_cast<char>(i % 251 + 1));
  s.append(reinterpret_cast<const std::uint8_t*>(c.data()), c.size());
}

TEST(ListenServer, AnswersOnlyItsStreamAndOnlyToHttp) {
  const int port = free_port();
  ListenServer server(options(port));
  EXPECT_EQ(server.port(), port);
  auto response = [&](const std::string& request) {
    RawClient c(port);
    c.say(request);
    return c.read_to_close();
  };
  EXPECT_NE(response("GET /other.mp3 HTTP/1.1\r\nHost: x\r\n\r\n").find("HTTP/1.0 404"), std::string::npos);
  EXPECT_NE(response("POST /x.mp3 HTTP/1.1\r\n\r\n").find("HTTP/1.0 405"), std::string::npos);
  EXPECT_NE(response("hello\r\n\r\n").find("HTTP/1.0 400"), std::string::npos);
  EXPECT_NE(response("GET /x.mp3 HTTP/1.1\r\nX: " + std::string(9000, 'a')).find("HTTP/1.0 431"), std::string::npos);
  const std::string head = response("HEAD /x.mp3 HTTP/1.1\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("Content-Type: audio/mpeg\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n") << "HEAD carries no body";
  // A client that never finishes its request is let go after the timeout.
  RawClient slow(port);
  slow.say("GET /x.mp3 HTTP/1.1\r\n");
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(slow.read_to_close(10000ms), "");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 8s);
  EXPECT_EQ(server.counts().served, 0);
  EXPECT_GE(server.counts().refused, 4);
}

TEST(ListenServer, ANewListenerGetsABurstFromAJoinPointThenTheLiveStream) {
  const int port = free_port();
  ListenServer server(options(port));
  for (int i = 0; i < 100; ++i) append_chunk(server, i);
  RawClient c(port);
  c.say("GET /x.mp3 HTTP/1.0\r\n\r\n");
  std::string got = c.head();
  const auto end = got.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos) << got;
  EXPECT_EQ(got.find("icy-metaint"), std::string::npos) << "no titles unless asked";
  std::string body = got.substr(end + 4);
  ASSERT_TRUE(c.read_into(body, 16000, 5000ms));
  ASSERT_EQ(body.size(), 16000u) << "the burst is the last 16 chunks";
  for (int k = 0; k < 16; ++k)
    EXPECT_EQ(body.substr(k * 1000, 1000), std::string(1000, static_cast<char>((84 + k) % 251 + 1))) << "chunk " << k;
  for (int i = 100; i < 110; ++i) append_chunk(server, i);
  std::string live;
  ASSERT_TRUE(c.read_into(live, 10000, 5000ms));
  EXPECT_EQ(live.substr(0, 1000), std::string(1000, static_cast<char>(101)));
  EXPECT_EQ(live.substr(9000, 1000), std::string(1000, static_cast<char>(110)));
  EXPECT_TRUE(wait_until([&] { return server.counts().listening == 1 && server.counts().bytes_sent == 26000; }, 5s));
}

TEST(ListenServer, ATokenIsNeededWhenOneIsSet) {
  const int port = free_port();
  auto o = options(port);
  o.target.token = "Tok3n-for-loa-xa";
  ListenServer server(std::move(o));
  auto status = [&](const std::string& target) {
    RawClient c(port);
    c.say("GET " + target + " HTTP/1.0\r\n\r\n");
    const std::string h = c.head();
    return h.substr(0, h.find("\r\n"));
  };
  EXPECT_EQ(status("/x.mp3"), "HTTP/1.0 403 Forbidden");
  EXPECT_EQ(status("/x.mp3?token=Tok3n-for-loa-xb"), "HTTP/1.0 403 Forbidden");
  EXPECT_EQ(status("/x.mp3?token=Tok3n"), "HTTP/1.0 403 Forbidden");
  EXPECT_EQ(status("/x.mp3?token=Tok3n-for-loa-xa"), "HTTP/1.0 200 OK");
  EXPECT_EQ(status("/x.mp3?a=1&token=Tok3n-for-loa-xa"), "HTTP/1.0 200 OK");
}

// The machine's own address on a network (not loopback), to connect from as a LAN would.
std::string lan_address() {
  ifaddrs* all = nullptr;
  if (::getifaddrs(&all) != 0) return "";
  std::string found;
  for (ifaddrs* i = all; i && found.empty(); i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
    const auto* a = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
    if ((ntohl(a->sin_addr.s_addr) >> 24) == 127) continue;
    char buf[INET_ADDRSTRLEN];
    ::inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
    found = buf;
  }
  ::freeifaddrs(all);
  return found;
}

TEST(ListenServer, AnAddressOutsideTheAllowListIsRefusedAndLoopbackAlwaysListens) {
  const std::string lan = lan_address();
  if (lan.empty()) GTEST_SKIP() << "this machine has no network address besides loopback";
  for (const bool inside : {false, true}) {
    const int port = free_port();
    std::string error;
    auto t = parse_listen_url("listen://0.0.0.0:" + std::to_string(port) + "/x.mp3?allow=" +
                                  (inside ? lan + "/32" : std::string("203.0.113.0/24")),
                              error);
    ASSERT_TRUE(t) << error;
    ListenServerOptions o;
    o.target = *t;
    ListenServer server(std::move(o));
    RawClient from_lan(port, lan.c_str());
    ASSERT_GE(from_lan.fd, 0);
    from_lan.say("GET /x.mp3 HTTP/1.0\r\n\r\n");
    const std::string h = from_lan.head();
    EXPECT_EQ(h.substr(0, h.find("\r\n")), inside ? "HTTP/1.0 200 OK" : "HTTP/1.0 403 Forbidden") << lan;
    RawClient local(port);
    local.say("GET /x.mp3 HTTP/1.0\r\n\r\n");
    const std::string l = local.head();
    EXPECT_EQ(l.substr(0, l.find("\r\n")), "HTTP/1.0 200 OK");
  }
}

TEST(ListenServer, AFullServerSays503AndTakesTheNextWhenOneLeaves) {
  const int port = free_port();
  auto o = options(port);
  o.target.max_listeners = 2;
  ListenServer server(std::move(o));
  auto a = std::make_unique<RawClient>(port);
  RawClient b(port), c(port);
  a->say("GET /x.mp3 HTTP/1.0\r\n\r\n");
  b.say("GET /x.mp3 HTTP/1.0\r\n\r\n");
  ASSERT_NE(a->head().find("200 OK"), std::string::npos);
  ASSERT_NE(b.head().find("200 OK"), std::string::npos);
  c.say("GET /x.mp3 HTTP/1.0\r\n\r\n");
  EXPECT_NE(c.read_to_close().find("HTTP/1.0 503"), std::string::npos);
  EXPECT_EQ(server.counts().listening, 2);
  a.reset();
  ASSERT_TRUE(wait_until([&] { return server.counts().listening == 1; }, 5s));
  RawClient d(port);
  d.say("GET /x.mp3 HTTP/1.0\r\n\r\n");
  EXPECT_NE(d.head().find("200 OK"), std::string::npos);
  EXPECT_EQ(server.counts().peak, 2);
  EXPECT_EQ(server.counts().served, 3);
}

TEST(ListenServer, AStalledListenerIsDroppedWhileAnotherGetsEveryByte) {
  const int port = free_port();
  auto o = options(port);
  o.burst_bytes = 0;
  o.send_buffer = 4096;
  ListenServer server(std::move(o));
  RawClient good(port), stalled(port, "127.0.0.1", 4096);
  good.say("GET /x.mp3 HTTP/1.0\r\n\r\n");
  stalled.say("GET /x.mp3 HTTP/1.0\r\n\r\n");
  std::string got = good.head();
  ASSERT_NE(got.find("200 OK"), std::string::npos);
  ASSERT_TRUE(wait_until([&] { return server.counts().listening == 2; }, 5s));
  got = got.substr(got.find("\r\n\r\n") + 4);
  // 2 MB at about 1 MB/s: far more than the 64 KB ring and both sockets' buffers.
  constexpr int kChunks = 2000;
  std::thread writer([&] {
    for (int i = 0; i < kChunks; ++i) {
      append_chunk(server, i);
      if (i % 10 == 9) std::this_thread::sleep_for(10ms);
    }
  });
  const bool open = good.read_into(got, kChunks * 1000u, 30000ms);
  writer.join();
  ASSERT_TRUE(open) << "the good listener was cut off";
  ASSERT_EQ(got.size(), kChunks * 1000u);
  for (int i = 0; i < kChunks; ++i)
    if (got[static_cast<std::size_t>(i) * 1000] != static_cast<char>(i % 251 + 1) ||
        got[static_cast<std::size_t>(i) * 1000 + 999] != static_cast<char>(i % 251 + 1)) {
      ADD_FAILURE() << "chunk " << i << " is not where it belongs";
      break;
    }
  EXPECT_TRUE(wait_until([&] { return server.counts().dropped_slow == 1; }, 5s));
  EXPECT_EQ(server.counts().listening, 1);
}

TEST(ListenServer, IcyTitlesComeAtTheAudioTheyBelongTo) {
  const int port = free_port();
  auto o = options(port);
  o.metaint = 4000;
  ListenServer server(std::move(o));
  RawClient c(port);
  c.say("GET /x.mp3 HTTP/1.1\r\nHost: x\r\nicy-metadata: 1\r\n\r\n");
  std::string got = c.head();
  ASSERT_NE(got.find("icy-metaint: 4000\r\n"), std::string::npos) << got;
  got = got.substr(got.find("\r\n\r\n") + 4);
  ASSERT_TRUE(wait_until([&] { return server.counts().listening == 1; }, 5s));
  server.set_title("Bản tin thời sự");
  for (int i = 0; i < 10; ++i) append_chunk(server, i);
  server.set_title("Ca khúc 'Quê hương'");
  for (int i = 10; i < 20; ++i) append_chunk(server, i);
  // Expect: 4000 audio, title 1, 4000 audio, no change, 4000 audio (8000…12000: the second
  // title starts at 10000, inside), the block after 12000 names it.
  std::string audio;
  std::vector<std::string> metas;
  std::size_t at = 0;
  ASSERT_TRUE(c.read_into(got, 20000 + 49 + 1 + 49 + 1, 5000ms));  // the two titles take 49 bytes each
  while (at + 4000 < got.size() && metas.size() < 4) {
    audio += got.substr(at, 4000);
    at += 4000;
    const std::size_t len = static_cast<unsigned char>(got[at]) * 16u;
    metas.push_back(got.substr(at + 1, len));
    at += 1 + len;
  }
  ASSERT_EQ(metas.size(), 4u);
  EXPECT_EQ(metas[0].substr(0, metas[0].find('\0')), "StreamTitle='Bản tin thời sự';");
  EXPECT_EQ(metas[1], "");
  EXPECT_EQ(metas[2].substr(0, metas[2].find('\0')), "StreamTitle='Ca khúc ’Quê hương’';");
  EXPECT_EQ(metas[3], "");
  for (int i = 0; i < 16; ++i) EXPECT_EQ(audio[static_cast<std::size_t>(i) * 1000], static_cast<char>(i % 251 + 1));
}

}  // namespace
}  // namespace onair

// Network sources (the engine relays HTTP streams with this decoder): a server that
// stalls, before or during the stream, ends the item within the I/O timeout with a
// reason, and another thread can abandon a blocking open at once.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <thread>

#include "decoder/decode_helpers.hpp"
#include "player/ffmpeg/error.hpp"

namespace onair::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A one-connection HTTP server on 127.0.0.1 whose behaviour the test supplies.
class TinyServer {
 public:
  explicit TinyServer(std::function<void(int fd, const std::atomic<bool>& stop)> serve)
      : listener_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(listener_, 4) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("cannot listen");
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, serve = std::move(serve)] {
      pollfd p{listener_, POLLIN, 0};
      while (!stop_ && ::poll(&p, 1, 50) >= 0) {
        if (!(p.revents & POLLIN)) continue;
        const int fd = ::accept(listener_, nullptr, nullptr);
        if (fd < 0) continue;
        read_request(fd);
        serve(fd, stop_);
        ::shutdown(fd, SHUT_WR);  // a clean end of stream, not a reset
        ::close(fd);
      }
    });
  }
  ~TinyServer() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/live"; }

 private:
  static void read_request(int fd) {
    std::string request;
    char buf[1024];
    pollfd p{fd, POLLIN, 0};
    while (request.find("\r\n\r\n") == std::string::npos && ::poll(&p, 1, 2000) > 0) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;
      request.append(buf, static_cast<std::size_t>(n));
    }
  }

  int listener_;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

void wait_for_stop(const std::atomic<bool>& stop) {
  while (!stop) std::this_thread::sleep_for(10ms);
}

void send_all(int fd, const std::string& data) {
  for (std::size_t sent = 0; sent < data.size();) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

std::string http_ok() { return "HTTP/1.0 200 OK\r\nContent-Type: audio/mpeg\r\n\r\n"; }

TEST(DecoderNetwork, SilentServerTimesOutOpening) {
  TinyServer server([](int, const std::atomic<bool>& stop) { wait_for_stop(stop); });
  DecoderOptions options;
  options.io_timeout = 500ms;
  const auto start = Clock::now();
  try {
    Decoder decoder(server.url(), AudioFormat{}, options);
    ADD_FAILURE() << "opened a server that never answered";
  } catch (const FfmpegError& e) {
    EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
  }
  EXPECT_LT(Clock::now() - start, 3s);
}

TEST(DecoderNetwork, StopRequestAbandonsABlockingOpen) {
  TinyServer server([](int, const std::atomic<bool>& stop) { wait_for_stop(stop); });
  std::stop_source stop;
  DecoderOptions options;
  options.io_timeout = 60s;
  options.stop = stop.get_token();
  std::jthread stopper([&] {
    std::this_thread::sleep_for(300ms);
    stop.request_stop();
  });
  const auto start = Clock::now();
  try {
    Decoder decoder(server.url(), AudioFormat{}, options);
    ADD_FAILURE() << "opened a server that never answered";
  } catch (const FfmpegError& e) {
    EXPECT_NE(std::string(e.what()).find("stopped"), std::string::npos) << e.what();
  }
  EXPECT_LT(Clock::now() - start, 3s);
}

class StreamingServer : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto file = dir_ / "stream.mp3";
    ffmpeg("-f lavfi -i sine=sample_rate=44100:duration=3 -c:a libmp3lame -b:a 128k -write_xing 0 " +
           q(file));
    std::ifstream in(file, std::ios::binary);
    mp3_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  TempDir dir_;
  std::string mp3_;
};

TEST_F(StreamingServer, StreamThatStallsEndsTheItemWithAReason) {
  const std::string first_half = mp3_.substr(0, mp3_.size() / 2);
  TinyServer server([&](int fd, const std::atomic<bool>& stop) {
    send_all(fd, http_ok() + first_half);
    wait_for_stop(stop);  // then nothing, connection held open: a stalled relay
  });
  DecoderOptions options;
  options.io_timeout = 500ms;
  Decoder decoder(server.url(), AudioFormat{}, options);
  std::vector<float> buf(2 * 4800);
  FrameCount frames = 0;
  const auto start = Clock::now();
  while (const FrameCount n = decoder.read(buf.data(), 4800)) frames += n;
  EXPECT_LT(Clock::now() - start, 3s);
  EXPECT_EQ(decoder.end(), DecodeEnd::error);
  EXPECT_NE(decoder.error().find("timed out"), std::string::npos) << decoder.error();
  EXPECT_NEAR(static_cast<double>(frames) / 48000, 1.5, 0.3);  // what arrived was played
}

TEST_F(StreamingServer, StreamThatClosesEndsNormally) {
  TinyServer server([&](int fd, const std::atomic<bool>&) { send_all(fd, http_ok() + mp3_); });
  const Decoded d = decode_all(server.url());
  EXPECT_EQ(d.end, DecodeEnd::end_of_data) << d.error;
  EXPECT_NEAR(static_cast<double>(d.frames) / 48000, 3.0, 0.1);
}

}  // namespace
}  // namespace onair::test

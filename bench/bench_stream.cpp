// The built-in stream server's cost and latency, for bench/stream_cpu.sh.
//
//   bench_stream PCM PORT            encode 48 kHz stereo float (raw f32le) to one 128 kbit/s
//                                    MP3 stream with one loopback listener, as fast as it goes;
//                                    prints "cpu_s=… bytes=…" (this process: encoder, server and
//                                    the listener's reads)
//   bench_stream PCM PORT --latency  the same paced in real time, 10 ms at a time, with no
//                                    burst: prints how long after its frames were handed to
//                                    the output each second of audio reached the listener
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "player/output/queued.hpp"
#include "player/output/stream/listen.hpp"

using namespace onair;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_stream PCM PORT [--latency]\n");
    return 2;
  }
  const bool latency = argc > 3 && std::strcmp(argv[3], "--latency") == 0;
  // Read as it goes, as ffmpeg reads its input.
  std::ifstream in(argv[1], std::ios::binary);
  const auto frames = static_cast<FrameCount>(std::filesystem::file_size(argv[1]) / sizeof(float) / 2);
  std::string error;
  auto target = parse_listen_url(std::string("listen://127.0.0.1:") + argv[2] + "/b.mp3?bitrate=128" +
                                     (latency ? "&burst=0" : ""),
                                 error);
  if (!target) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 2;
  }
  QueuedOutputOptions q;
  q.wait_when_full = !latency;
  ListenOptions lo;
  lo.target = *target;
  QueuedOutput out(std::make_unique<ListenOutput>(lo), q);
  out.open(AudioFormat{48000, 2});

  // The listener: a plain socket, counting what arrives and when.
  std::atomic<std::int64_t> received{0};
  std::atomic<bool> connected{false}, stop{false};
  std::vector<std::pair<Clock::time_point, std::int64_t>> arrivals;  // listener thread only until joined
  std::thread listener([&] {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(std::stoi(argv[2])));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return;
    const char req[] = "GET /b.mp3 HTTP/1.0\r\n\r\n";
    ::send(fd, req, sizeof req - 1, 0);
    char buf[65536];
    std::string head;
    while (head.find("\r\n\r\n") == std::string::npos) {
      const auto n = ::recv(fd, buf, 1, 0);
      if (n <= 0) return;
      head.append(buf, 1);
    }
    connected = true;
    timeval tv{0, 200000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (!stop) {
      const auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n == 0) break;
      if (n < 0) continue;
      received += n;
      if (latency) arrivals.emplace_back(Clock::now(), received.load());
    }
    ::close(fd);
  });
  while (!connected) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  rusage r0{};
  ::getrusage(RUSAGE_SELF, &r0);
  const FrameCount block = latency ? 480 : 4096;
  std::vector<float> pcm(static_cast<std::size_t>(block) * 2);
  const auto start = Clock::now();
  for (FrameCount at = 0; at < frames; at += block) {
    const FrameCount n = std::min(block, frames - at);
    in.read(reinterpret_cast<char*>(pcm.data()), static_cast<std::streamsize>(n * 2 * sizeof(float)));
    if (latency) std::this_thread::sleep_until(start + std::chrono::microseconds(at * 1'000'000 / 48000));
    out.write(pcm.data(), n);
  }
  out.drain();
  out.close();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  listener.join();
  rusage r1{};
  ::getrusage(RUSAGE_SELF, &r1);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  const double cpu = secs(r1.ru_utime) - secs(r0.ru_utime) + secs(r1.ru_stime) - secs(r0.ru_stime);
  if (!latency) {
    std::printf("cpu_s=%.3f bytes=%lld audio_s=%.1f\n", cpu, static_cast<long long>(received.load()),
                static_cast<double>(frames) / 48000);
    return 0;
  }
  // At 128 kbit/s CBR, the byte at offset B carries audio from B / 16000 s on (plus the
  // encoder's fixed delay, which this counts as latency too). For each whole second of audio:
  // when its last byte arrived, less when its last frame was written.
  std::vector<double> lat;
  for (int sec = 1; sec <= static_cast<int>(frames / 48000); ++sec) {
    const std::int64_t need = static_cast<std::int64_t>(sec) * 16000;
    const auto hit = std::find_if(arrivals.begin(), arrivals.end(), [&](const auto& p) { return p.second >= need; });
    if (hit == arrivals.end()) break;
    lat.push_back(std::chrono::duration<double, std::milli>(hit->first - (start + std::chrono::seconds(sec))).count());
  }
  if (lat.empty()) return 1;
  std::vector<double> sorted = lat;
  std::sort(sorted.begin(), sorted.end());
  std::printf("latency_ms median=%.1f max=%.1f min=%.1f seconds=%zu\n", sorted[sorted.size() / 2], sorted.back(),
              sorted.front(), sorted.size());
  return 0;
}

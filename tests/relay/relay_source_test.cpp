// The relay source against a real HTTP stream server (tests/support/stream_server.py):
// the stream airs while it is healthy; a refused, silent, stalled or killed stream
// switches to the fallback file (or silence) without a gap and is retried; the source
// is destroyed promptly whatever the server does. Stream and fallback carry distinct
// tones, so every 100 ms of output says what was airing.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <numbers>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "player/source/factory.hpp"
#include "support/stream_server.hpp"
#include "support/test_media.hpp"


namespace onair::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr double kStreamHz = 440.0;
constexpr double kFallbackHz = 1000.0;
const AudioFormat kFormat{48000, 2};
constexpr FrameCount kChunk = 4800;  // 100 ms: one verdict per chunk

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// --- what is airing -----------------------------------------------------------------------

// Power of `freq` in x relative to x's total power: ~1 for a pure tone at freq.
double tone_share(const float* x, std::size_t n, std::size_t stride, double freq) {
  const double coeff = 2.0 * std::cos(2.0 * std::numbers::pi * freq / kFormat.sample_rate);
  double s1 = 0, s2 = 0, energy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = x[i * stride];
    energy += v * v;
    const double s = v + coeff * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  if (energy <= 0) return 0;
  const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return power / (energy * static_cast<double>(n) / 2.0);
}

// 'S' stream tone, 'F' fallback tone, '0' digital silence, '?' anything else (a switch
// inside the chunk, an MP3 loop seam).
char verdict(const float* frames, FrameCount n) {
  double peak = 0;
  for (FrameCount i = 0; i < n * kFormat.channels; ++i) peak = std::max(peak, std::abs(double(frames[i])));
  if (peak == 0.0) return '0';
  const auto count = static_cast<std::size_t>(n);
  if (tone_share(frames, count, 2, kStreamHz) > 0.6) return 'S';
  if (tone_share(frames, count, 2, kFallbackHz) > 0.6) return 'F';
  return '?';
}

struct Heard {
  std::string timeline;     // one verdict per 100 ms of output
  FrameCount underrun = 0;  // frames a sound card wanted that were not ready
  std::vector<float> audio;

  std::string summary() const {
    std::string out;
    for (std::size_t i = 0; i < timeline.size();) {
      std::size_t j = i;
      while (j < timeline.size() && timeline[j] == timeline[i]) ++j;
      out += timeline[i] + std::string("x") + std::to_string(j - i) + " ";
      i = j;
    }
    return out + "(underrun " + std::to_string(underrun) + " frames)";
  }
  // Runs of S/F with short '?' blips (<= 2 chunks) dropped: e.g. "SFS".
  std::string shape() const {
    std::string out;
    for (std::size_t i = 0; i < timeline.size();) {
      std::size_t j = i;
      while (j < timeline.size() && timeline[j] == timeline[i]) ++j;
      if (!(timeline[i] == '?' && j - i <= 2) && (out.empty() || out.back() != timeline[i])) out += timeline[i];
      i = j;
    }
    return out;
  }
  std::size_t count(char c) const { return static_cast<std::size_t>(std::count(timeline.begin(), timeline.end(), c)); }
  // Length in chunks of the first run of c.
  std::size_t first_run(char c) const {
    const auto b = timeline.find(c);
    if (b == std::string::npos) return 0;
    const auto e = timeline.find_first_not_of(c, b);
    return (e == std::string::npos ? timeline.size() : e) - b;
  }

  void classify() {
    timeline.clear();
    const auto total = static_cast<FrameCount>(audio.size()) / kFormat.channels;
    for (FrameCount f = 0; f + kChunk <= total; f += kChunk) timeline += verdict(&audio[f * kFormat.channels], kChunk);
  }
};

// Reads like a sound card: once `prebuffer` is ready, takes frames at real-time pace for
// `seconds`; frames that are due but not ready count as underrun and are heard as silence.
Heard listen_realtime(Source& source, double seconds, double prebuffer) {
  Heard heard;
  const auto pre = kFormat.frames(std::chrono::duration<double>(prebuffer));
  if (!source.wait(pre, 15s)) {
    ADD_FAILURE() << "the source never buffered " << prebuffer << " s";
    return heard;
  }
  const auto total = kFormat.frames(std::chrono::duration<double>(seconds));
  heard.audio.reserve(static_cast<std::size_t>(total * kFormat.channels));
  const auto start = Clock::now();
  FrameCount consumed = 0;
  std::vector<float> buf;
  while (consumed < total) {
    std::this_thread::sleep_for(10ms);
    const FrameCount due =
        std::min(total, kFormat.frames(Clock::now() - start)) - consumed;
    buf.assign(static_cast<std::size_t>(due * kFormat.channels), 0.0f);
    FrameCount got = 0;
    while (got < due) {
      const FrameCount n = source.read(buf.data() + got * kFormat.channels, due - got);
      if (n == 0) break;
      got += n;
    }
    heard.underrun += due - got;  // the rest of buf stays silent, as on air
    heard.audio.insert(heard.audio.end(), buf.begin(), buf.end());
    consumed += due;
  }
  heard.classify();
  std::printf("heard (real time): %s\n", heard.summary().c_str());
  return heard;
}

// Reads like the render mode: as fast as the source delivers, waiting when it has
// nothing. Records the longest wait for data.
struct Greedy {
  Heard heard;
  double longest_wait = 0;  // seconds
};
Greedy listen_greedy(Source& source, double content_seconds, double wall_limit) {
  Greedy g;
  const auto total = kFormat.frames(std::chrono::duration<double>(content_seconds));
  const auto start = Clock::now();
  auto last = start;
  std::vector<float> buf(static_cast<std::size_t>(kChunk * kFormat.channels));
  FrameCount got = 0;
  while (got < total && seconds_since(start) < wall_limit) {
    const FrameCount n = source.read(buf.data(), std::min(kChunk, total - got));
    if (n > 0) {
      g.longest_wait = std::max(g.longest_wait, seconds_since(last));
      last = Clock::now();
      g.heard.audio.insert(g.heard.audio.end(), buf.begin(), buf.begin() + n * kFormat.channels);
      got += n;
      continue;
    }
    source.wait(1, 50ms);
  }
  g.longest_wait = std::max(g.longest_wait, got < total ? seconds_since(last) : 0.0);
  g.heard.classify();
  std::printf("heard (greedy, longest wait %.2f s): %s\n", g.longest_wait, g.heard.summary().c_str());
  return g;
}

// --- fixture ----------------------------------------------------------------------------------

class Relay : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    media_ = new TempDir;
    // The stream: an MP3 as an Icecast server would carry it, no Xing/ID3 frames, so the
    // server can loop it. The fallback is shorter than the outages: it has to loop.
    make_tone(stream_file(), kStreamHz, 10, "-c:a libmp3lame -b:a 128k -write_xing 0 -id3v2_version 0");
    make_tone(fallback_file(), kFallbackHz, 1.5);
  }
  static void TearDownTestSuite() {
    delete media_;
    media_ = nullptr;
  }
  static std::string stream_file() { return (*media_ / "stream.mp3").string(); }
  static std::string fallback_file() { return (*media_ / "fallback.wav").string(); }

  static RelayOptions quick() {
    RelayOptions o;
    o.connect_timeout = 2s;
    o.stall_limit = 1s;
    o.retry_interval = 1s;
    o.ring_frames = 48000 * 3;
    return o;
  }
  static std::vector<std::string> serve(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {stream_file(), "--burst", "2", "--rate", "1.05"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  static TempDir* media_;
};
TempDir* Relay::media_ = nullptr;

// 1.
TEST_F(Relay, HealthyStreamAirsContinuously) {
  StreamServer server(serve());
  auto source = make_relay_source(server.url(), fallback_file(), kFormat, quick());
  const Heard heard = listen_realtime(*source, 3.0, 1.0);
  SCOPED_TRACE(heard.summary());
  EXPECT_EQ(heard.shape(), "S");
  EXPECT_GE(heard.count('S'), heard.timeline.size() - 2);
  EXPECT_EQ(heard.count('0'), 0u);
  EXPECT_EQ(heard.underrun, 0);
  EXPECT_EQ(source->state(), Source::State::playing);
  EXPECT_EQ(source->detail(), "");
  EXPECT_EQ(source->error(), "");
  const auto start = Clock::now();
  source.reset();  // the slot ends mid-stream
  EXPECT_LT(seconds_since(start), 1.0);
}

// 2.
TEST_F(Relay, RefusedConnectionAirsTheFallbackAtOnceWithoutGaps) {
  StreamServer closed({"--refuse"});
  const std::string url = closed.url();
  const auto start = Clock::now();
  auto source = make_relay_source(url, fallback_file(), kFormat, quick());
  ASSERT_TRUE(source->wait(1, 5s));
  EXPECT_LT(seconds_since(start), 2.0) << "fallback later than connect_timeout";
  const Heard heard = listen_realtime(*source, 2.5, 0.5);  // the 1.5 s fallback loops
  SCOPED_TRACE(heard.summary());
  EXPECT_EQ(heard.timeline, std::string(heard.timeline.size(), 'F'));
  EXPECT_EQ(heard.underrun, 0);
  EXPECT_EQ(source->state(), Source::State::playing);
  EXPECT_NE(source->error().find("refused"), std::string::npos) << source->error();
  const std::string detail = source->detail();
  EXPECT_NE(detail.find("stream failed to open: Connection refused"), std::string::npos) << detail;
  EXPECT_NE(detail.find("fallback aired 00:00–00:0"), std::string::npos) << detail;
}

TEST_F(Relay, ServerThatNeverAnswersFallsBackWithinTheConnectTimeout) {
  StreamServer server(serve({"--stall-after", "0"}));  // headers, then nothing
  RelayOptions o = quick();
  o.connect_timeout = 1s;
  const auto start = Clock::now();
  auto source = make_relay_source(server.url(), fallback_file(), kFormat, o);
  ASSERT_TRUE(source->wait(1, 5s));
  const double took = seconds_since(start);
  EXPECT_GT(took, 0.8);
  EXPECT_LT(took, 2.5);  // 1 s + slack for a loaded machine
  const Heard heard = listen_realtime(*source, 1.5, 0.2);
  SCOPED_TRACE(heard.summary());
  EXPECT_EQ(heard.timeline, std::string(heard.timeline.size(), 'F'));
  EXPECT_NE(source->detail().find("timed out after 1.0 s"), std::string::npos) << source->detail();
}

// 3.
TEST_F(Relay, StallSwitchesToTheFallbackWithoutAGap) {
  StreamServer server(serve({"--stall-after", "2.5"}));
  auto source = make_relay_source(server.url(), fallback_file(), kFormat, quick());
  const Heard heard = listen_realtime(*source, 4.0, 1.5);
  SCOPED_TRACE(heard.summary());
  // The 2.5 s the server sent, then the fallback right after the last stream frame.
  ASSERT_GE(heard.shape().size(), 2u);
  EXPECT_EQ(heard.shape().substr(0, 2), "SF");
  EXPECT_GE(heard.first_run('S'), 23u);
  EXPECT_LE(heard.first_run('S'), 26u);
  EXPECT_GE(heard.first_run('F'), 10u);
  EXPECT_EQ(heard.count('0'), 0u);
  EXPECT_EQ(heard.underrun, 0) << "the source stopped producing";
  EXPECT_NE(source->detail().find("stream stalled: no data for 1."), std::string::npos) << source->detail();
  EXPECT_NE(source->error().find("stalled"), std::string::npos) << source->error();
}

TEST_F(Relay, StalledStreamNeverKeepsAReaderWaitingMuchLongerThanTheStallLimit) {
  // Render mode: the engine waits as long as needed for data, so the fallback must
  // come within about stall_limit of the last stream data.
  StreamServer server({stream_file(), "--burst", "0.5", "--rate", "1.0", "--stall-after", "2"});
  auto source = make_relay_source(server.url(), fallback_file(), kFormat, quick());
  ASSERT_TRUE(source->wait(1, 5s));
  const Greedy g = listen_greedy(*source, 6.0, 10.0);
  SCOPED_TRACE(g.heard.summary());
  EXPECT_EQ(g.heard.timeline.size(), 60u) << "the reader did not get 6 s of audio in 10 s";
  EXPECT_GE(g.longest_wait, 0.8) << "the stall should have been felt";
  EXPECT_LT(g.longest_wait, 1.7) << "waited too long for the fallback";
  EXPECT_EQ(g.heard.shape().substr(0, 2), "SF");
  EXPECT_GE(g.heard.first_run('S'), 18u);
  EXPECT_EQ(g.heard.count('0'), 0u);
}

// 4.
TEST_F(Relay, ServerKilledMidStreamThenRestartedOnTheSamePort) {
  auto server = std::make_unique<StreamServer>(serve());
  const int port = server->port();
  const std::string url = server->url();
  RelayOptions o = quick();
  o.ring_frames = 48000 * 2;
  auto source = make_relay_source(url, fallback_file(), kFormat, o);

  std::jthread operator_([&] {
    std::this_thread::sleep_for(1500ms);
    server->kill();
    std::this_thread::sleep_for(500ms);
    server = std::make_unique<StreamServer>(serve({"--port", std::to_string(port)}));
  });
  const Heard heard = listen_realtime(*source, 6.5, 1.0);
  operator_.join();
  SCOPED_TRACE(heard.summary());
  EXPECT_EQ(heard.shape(), "SFS");
  EXPECT_GE(heard.first_run('S'), 25u);  // what was buffered when the server died airs too
  EXPECT_GE(heard.first_run('F'), 5u);
  EXPECT_GE(heard.timeline.size() - heard.timeline.rfind('F') - 1, 5u) << "the stream did not come back for long";
  EXPECT_EQ(heard.count('0'), 0u);
  EXPECT_EQ(heard.underrun, 0);
  const std::string detail = source->detail();
  EXPECT_NE(detail.find("fallback aired 00:0"), std::string::npos) << detail;
  EXPECT_NE(detail.find("stream back at"), std::string::npos) << detail;
}

// 5.
TEST_F(Relay, DestroyingTheSourceWhileTheServerStallsReturnsPromptly) {
  // (FFmpeg needs ~2 s of an MP3 stream to open it: stall after that.)
  StreamServer server({stream_file(), "--burst", "2.5", "--stall-after", "2.5"});
  RelayOptions o = quick();
  o.stall_limit = 60s;  // stays stuck in the stalled read
  auto source = make_relay_source(server.url(), fallback_file(), kFormat, o);
  ASSERT_TRUE(source->wait(kChunk, 5s));
  std::vector<float> chunk(static_cast<std::size_t>(kChunk * kFormat.channels));
  ASSERT_EQ(source->read(chunk.data(), kChunk), kChunk);
  EXPECT_EQ(verdict(chunk.data(), kChunk), 'S') << "not airing the stream";
  std::this_thread::sleep_for(1s);  // the server has long stopped sending
  EXPECT_EQ(source->state(), Source::State::playing);
  EXPECT_EQ(source->detail(), "") << "should still be waiting on the stalled stream";
  const auto start = Clock::now();
  source.reset();
  EXPECT_LT(seconds_since(start), 1.0);
}

TEST_F(Relay, DestroyingTheSourceWhileConnectingReturnsPromptly) {
  StreamServer server(serve({"--stall-after", "0"}));
  RelayOptions o = quick();
  o.connect_timeout = 60s;
  auto source = make_relay_source(server.url(), fallback_file(), kFormat, o);
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(source->state(), Source::State::opening);
  EXPECT_EQ(source->readable(), 0);
  const auto start = Clock::now();
  source.reset();
  EXPECT_LT(seconds_since(start), 1.0);
}

// Without a usable fallback the slot still never runs dry: digital silence.
TEST_F(Relay, NoFallbackAirsDigitalSilence) {
  StreamServer closed({"--refuse"});
  auto source = make_relay_source(closed.url(), "", kFormat, quick());
  ASSERT_TRUE(source->wait(48000, 2s));
  const Heard heard = listen_realtime(*source, 1.0, 0.5);
  EXPECT_EQ(heard.timeline, std::string(10, '0'));
  EXPECT_EQ(heard.underrun, 0);
  EXPECT_EQ(source->state(), Source::State::playing);
  EXPECT_NE(source->detail().find("no fallback: silence aired 00:00–"), std::string::npos) << source->detail();
}

TEST_F(Relay, BrokenFallbackAirsDigitalSilence) {
  StreamServer closed({"--refuse"});
  const auto missing = (*media_ / "missing.mp3").string();
  auto source = make_relay_source(closed.url(), missing, kFormat, quick());
  ASSERT_TRUE(source->wait(48000, 2s));
  const Heard heard = listen_realtime(*source, 1.0, 0.5);
  EXPECT_EQ(heard.timeline, std::string(10, '0'));
  EXPECT_EQ(source->state(), Source::State::playing);
  const std::string detail = source->detail();
  EXPECT_NE(detail.find("fallback failed"), std::string::npos) << detail;
  EXPECT_NE(detail.find("silence aired 00:00–"), std::string::npos) << detail;
}

// A fallback (or stream) in float PCM whose bytes are damaged decodes to NaN and absurd
// levels: they air as silence, never as NaN, and the as-run detail says how many there were.
TEST_F(Relay, DamagedFloatAudioAirsAsSilenceAndIsNoted) {
  StreamServer closed({"--refuse"});
  const auto damaged = *media_ / "damaged-f32.wav";
  make_tone(damaged, kFallbackHz, 1.5, "-c:a pcm_f32le");
  {
    // 0xFF bytes are NaN as 32-bit floats: 0.25 s of them from 0.5 s in (48 kHz mono f32).
    FILE* f = std::fopen(damaged.c_str(), "r+b");
    ASSERT_NE(f, nullptr);
    const long header = static_cast<long>(std::filesystem::file_size(damaged)) - 72000 * 4;
    ASSERT_EQ(std::fseek(f, header + 24000 * 4, SEEK_SET), 0);
    const std::vector<unsigned char> ff(12000 * 4, 0xFF);
    ASSERT_EQ(std::fwrite(ff.data(), 1, ff.size(), f), ff.size());
    std::fclose(f);
  }
  auto source = make_relay_source(closed.url(), damaged.string(), kFormat, quick());
  const Heard heard = listen_realtime(*source, 1.2, 0.5);
  ASSERT_FALSE(heard.audio.empty());
  EXPECT_TRUE(std::all_of(heard.audio.begin(), heard.audio.end(), [](float x) { return std::isfinite(x) && std::abs(x) <= 1.0f; }));
  const auto silent = std::count(heard.audio.begin(), heard.audio.end(), 0.0f);
  EXPECT_GE(silent, 12000 * 2) << "the damaged 0.25 s airs as silence (both channels)";
  const std::string detail = source->detail();
  EXPECT_NE(detail.find("invalid sample(s)"), std::string::npos) << detail;
}

// The stream is retried while the fallback airs and taken back once it is up.
TEST_F(Relay, StreamThatComesUpLaterReplacesTheFallback) {
  StreamServer closed({"--refuse"});
  const int port = closed.port();
  RelayOptions o = quick();
  o.ring_frames = 48000 * 3 / 2;
  auto source = make_relay_source(closed.url(), fallback_file(), kFormat, o);
  ASSERT_TRUE(source->wait(1, 2s));
  StreamServer server(serve({"--port", std::to_string(port)}));
  const Heard heard = listen_realtime(*source, 5.0, 0.5);
  SCOPED_TRACE(heard.summary());
  // The fallback fills the ring ahead; the stream follows once a retry reaches it.
  EXPECT_EQ(heard.shape(), "FS");
  EXPECT_EQ(heard.count('0'), 0u);
  EXPECT_EQ(heard.underrun, 0);
  EXPECT_NE(source->detail().find("stream back at"), std::string::npos) << source->detail();
}

}  // namespace
}  // namespace onair::test

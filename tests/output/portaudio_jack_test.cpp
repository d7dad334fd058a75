// Real-time tests of PortAudioOutput against a JACK server with the dummy backend: a
// paced "sound card" named `system` that needs no hardware. Each test starts its own
// server under a unique name (JACK_DEFAULT_SERVER) and stops it by PID, so parallel runs
// don't collide and nothing is left behind even when an assertion fails.
#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "player/output/portaudio/devices.hpp"
#include "player/output/portaudio/output.hpp"
#include "support/jack_server.hpp"
#include "support/test_media.hpp"

namespace onair {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

using test::JackServer;

std::vector<float> tone(FrameCount frames, int rate) {
  std::vector<float> b(static_cast<std::size_t>(frames) * 2);
  for (FrameCount i = 0; i < frames; ++i) b[i * 2] = b[i * 2 + 1] = 0.3f * std::sin(2 * M_PI * 440 * i / rate);
  return b;
}

TEST(PortAudioJack, ListsTheJackDevice) {
  JackServer jack(48000);
  if (!jack.error().empty()) GTEST_SKIP() << jack.error();
  const auto devices = list_devices();
  EXPECT_EQ(select_device(devices, "system").host_api, "JACK Audio Connection Kit") << format_devices(devices);
}

TEST(PortAudioJack, ConsumesFramesAtTheDeviceRate) {
  JackServer jack(48000);
  if (!jack.error().empty()) GTEST_SKIP() << jack.error();
  PortAudioOutput out({.device = "system", .buffer = 300ms});
  const AudioFormat fmt = out.open({48000, 2});
  EXPECT_EQ(fmt, (AudioFormat{48000, 2}));
  EXPECT_EQ(out.device_name(), "system");
  // JACK's own figure for the dummy backend: two periods (PortAudio alone says one).
  EXPECT_NEAR(out.output_latency(), 2048.0 / 48000, 1e-6);

  const auto block = tone(1024, 48000);
  const auto warm = Clock::now();
  while (seconds_since(warm) < 0.5) out.write(block.data(), 1024);  // fill the ring, settle

  const OutputStats s0 = out.stats();
  const auto st0 = out.stamp();
  const auto t0 = Clock::now();
  while (seconds_since(t0) < 3.0) out.write(block.data(), 1024);
  const double elapsed = seconds_since(t0);
  const OutputStats s1 = out.stats();
  const auto st1 = out.stamp();

  const double expected = elapsed * 48000;
  const double played = double(s1.played - s0.played);
  EXPECT_NEAR(played, expected, 0.02 * expected + 2 * 1024) << "elapsed " << elapsed << " s";
  EXPECT_EQ(s1.underruns, 0);
  EXPECT_EQ(s1.dropped_frames, 0);
  // The stamps give the same rate, and DAC times a little ahead of now.
  ASSERT_TRUE(st0 && st1);
  EXPECT_EQ(st0->epoch, st1->epoch);
  const double stamp_rate = double(st1->frame - st0->frame) /
                            std::chrono::duration<double>(st1->time - st0->time).count();
  EXPECT_NEAR(stamp_rate, 48000, 480);
  const double ahead = std::chrono::duration<double>(st1->time - Clock::now()).count();
  EXPECT_GT(ahead, -0.1);
  EXPECT_LT(ahead, 0.2);

  out.drain();
  EXPECT_EQ(out.stats().played, out.stats().written);
  out.close();
  EXPECT_EQ(out.stats().underruns, 0) << "draining and closing are not underruns";
}

TEST(PortAudioJack, OpensAtTheRateTheDeviceRuns) {
  JackServer jack(44100);
  if (!jack.error().empty()) GTEST_SKIP() << jack.error();
  PortAudioOutput out({.device = "syst", .buffer = 200ms});
  const AudioFormat fmt = out.open({48000, 2});
  EXPECT_EQ(fmt.sample_rate, 44100) << "the decoder resamples to the rate actually opened";
  const auto block = tone(441, 44100);
  const auto t0 = Clock::now();
  while (seconds_since(t0) < 0.6) out.write(block.data(), 441);
  EXPECT_GT(out.stats().played, 44100 / 4);
}

TEST(PortAudioJack, MissingDeviceIsAClearError) {
  JackServer jack(48000);
  if (!jack.error().empty()) GTEST_SKIP() << jack.error();
  PortAudioOutput out({.device = "no-such-card"});
  try {
    out.open({48000, 2});
    FAIL() << "opened a device that does not exist";
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("system"), std::string::npos) << e.what();
  }
}

// Writes like the engine does (blocks of 1024) until `seconds` have passed; reports the
// slowest write() and when device_ok() first turned false.
struct WriteRun {
  double slowest = 0;
  double lost_after = -1;
  FrameCount frames = 0;
};
WriteRun write_for(PortAudioOutput& out, double seconds) {
  static const auto block = tone(1024, 48000);
  WriteRun r;
  const auto t0 = Clock::now();
  while (seconds_since(t0) < seconds) {
    const auto w = Clock::now();
    out.write(block.data(), 1024);
    r.frames += 1024;
    r.slowest = std::max(r.slowest, seconds_since(w));
    if (r.lost_after < 0 && !out.device_ok()) r.lost_after = seconds_since(t0);
  }
  return r;
}

// The device stalls (its callback stops): detected by the heartbeat, audio is dropped at
// real-time pace meanwhile, and when the device runs again the sink reopens it by name.
TEST(PortAudioJack, StalledDeviceIsDetectedAndReopened) {
  JackServer jack(48000);
  if (!jack.error().empty()) GTEST_SKIP() << jack.error();
  PortAudioOutput out({.device = "system", .buffer = 200ms, .heartbeat_timeout = 1000ms, .reopen_min = 200ms,
                       .reopen_max = 1000ms});
  out.open({48000, 2});
  write_for(out, 1.0);
  ASSERT_TRUE(out.device_ok());

  jack.signal(SIGSTOP);
  const WriteRun stalled = write_for(out, 2.5);
  jack.signal(SIGCONT);
  ASSERT_GE(stalled.lost_after, 0) << "stall not detected";
  EXPECT_LT(stalled.lost_after, 1.5);
  EXPECT_LT(stalled.slowest, 1.5) << "write() blocks at most until the heartbeat gives up";
  EXPECT_GT(out.stats().dropped_frames, 0);
  // Writing stalled until the loss was detected (those frames' time is gone: the epoch
  // changed), then went on at real time plus the 200 ms the emulated buffer takes at once.
  EXPECT_NEAR(double(stalled.frames) / 48000, 2.5 - stalled.lost_after + 0.2, 0.3);

  const auto t = Clock::now();
  while (out.stats().reopens == 0 && seconds_since(t) < 10) write_for(out, 0.1);
  ASSERT_EQ(out.stats().reopens, 1);
  EXPECT_TRUE(out.device_ok());
  const OutputStats before = out.stats();
  const WriteRun again = write_for(out, 1.0);
  EXPECT_LT(again.lost_after, 0);
  EXPECT_EQ(out.stats().dropped_frames, before.dropped_frames);
  EXPECT_GT(out.stats().played - before.played, 48000 / 2);
  out.close();
}

// The server dies mid-session (an unplugged card). PortAudio 19.6's JACK backend then
// blocks for 10 minutes in Pa_AbortStream, so this runs in a forked child that simply
// exits afterwards: what matters is that the engine side never waits for it.
void server_dies_scenario(JackServer& jack) {
  auto check = [](bool ok, const std::string& what) {
    if (!ok) {
      std::fprintf(stderr, "CHECK FAILED: %s\n", what.c_str());
      std::_Exit(1);
    }
  };
  PortAudioOutput out({.device = "system", .buffer = 200ms, .reopen_min = 200ms, .reopen_max = 1000ms,
                       .close_timeout = 500ms});
  out.open({48000, 2});
  write_for(out, 1.0);
  check(out.device_ok(), "device ok before the kill");
  kill(jack.pid(), SIGTERM);
  const WriteRun r = write_for(out, 2.0);
  check(r.lost_after >= 0 && r.lost_after < 1.2, "loss detected within a second: " + std::to_string(r.lost_after));
  check(r.slowest < 1.2, "no write() hangs: slowest " + std::to_string(r.slowest));
  check(std::abs(double(r.frames) / 48000 - (2.0 - r.lost_after + 0.2)) < 0.3,
        "paced at real time: " + std::to_string(r.frames));
  check(out.stats().dropped_frames > 0, "audio dropped while gone");
  const auto t = Clock::now();
  out.close();
  check(seconds_since(t) < 1.5, "close() is bounded: " + std::to_string(seconds_since(t)));
  std::fprintf(stderr, "SCENARIO OK\n");
  std::_Exit(0);
}

TEST(PortAudioJack, ServerDeathNeverBlocksTheEngine) {
  JackServer jack(48000);
  if (!jack.error().empty()) GTEST_SKIP() << jack.error();
  GTEST_FLAG_SET(death_test_style, "fast");  // fork: the child shares the running server
  EXPECT_EXIT(server_dies_scenario(jack), ::testing::ExitedWithCode(0), "SCENARIO OK");
}

}  // namespace
}  // namespace onair

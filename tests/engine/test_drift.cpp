// A simulated sound card 200 ppm fast for a simulated day: every hourly hard start, placed
// through the fitted clock 20 s ahead (as the engine commits anchors), must air within
// 1 ms of wall time.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "player/output/real_clock.hpp"

using namespace onair;
using namespace std::chrono_literals;

namespace {

class FakeWall final : public WallClock {
 public:
  MonoTime mono = MonoTime(std::chrono::hours(1000));
  TimePoint sys_origin = TimePoint(std::chrono::duration_cast<Duration>(std::chrono::hours(24 * 15000)));
  std::chrono::nanoseconds ntp_offset{0};
  MonoTime mono_now() const override { return mono; }
  TimePoint sys_now() const override {
    return sys_origin + std::chrono::duration_cast<Duration>(mono - MonoTime(std::chrono::hours(1000)) + ntp_offset);
  }
};

struct Device {
  double rate;       // true frames per second of monotonic time
  MonoTime first;    // when frame 0 reaches the DAC
  MonoTime dac_time(double frame) const {
    return first + std::chrono::duration_cast<MonoClock::duration>(std::chrono::duration<double>(frame / rate));
  }
};

double simulate(double ppm, double jitter_ms, int hours, double* measured_ppm) {
  FakeWall wall;
  Device dev{48000.0 * (1.0 + ppm * 1e-6), wall.mono + 43ms};  // ~43 ms DAC latency, as with JACK
  std::optional<OutputStamp> stamp;
  RealClock clock([&] { return stamp; }, wall, 48000, 43ms);
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> jitter(-jitter_ms, jitter_ms);
  const TimePoint start = wall.sys_now();
  double worst = 0;
  FrameCount frame = 0;
  int next_hour = 1;
  while (next_hour <= hours) {
    // One 1024-frame callback: it runs ~1 period before its frames reach the DAC.
    wall.mono = dev.dac_time(static_cast<double>(frame)) - 43ms;
    const auto dac = dev.dac_time(static_cast<double>(frame)) +
                     std::chrono::duration_cast<MonoClock::duration>(std::chrono::duration<double, std::milli>(jitter(rng)));
    stamp = OutputStamp{frame, dac, 1};
    clock.tick();
    const TimePoint hard_start = start + std::chrono::hours(next_hour);
    if (wall.sys_now() >= hard_start - 20s) {
      const FrameCount f = clock.frame_at(hard_start);  // committed now, 20 s ahead
      const auto aired = dev.dac_time(static_cast<double>(f));
      const auto aired_sys = wall.sys_origin + std::chrono::duration_cast<Duration>(aired - MonoTime(std::chrono::hours(1000)));
      const double error_ms = std::chrono::duration<double, std::milli>(aired_sys - hard_start).count();
      worst = std::max(worst, std::abs(error_ms));
      ++next_hour;
    }
    frame += 1024;
  }
  if (measured_ppm) *measured_ppm = clock.drift_ppm();
  return worst;
}

}  // namespace

TEST(Drift, DeviceTwoHundredPpmFastForADay) {
  double ppm = 0;
  const double worst_ms = simulate(200, 0.5, 24, &ppm);
  EXPECT_LT(worst_ms, 1.0) << "worst hard-start error over 24 h";
  EXPECT_NEAR(ppm, 200.0, 2.0);
  std::printf("drift 200 ppm, 24 h: worst hard-start error %.3f ms, measured %.2f ppm\n", worst_ms, ppm);
}

TEST(Drift, DeviceSlowAndJittery) {
  double ppm = 0;
  const double worst_ms = simulate(-150, 2.0, 6, &ppm);
  EXPECT_LT(worst_ms, 1.0);
  EXPECT_NEAR(ppm, -150.0, 5.0);
}

#pragma once
// A fake wall clock whose system/steady offset a test can step (an NTP step), and an
// output that plays what the engine writes on a simulated device at the nominal rate,
// publishing (frame, DAC time) stamps as a sound card does, so the engine runs on a real
// RealClock with no real time passing.
#include <functional>

#include "engine/engine_fixture.hpp"
#include "player/output/real_clock.hpp"

namespace onair::test {

class FakeWall final : public WallClock {
 public:
  static constexpr MonoTime kMono0 = MonoTime(std::chrono::hours(1000));
  MonoTime mono = kMono0;
  TimePoint sys_origin;               // system time at kMono0
  std::chrono::nanoseconds step{0};   // total of the steps applied to the system clock
  explicit FakeWall(TimePoint origin) : sys_origin(origin) {}
  MonoTime mono_now() const override { return mono; }
  TimePoint sys_now() const override {
    return sys_origin + std::chrono::duration_cast<Duration>(mono - kMono0 + step);
  }
};

// Frame F reaches the DAC at kMono0 + latency + F / rate; a write of frames [W, W+n) happens
// when frame W is due at the DAC minus the latency. `on_write(first_frame)` runs before each
// write is taken (tests step the clock there).
class DeviceOutput final : public Output {
 public:
  DeviceOutput(FakeWall& wall, std::chrono::milliseconds latency) : wall_(wall), latency_(latency) {}
  std::vector<float> samples;
  std::function<void(FrameCount)> on_write;

  AudioFormat open(const AudioFormat& requested) override { return requested; }
  void write(const float* interleaved, FrameCount frames) override {
    if (on_write) on_write(this->frames());
    samples.insert(samples.end(), interleaved, interleaved + frames * 2);
    wall_.mono = dac(this->frames()) - latency_;
  }
  void close() override {}
  std::optional<OutputStamp> stamp() const override {
    const FrameCount f = frames();
    return OutputStamp{f, dac(f), 1};
  }
  OutputStats stats() const override { return {}; }
  bool realtime() const override { return true; }
  std::string describe() const override { return "simulated device"; }
  FrameCount frames() const { return static_cast<FrameCount>(samples.size() / 2); }
  float left(FrameCount f) const { return samples.at(static_cast<std::size_t>(f * 2)); }

 private:
  MonoTime dac(FrameCount f) const {
    return FakeWall::kMono0 + latency_ + std::chrono::nanoseconds(f * 1'000'000'000LL / kRate);
  }
  FakeWall& wall_;
  std::chrono::milliseconds latency_;
};

}  // namespace onair::test

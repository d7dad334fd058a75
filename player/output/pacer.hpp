#pragma once
// Real-time pacing for sinks without a hardware clock (null, WAV in `play` mode, and the
// PortAudio sink while its device is gone). Time comes from an injected Sleeper so tests
// run on a fake clock and never sleep for real.
#include <atomic>
#include <chrono>
#include <cstdint>

#include "player/output/output.hpp"
#include "player/pcm/audio_format.hpp"
#include "player/output/stamp.hpp"

namespace onair {

// A monotonic clock that can also wait. Injected wherever output code needs time.
class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual MonoTime now() const = 0;
  virtual void sleep_until(MonoTime t) = 0;
  void sleep_for(std::chrono::nanoseconds d) { sleep_until(now() + d); }
};

// steady_clock and std::this_thread::sleep_until.
class SystemSleeper final : public Sleeper {
 public:
  MonoTime now() const override;
  void sleep_until(MonoTime t) override;
};
Sleeper& system_sleeper();  // a process-wide SystemSleeper

// A fake clock for tests: time only moves when someone sleeps or calls advance(), and
// sleep_until() returns immediately after moving time forward. Thread-safe.
class ManualSleeper final : public Sleeper {
 public:
  explicit ManualSleeper(MonoTime start = MonoTime(std::chrono::hours(1)));
  MonoTime now() const override;
  void sleep_until(MonoTime t) override;
  void advance(std::chrono::nanoseconds d);
  int sleeps() const { return sleeps_.load(); }

 private:
  std::atomic<MonoClock::rep> now_;
  std::atomic<int> sleeps_{0};
};

// Emulates a device that consumes frames at the nominal rate and can hold `buffer_frames`
// of rendered-ahead audio. advance() is called after each block is accepted and sleeps
// until the emulated buffer has room again, so a writer runs exactly at real time plus the
// buffer. Writing late (the emulated buffer ran dry) is an underrun: the timeline is
// re-anchored at "now" and the epoch changes, just like a sound card inserting silence.
class Pacer {
 public:
  Pacer(Sleeper& sleeper, AudioFormat format, FrameCount buffer_frames,
        std::chrono::nanoseconds late_tolerance = std::chrono::milliseconds(2));

  // Starts a timeline: frame `first` will be due at the time of the next advance().
  void restart(FrameCount first, std::uint32_t epoch);
  // Accounts for `frames` more frames written, then sleeps while the buffer is full.
  void advance(FrameCount frames);

  // Due time of the next frame to be written: exact, no DAC latency (there is no DAC).
  std::optional<OutputStamp> stamp() const { return slot_.load(); }
  FrameCount next_frame() const { return next_; }
  std::uint32_t epoch() const { return epoch_; }
  std::int64_t underruns() const { return underruns_.load(std::memory_order_relaxed); }
  FrameCount underrun_frames() const { return underrun_frames_.load(std::memory_order_relaxed); }

 private:
  MonoTime due(FrameCount frame) const { return anchor_time_ + format_.duration(frame - anchor_frame_); }

  Sleeper& sleeper_;
  AudioFormat format_;
  FrameCount buffer_;
  std::chrono::nanoseconds tolerance_;
  bool anchored_ = false;
  FrameCount anchor_frame_ = 0;
  MonoTime anchor_time_{};
  FrameCount next_ = 0;
  std::uint32_t epoch_ = 0;
  std::atomic<std::int64_t> underruns_{0};
  std::atomic<FrameCount> underrun_frames_{0};
  StampSlot slot_;
};

// Stats of a sink whose device the pacer emulates (no pacer: running free, nothing missed).
OutputStats paced_stats(FrameCount written, const Pacer* pacer);

}  // namespace onair

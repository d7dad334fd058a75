#pragma once
// The clock of a real output device: maps output frames to wall time by fitting the
// sink's (frame, monotonic DAC time) stamps, so the card's drift against the system
// clock is measured (ppm) and hard starts are placed from the wall clock, not from
// counted samples. Monotonic time is turned into wall time through the current offset
// between the system and steady clocks, read at each tick. An NTP step moves that offset:
// the fit (a rate against the steady clock) is untouched, the mapping to wall time follows
// the new time at once, and the step is logged and bumps mapping_version() so future hard
// starts are placed again (docs/engine.md, "When the system clock steps").
#include <deque>
#include <functional>
#include <optional>

#include "player/output/stamp.hpp"
#include "scheduler/frame_clock.hpp"

namespace onair {

// Reads the two clocks together; injected so tests run a day in seconds.
class WallClock {
 public:
  virtual ~WallClock() = default;
  virtual MonoTime mono_now() const = 0;
  virtual TimePoint sys_now() const = 0;
};
WallClock& system_wall_clock();

class RealClock final : public FrameClock {
 public:
  using StampSource = std::function<std::optional<OutputStamp>()>;

  // Until the first stamp, frame 0 is taken to air `initial_latency` after construction.
  RealClock(StampSource stamps, const WallClock& wall, int nominal_rate,
            std::chrono::microseconds initial_latency = std::chrono::milliseconds(100));

  int sample_rate() const override { return nominal_rate_; }
  TimePoint time_of(FrameCount frame) const override;
  FrameCount frame_at(TimePoint t) const override;
  void tick() override;
  // Before the first stamp only: frame 0 airs `initial_latency` from now.
  void restart_now() override;
  std::shared_ptr<const FrameClock> snapshot() const override { return std::make_shared<RealClock>(*this); }

  // Measured drift of the device against the monotonic clock, parts per million.
  double drift_ppm() const override { return (rate_ / nominal_rate_ - 1.0) * 1e6; }
  std::uint64_t mapping_version() const override { return version_; }
  std::size_t fit_points() const { return points_.size(); }
  // Sum of the system clock steps seen so far (for tests and status).
  Duration stepped() const { return stepped_; }

 private:
  struct Point {
    double seconds;  // monotonic time since base_, s
    double frame;
  };
  void refit();
  Duration read_offset() const;
  void follow_offset(Duration offset);

  StampSource stamps_;
  const WallClock& wall_;
  int nominal_rate_;
  std::chrono::microseconds initial_latency_;
  MonoTime base_;                   // monotonic origin of the fit's time axis
  Duration mono_to_sys_{0};
  Duration offset_at_version_{0};   // mono_to_sys_ when future starts were last placed
  Duration stepped_{0};
  // frame(t) = frame0_ + rate_ * (t - t0_), t in seconds since base_
  double frame0_ = 0, t0_ = 0, rate_;
  std::deque<Point> points_;
  std::optional<OutputStamp> last_;
  double last_point_seconds_ = -1e9;
  std::uint64_t version_ = 0;
};

}  // namespace onair

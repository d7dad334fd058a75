#pragma once
// Output frame indices and the clock that maps them to wall time. The engine works in
// frames; a FrameClock says when a frame airs. The virtual clock (render) is exact; the
// real clock (player/output/real_clock.hpp) is fitted from the sound card's timing stamps.
#include <cstdint>
#include <memory>

#include "scheduler/local_day.hpp"

namespace onair {

// A count of output frames (one sample per channel). Signed so differences are natural.
using FrameCount = std::int64_t;

class FrameClock {
 public:
  virtual ~FrameClock() = default;
  virtual int sample_rate() const = 0;
  // When output frame `frame` airs (reaches the DAC).
  virtual TimePoint time_of(FrameCount frame) const = 0;
  // The output frame that airs at `t` (nearest).
  virtual FrameCount frame_at(TimePoint t) const = 0;
  // Lets a fitted clock take in new timing information; called by the engine per block.
  virtual void tick() {}
  // Measured drift of the output against the system clock, ppm (0 for exact clocks).
  virtual double drift_ppm() const { return 0.0; }
  // Changes whenever the mapping moved enough to matter (a new fit, a device restart), so
  // the engine re-places future hard starts only then.
  virtual std::uint64_t mapping_version() const { return 0; }
  // Nothing has been written yet and the start was delayed (a source slow to open): frame 0
  // airs from now on, not from when the clock was made. No-op for exact clocks.
  virtual void restart_now() {}
  // The mapping as it is now, for another thread to use while this one moves on (the
  // planner). By default a clock at exactly the nominal rate through time_of(0).
  virtual std::shared_ptr<const FrameClock> snapshot() const;
};

// Frame 0 airs at `origin`; frames follow at exactly `rate` per second.
class VirtualClock final : public FrameClock {
 public:
  VirtualClock(TimePoint origin, int rate) : origin_(origin), rate_(rate) {}
  int sample_rate() const override { return rate_; }
  TimePoint time_of(FrameCount frame) const override;
  FrameCount frame_at(TimePoint t) const override;

 private:
  TimePoint origin_;
  int rate_;
};

// Frames in a duration at `rate`, rounded to nearest; and back (rounded to nearest µs).
FrameCount frames_in(Duration d, int rate);
Duration duration_of(FrameCount frames, int rate);

}  // namespace onair

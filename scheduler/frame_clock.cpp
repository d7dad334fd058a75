#include "scheduler/frame_clock.hpp"

namespace onair {

FrameCount frames_in(Duration d, int rate) {
  // µs × rate / 1e6 with rounding; split to stay clear of overflow for long spans.
  const std::int64_t us = d.count();
  const std::int64_t sec = us / 1'000'000, rem = us % 1'000'000;
  const std::int64_t part = rem * rate;
  const std::int64_t rounded = part >= 0 ? (part + 500'000) / 1'000'000 : -((-part + 500'000) / 1'000'000);
  return sec * rate + rounded;
}

Duration duration_of(FrameCount frames, int rate) {
  const std::int64_t sec = frames / rate, rem = frames % rate;
  const std::int64_t part = rem * 1'000'000;
  const std::int64_t rounded = part >= 0 ? (part + rate / 2) / rate : -((-part + rate / 2) / rate);
  return Duration(sec * 1'000'000 + rounded);
}

std::shared_ptr<const FrameClock> FrameClock::snapshot() const {
  return std::make_shared<VirtualClock>(time_of(0), sample_rate());
}

TimePoint VirtualClock::time_of(FrameCount frame) const { return origin_ + duration_of(frame, rate_); }

FrameCount VirtualClock::frame_at(TimePoint t) const { return frames_in(t - origin_, rate_); }

}  // namespace onair

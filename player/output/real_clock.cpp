#include "player/output/real_clock.hpp"

#include <cmath>

#include "player/log.hpp"

namespace onair {
namespace {

// One fit point a second over ten minutes: a long baseline makes the rate precise
// (callback jitter of ~1 ms over 600 s is under 2 ppm), and the least-squares intercept
// averages the jitter of single stamps away.
constexpr double kPointSpacing = 1.0;
constexpr std::size_t kMaxPoints = 600;
// Slews move the system and steady clocks together (Linux slews CLOCK_MONOTONIC too), so
// the offset between them only changes on a step; what changes less than this between
// ticks is read noise. The same half millisecond as a fit move re-places hard starts.
constexpr Duration kStep = std::chrono::milliseconds(1);
constexpr Duration kReplace = std::chrono::microseconds(500);

class SystemWallClock final : public WallClock {
 public:
  MonoTime mono_now() const override { return MonoClock::now(); }
  TimePoint sys_now() const override {
    return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  }
};

}  // namespace

WallClock& system_wall_clock() {
  static SystemWallClock clock;
  return clock;
}

RealClock::RealClock(StampSource stamps, const WallClock& wall, int nominal_rate,
                     std::chrono::microseconds initial_latency)
    : stamps_(std::move(stamps)), wall_(wall), nominal_rate_(nominal_rate), initial_latency_(initial_latency),
      base_(wall.mono_now()), rate_(nominal_rate) {
  mono_to_sys_ = offset_at_version_ = read_offset();
  t0_ = std::chrono::duration<double>(initial_latency).count();
  frame0_ = 0;
}

void RealClock::restart_now() {
  if (last_) return;  // audio is out: the stamps say when frame 0 aired
  base_ = wall_.mono_now();
  mono_to_sys_ = offset_at_version_ = read_offset();
  t0_ = std::chrono::duration<double>(initial_latency_).count();
  frame0_ = 0;
  ++version_;
}

Duration RealClock::read_offset() const {
  // The system clock read between two steady reads: a thread preempted between the reads
  // would otherwise look like a step of the preemption's length. Keep the tightest of three.
  Duration best{0};
  MonoClock::duration best_span = MonoClock::duration::max();
  for (int k = 0; k < 3; ++k) {
    const MonoTime m1 = wall_.mono_now();
    const TimePoint sys = wall_.sys_now();
    const MonoTime m2 = wall_.mono_now();
    if (m2 - m1 >= best_span) continue;
    best_span = m2 - m1;
    const auto mid = std::chrono::duration_cast<Duration>((m1 + (m2 - m1) / 2).time_since_epoch());
    best = sys.time_since_epoch() - mid;
    if (best_span < std::chrono::microseconds(50)) break;
  }
  return best;
}

void RealClock::follow_offset(Duration offset) {
  const Duration step = offset - mono_to_sys_;
  mono_to_sys_ = offset;
  if (std::chrono::abs(step) >= kStep) {
    stepped_ += step;
    named_logger("clock")->warn("the system clock stepped {:+.3f} s; hard starts follow the new time",
                                std::chrono::duration<double>(step).count());
  }
  if (std::chrono::abs(offset - offset_at_version_) >= kReplace) {
    offset_at_version_ = offset;
    ++version_;
  }
}

void RealClock::tick() {
  follow_offset(read_offset());
  const auto stamp = stamps_ ? stamps_() : std::nullopt;
  if (!stamp || (last_ && *last_ == *stamp)) return;
  if (last_ && last_->epoch != stamp->epoch) {
    points_.clear();  // the device restarted or skipped: the old mapping no longer holds
    last_point_seconds_ = -1e9;
  }
  last_ = stamp;
  const double seconds = std::chrono::duration<double>(stamp->time - base_).count();
  if (!points_.empty() && seconds - last_point_seconds_ < kPointSpacing) return;
  last_point_seconds_ = seconds;
  points_.push_back({seconds, static_cast<double>(stamp->frame)});
  if (points_.size() > kMaxPoints) points_.pop_front();
  refit();
}

void RealClock::refit() {
  // Where the old mapping put the newest point: if the new fit moves it by more than
  // half a millisecond, future hard starts must be placed again.
  const double probe_t = points_.back().seconds;
  const double before = frame0_ + (probe_t - t0_) * rate_;
  struct Bump {
    RealClock& c;
    double t, before;
    ~Bump() {
      if (std::abs(c.frame0_ + (t - c.t0_) * c.rate_ - before) > c.nominal_rate_ * 0.0005) ++c.version_;
    }
  } bump{*this, probe_t, before};
  const std::size_t n = points_.size();
  if (n == 1) {  // one point: place it, keep the rate
    t0_ = points_.front().seconds;
    frame0_ = points_.front().frame;
    return;
  }
  double mt = 0, mf = 0;
  for (const auto& p : points_) {
    mt += p.seconds;
    mf += p.frame;
  }
  mt /= static_cast<double>(n);
  mf /= static_cast<double>(n);
  double stt = 0, stf = 0;
  for (const auto& p : points_) {
    stt += (p.seconds - mt) * (p.seconds - mt);
    stf += (p.seconds - mt) * (p.frame - mf);
  }
  // Too short a baseline gives a noisy slope: keep the nominal rate until ~10 s.
  if (points_.back().seconds - points_.front().seconds >= 10.0 && stt > 0) {
    const double rate = stf / stt;
    if (std::abs(rate / nominal_rate_ - 1.0) < 0.01) rate_ = rate;  // reject absurd fits (>1%)
  }
  t0_ = mt;
  frame0_ = mf;
}

TimePoint RealClock::time_of(FrameCount frame) const {
  const double seconds = t0_ + (static_cast<double>(frame) - frame0_) / rate_;
  // Rounded, not truncated: 89.9999999 s must not become a microsecond early.
  const auto mono = base_ + std::chrono::round<MonoClock::duration>(std::chrono::duration<double>(seconds));
  return TimePoint(std::chrono::round<Duration>(mono.time_since_epoch()) + mono_to_sys_);
}

FrameCount RealClock::frame_at(TimePoint t) const {
  const auto mono_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch() - mono_to_sys_);
  const double seconds = std::chrono::duration<double>(mono_ns - base_.time_since_epoch()).count();
  return static_cast<FrameCount>(std::llround(frame0_ + (seconds - t0_) * rate_));
}

}  // namespace onair

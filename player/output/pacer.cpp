#include "player/output/pacer.hpp"

#include <algorithm>
#include <thread>

namespace onair {

MonoTime SystemSleeper::now() const { return MonoClock::now(); }

void SystemSleeper::sleep_until(MonoTime t) { std::this_thread::sleep_until(t); }

Sleeper& system_sleeper() {
  static SystemSleeper instance;
  return instance;
}

ManualSleeper::ManualSleeper(MonoTime start) : now_(start.time_since_epoch().count()) {}

MonoTime ManualSleeper::now() const { return MonoTime(MonoClock::duration(now_.load())); }

void ManualSleeper::sleep_until(MonoTime t) {
  ++sleeps_;
  // Never move backwards: sleeping until a past time returns at once, as it really would.
  const MonoClock::rep target = t.time_since_epoch().count();
  MonoClock::rep cur = now_.load();
  while (cur < target && !now_.compare_exchange_weak(cur, target)) {
  }
}

void ManualSleeper::advance(std::chrono::nanoseconds d) {
  now_ += std::chrono::duration_cast<MonoClock::duration>(d).count();
}

Pacer::Pacer(Sleeper& sleeper, AudioFormat format, FrameCount buffer_frames,
             std::chrono::nanoseconds late_tolerance)
    : sleeper_(sleeper), format_(format), buffer_(std::max<FrameCount>(0, buffer_frames)),
      tolerance_(late_tolerance) {}

void Pacer::restart(FrameCount first, std::uint32_t epoch) {
  anchored_ = false;
  next_ = first;
  epoch_ = epoch;
}

void Pacer::advance(FrameCount frames) {
  const MonoTime now = sleeper_.now();
  if (!anchored_) {
    anchored_ = true;
    anchor_frame_ = next_;
    anchor_time_ = now;
  } else if (now > due(next_) + tolerance_) {
    // The emulated device played silence since due(next_): that shifts every later frame.
    underruns_.fetch_add(1, std::memory_order_relaxed);
    underrun_frames_.fetch_add(format_.frames(now - due(next_)), std::memory_order_relaxed);
    ++epoch_;
    anchor_frame_ = next_;
    anchor_time_ = now;
  }
  next_ += frames;
  slot_.store(OutputStamp{next_, due(next_), epoch_});
  const MonoTime wake = due(next_ - buffer_);
  if (wake > now) sleeper_.sleep_until(wake);
}

OutputStats paced_stats(FrameCount written, const Pacer* pacer) {
  OutputStats s;
  s.written = s.played = written;
  if (pacer) {
    s.underruns = pacer->underruns();
    s.underrun_frames = pacer->underrun_frames();
  }
  return s;
}

}  // namespace onair

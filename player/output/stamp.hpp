#pragma once
// Timing stamps published by output sinks so a clock can be fitted to the real output
// rate: "output frame F reaches the DAC at monotonic time T".
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include "player/pcm/audio_format.hpp"

namespace onair {

using MonoClock = std::chrono::steady_clock;
using MonoTime = MonoClock::time_point;

struct OutputStamp {
  FrameCount frame = 0;   // engine output frame index (counted from the first frame written)
  MonoTime time{};        // monotonic time at which that frame reaches the DAC
  // Changes whenever the frame->time mapping jumps (stream opened or reopened, an
  // underrun inserted silence). A clock fit must start over when the epoch changes.
  std::uint32_t epoch = 0;

  friend bool operator==(const OutputStamp&, const OutputStamp&) = default;
};

// A single-writer, many-reader slot for the latest stamp (a seqlock). The writer never
// waits, so it can be stored from the audio callback; readers retry while a store is in
// progress, which is a few nanoseconds. No fences (ThreadSanitizer cannot see them): the
// fields are stored with release and loaded with acquire, so a reader that sees any field of
// a newer store also sees that store's odd sequence number on its second read, and retries.
class StampSlot {
 public:
  void store(const OutputStamp& s) noexcept {
    const std::uint64_t seq = seq_.load(std::memory_order_relaxed);
    seq_.store(seq + 1, std::memory_order_relaxed);  // odd: store in progress
    frame_.store(s.frame, std::memory_order_release);
    time_ns_.store(s.time.time_since_epoch().count(), std::memory_order_release);
    epoch_.store(s.epoch, std::memory_order_release);
    seq_.store(seq + 2, std::memory_order_release);
  }

  // The latest stamp, or nullopt if none was stored yet.
  std::optional<OutputStamp> load() const noexcept {
    for (;;) {
      const std::uint64_t s1 = seq_.load(std::memory_order_acquire);
      OutputStamp out;
      out.frame = frame_.load(std::memory_order_acquire);
      out.time = MonoTime(MonoClock::duration(time_ns_.load(std::memory_order_acquire)));
      out.epoch = epoch_.load(std::memory_order_acquire);
      const std::uint64_t s2 = seq_.load(std::memory_order_relaxed);
      if (s1 == s2 && (s1 & 1) == 0) {
        if (s1 == 0) return std::nullopt;
        return out;
      }
    }
  }

  // Forget the stamp. Only while no store can run concurrently.
  void clear() noexcept { seq_.store(0, std::memory_order_release); }

 private:
  std::atomic<std::uint64_t> seq_{0};
  std::atomic<FrameCount> frame_{0};
  std::atomic<MonoClock::rep> time_ns_{0};
  std::atomic<std::uint32_t> epoch_{0};
};

}  // namespace onair

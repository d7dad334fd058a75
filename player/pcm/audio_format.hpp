#pragma once
// The engine's output sample format: interleaved 32-bit float at a fixed rate and
// channel count (48 kHz stereo unless configured otherwise).
#include <chrono>
#include <cstdint>

#include "scheduler/frame_clock.hpp"  // FrameCount

namespace onair {

// Source sample rates we play: telephone-quality 1 kHz up to 768 kHz (DXD ×2). Anything else
// is a broken header, and resampling from it would take minutes and gigabytes (found by
// fuzzing: a 1 KB WAV claiming 704 MHz).
constexpr int kMinSourceRate = 1000;
constexpr int kMaxSourceRate = 768000;
constexpr bool plausible_source_rate(int hz) { return hz >= kMinSourceRate && hz <= kMaxSourceRate; }

struct AudioFormat {
  int sample_rate = 48000;
  int channels = 2;

  friend bool operator==(const AudioFormat&, const AudioFormat&) = default;

  // Frames for a duration, rounded to the nearest frame (exact for whole seconds,
  // no overflow over centuries).
  template <class Rep, class Period>
  FrameCount frames(std::chrono::duration<Rep, Period> d) const {
    const std::int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
    const std::int64_t sec = ns / 1'000'000'000, rem = ns % 1'000'000'000;
    const std::int64_t part = rem * sample_rate;  // < 1e9 * rate: fits
    const std::int64_t rounded = part >= 0 ? (part + 500'000'000) / 1'000'000'000
                                           : -((-part + 500'000'000) / 1'000'000'000);
    return sec * sample_rate + rounded;
  }
  std::chrono::nanoseconds duration(FrameCount f) const {
    const std::int64_t sec = f / sample_rate, rem = f % sample_rate;
    return std::chrono::nanoseconds(sec * 1'000'000'000 + rem * 1'000'000'000 / sample_rate);
  }
};

}  // namespace onair

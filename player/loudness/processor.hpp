#pragma once
// The master processor: what every output hears (docs/loudness.md, "Master processor").
// A slow AGC toward the target loudness (engaged per block by the engine: relays, live
// input) then the true-peak look-ahead limiter at the ceiling, always on.
//
//   MasterProcessor p(format);
//   p.process(block, frames, BusControl{.agc = relay_on_air});   // in place, delayed by latency()
//
// Real-time safe: the constructor allocates; process() never allocates, locks, logs or
// throws. process() is for one thread (the engine's render thread). The meters
// agc_gain_db() / limiter_reduction_db() / short_term_lufs() are relaxed atomics published
// once at the end of each process() call, so a status thread may read them at any time.
#include <atomic>

#include "player/loudness/agc.hpp"
#include "player/loudness/limiter.hpp"
#include "player/pcm/audio_format.hpp"

namespace onair {

// What the engine wants of the master bus for the next block. Changes between calls are
// followed smoothly (the AGC's time constants and ramps, the limiter's look-ahead).
struct BusControl {
  bool agc = false;            // engage the AGC (off: it ramps to, then stays at, exactly 0 dB)
  float target_lufs = -16.0f;  // the AGC's target
  float ceiling_dbtp = -1.0f;  // the limiter's true-peak ceiling
};

struct MasterOptions {
  AgcOptions agc;
  LimiterOptions limiter;
};

class MasterProcessor {
 public:
  // Throws std::invalid_argument for a bad format or options.
  explicit MasterProcessor(AudioFormat format, MasterOptions options = {});

  // The delay of process()'s output behind its input, in frames (~1.5 ms; constant).
  FrameCount latency() const noexcept { return limiter_.latency(); }
  const AudioFormat& format() const noexcept { return format_; }

  // Processes `frames` interleaved frames in place: output frame k of the stream is input
  // frame k − latency() after the AGC and the limiter.
  void process(float* interleaved, FrameCount frames, const BusControl& control) noexcept;

  // As of the end of the last process() call (any thread):
  float agc_gain_db() const noexcept { return agc_gain_db_.load(std::memory_order_relaxed); }
  // The deepest limiter reduction during that call, in dB (≥ 0).
  float limiter_reduction_db() const noexcept { return reduction_db_.load(std::memory_order_relaxed); }
  // The AGC detector's short-term loudness of the bus before the AGC (−inf while idle).
  float short_term_lufs() const noexcept { return short_term_.load(std::memory_order_relaxed); }

 private:
  AudioFormat format_;
  Agc agc_;
  TruePeakLimiter limiter_;
  std::atomic<float> agc_gain_db_{0.0f};
  std::atomic<float> reduction_db_{0.0f};
  std::atomic<float> short_term_{-1.0f / 0.0f};
};

}  // namespace onair

#pragma once
// Dead-air detection on the output itself (pure DSP, no clock, no I/O).
//
// The audio is cut into short windows (50 ms by default). A window is silent when the RMS
// level of every channel in it is below the threshold. The output counts as silent once a
// run of silent windows spans at least `duration`; the run's first frame is reported as
// the frame since which the output has been silent. That frame is refined below window
// granularity: it is the frame after the last sample whose magnitude reached the
// threshold level (but never later than the first silent window), so a tone that stops
// mid-window gives the frame where it stopped.
//
// Levels are dBFS = 20·log10(RMS) with full scale 1.0 (a full-scale sine reads -3 dBFS).
//
// Threading: feed() and reset() from one thread (the engine's); request_reset() and the
// getters from any thread (the station's monitor, the status API). Each getter is atomic on its own; they are not a snapshot
// of one instant. feed() never allocates, locks or throws.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include "player/pcm/audio_format.hpp"

namespace onair {

struct SilenceOptions {
  double threshold_dbfs = -50.0;             // below this the output is "silent"
  std::chrono::milliseconds duration{10'000};  // how long before it counts as dead air
  std::chrono::milliseconds window{50};      // RMS measurement window
};

class SilenceDetector {
 public:
  // Channels beyond this are folded onto the first ones (still no allocation).
  static constexpr int kMaxChannels = 16;

  // Throws std::invalid_argument for a non-positive rate or window, a negative duration
  // or a threshold above 0 dBFS.
  SilenceDetector(const SilenceOptions& options, int sample_rate);

  // Takes `frames` interleaved frames of `channels` samples. Frames are counted from 0
  // (the first frame fed after construction or reset()).
  void feed(const float* interleaved, FrameCount frames, int channels) noexcept;

  // Starts over at frame 0 (e.g. a new output session). Same thread as feed().
  void reset() noexcept;
  // Starts over from any thread (the alarm was raised: count the next silence anew):
  // silent() is false from now on, and the next feed() begins with reset().
  void request_reset() noexcept {
    reset_requested_.store(true, std::memory_order_release);
    silent_.store(false, std::memory_order_release);
  }

  // True once the output has been silent for at least the configured duration.
  bool silent() const noexcept { return silent_.load(std::memory_order_acquire); }
  // While silent(): the first silent frame of the run. nullopt otherwise.
  std::optional<FrameCount> silent_since() const noexcept;
  // The first frame of the current run of silent windows even if it is still shorter
  // than the duration (nullopt when the latest window had sound).
  std::optional<FrameCount> quiet_since() const noexcept;
  // Windows with sound (at or above the threshold) since construction; reset() keeps it, so
  // a caller that reset the detector can still tell whether sound came back since.
  std::uint64_t loud_windows() const noexcept { return loud_windows_.load(std::memory_order_acquire); }
  // Frames fed so far.
  FrameCount position() const noexcept { return position_pub_.load(std::memory_order_relaxed); }
  // Level of the latest complete window (loudest channel), dBFS; -inf for digital silence
  // and before the first window.
  double level_dbfs() const noexcept { return level_dbfs_.load(std::memory_order_relaxed); }

  const SilenceOptions& options() const noexcept { return options_; }
  int sample_rate() const noexcept { return rate_; }
  FrameCount window_frames() const noexcept { return window_frames_; }
  FrameCount duration_frames() const noexcept { return duration_frames_; }

 private:
  void end_window() noexcept;

  SilenceOptions options_;
  int rate_;
  FrameCount window_frames_;
  FrameCount duration_frames_;
  double threshold_amp_;    // linear amplitude of the threshold
  double threshold_power_;  // its square (mean square per window is compared to it)

  // Engine-thread state.
  std::array<double, kMaxChannels> sum_sq_{};  // per channel, current window
  FrameCount pos_ = 0;           // frames fed
  FrameCount window_start_ = 0;  // first frame of the current window
  FrameCount window_fill_ = 0;   // frames in the current window so far
  FrameCount last_loud_ = -1;    // last frame with a sample at or above the threshold
  FrameCount prev_window_start_ = -1;  // start of the previous complete window
  FrameCount run_start_ = -1;    // first frame of the current silent run, -1 if none

  // Published for other threads.
  std::atomic<bool> silent_{false};
  std::atomic<FrameCount> run_start_pub_{-1};
  std::atomic<FrameCount> position_pub_{0};
  std::atomic<double> level_dbfs_;
  std::atomic<bool> reset_requested_{false};
  std::atomic<std::uint64_t> loud_windows_{0};
};

}  // namespace onair

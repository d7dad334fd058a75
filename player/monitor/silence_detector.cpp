#include "player/monitor/silence_detector.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace onair {

SilenceDetector::SilenceDetector(const SilenceOptions& options, int sample_rate)
    : options_(options), rate_(sample_rate), level_dbfs_(-std::numeric_limits<double>::infinity()) {
  if (sample_rate <= 0) throw std::invalid_argument("silence detector: sample rate must be positive");
  if (options.window.count() <= 0) throw std::invalid_argument("silence detector: window must be positive");
  if (options.duration.count() < 0) throw std::invalid_argument("silence detector: duration must not be negative");
  if (!(options.threshold_dbfs <= 0.0))  // also rejects NaN
    throw std::invalid_argument("silence detector: threshold must be at most 0 dBFS");
  const AudioFormat fmt{sample_rate, 1};
  window_frames_ = std::max<FrameCount>(1, fmt.frames(options.window));
  duration_frames_ = fmt.frames(options.duration);
  threshold_amp_ = std::pow(10.0, options.threshold_dbfs / 20.0);
  threshold_power_ = threshold_amp_ * threshold_amp_;
}

void SilenceDetector::reset() noexcept {
  sum_sq_.fill(0.0);
  pos_ = window_start_ = window_fill_ = 0;
  last_loud_ = prev_window_start_ = run_start_ = -1;
  silent_.store(false, std::memory_order_release);
  run_start_pub_.store(-1, std::memory_order_relaxed);
  position_pub_.store(0, std::memory_order_relaxed);
  level_dbfs_.store(-std::numeric_limits<double>::infinity(), std::memory_order_relaxed);
}

void SilenceDetector::feed(const float* interleaved, FrameCount frames, int channels) noexcept {
  if (reset_requested_.exchange(false, std::memory_order_acq_rel)) reset();
  if (interleaved == nullptr || frames <= 0 || channels <= 0) return;
  const auto ch = static_cast<std::size_t>(channels);
  const float thr = static_cast<float>(threshold_amp_);
  FrameCount done = 0;
  while (done < frames) {
    // Up to the end of the current window.
    const FrameCount n = std::min(frames - done, window_frames_ - window_fill_);
    const float* p = interleaved + static_cast<std::size_t>(done) * ch;
    FrameCount loud_in_chunk = -1;
    for (FrameCount f = 0; f < n; ++f) {
      bool loud = false;
      for (std::size_t c = 0; c < ch; ++c) {
        const float x = p[c];
        sum_sq_[c % kMaxChannels] += static_cast<double>(x) * x;
        loud |= std::fabs(x) >= thr;
      }
      if (loud) loud_in_chunk = f;
      p += ch;
    }
    if (loud_in_chunk >= 0) last_loud_ = pos_ + loud_in_chunk;
    pos_ += n;
    window_fill_ += n;
    done += n;
    if (window_fill_ == window_frames_) end_window();
  }
  position_pub_.store(pos_, std::memory_order_relaxed);
}

void SilenceDetector::end_window() noexcept {
  double max_ms = 0.0;
  for (double s : sum_sq_) max_ms = std::max(max_ms, s / static_cast<double>(window_frames_));
  sum_sq_.fill(0.0);
  level_dbfs_.store(max_ms > 0.0 ? 10.0 * std::log10(max_ms) : -std::numeric_limits<double>::infinity(),
                    std::memory_order_relaxed);

  if (max_ms < threshold_power_) {
    if (run_start_ < 0) {
      // The run began after the last loud sample, which lies in the previous (loud)
      // window; never later than this window's start, never before the previous one.
      run_start_ = std::min(last_loud_ + 1, window_start_);
      run_start_ = std::max(run_start_, std::max<FrameCount>(prev_window_start_, 0));
    }
  } else {
    run_start_ = -1;
    loud_windows_.fetch_add(1, std::memory_order_acq_rel);
  }
  const FrameCount window_end = window_start_ + window_frames_;
  const bool is_silent = run_start_ >= 0 && window_end - run_start_ >= duration_frames_;

  prev_window_start_ = window_start_;
  window_start_ = window_end;
  window_fill_ = 0;

  run_start_pub_.store(run_start_, std::memory_order_relaxed);
  silent_.store(is_silent, std::memory_order_release);
}

std::optional<FrameCount> SilenceDetector::silent_since() const noexcept {
  if (!silent_.load(std::memory_order_acquire)) return std::nullopt;
  const FrameCount s = run_start_pub_.load(std::memory_order_relaxed);
  if (s < 0) return std::nullopt;
  return s;
}

std::optional<FrameCount> SilenceDetector::quiet_since() const noexcept {
  const FrameCount s = run_start_pub_.load(std::memory_order_relaxed);
  if (s < 0) return std::nullopt;
  return s;
}

}  // namespace onair

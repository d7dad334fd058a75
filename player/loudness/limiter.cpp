#include "player/loudness/limiter.hpp"

#include "player/pcm/mix.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace onair {

namespace {

// Distinct buffers (restrict: so the compiler vectorises the swap; std::swap_ranges stays scalar).
void swap_samples(float* __restrict a, float* __restrict b, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    const float t = a[i];
    a[i] = b[i];
    b[i] = t;
  }
}

}  // namespace

TruePeakLimiter::TruePeakLimiter(AudioFormat format, LimiterOptions options)
    : format_(format), detector_(format.channels) {
  if (format.sample_rate < 8000 || format.sample_rate > kMaxSourceRate || format.channels < 1 ||
      format.channels > 64)
    throw std::invalid_argument("limiter: bad audio format");
  if (!(options.lookahead_ms > 0) || !(options.release_ms > 0) || !(options.margin_db >= 0))
    throw std::invalid_argument("limiter: look-ahead and release must be positive, margin ≥ 0");
  // latency = 2 × box + (kTaps − 3): a peak reported at frame s concerns frames s − kTaps + 1 … s,
  // and the cascade of a running minimum over hold frames and two boxes reaches its value
  // 2 × box − 2 frames after s and keeps it for hold − (2 × box − 1) frames.
  const double frames = options.lookahead_ms * 1e-3 * format.sample_rate;
  const int extra = TruePeakDetector::kTaps - 3;
  box_ = std::max(1, static_cast<int>(std::lround((frames - extra) / 2.0)));
  latency_ = 2 * box_ + extra;
  hold_ = 2 * box_ + extra + 1;
  inv_box_ = 1.0 / box_;
  release_ = static_cast<float>(1.0 - std::exp(-1.0 / (options.release_ms * 1e-3 * format.sample_rate)));
  margin_db_ = static_cast<float>(options.margin_db);
  delay_.assign(static_cast<std::size_t>(latency_ * format.channels), 0.0f);
  wedge_value_.assign(static_cast<std::size_t>(hold_ + 1), 1.0f);
  wedge_frame_.assign(static_cast<std::size_t>(hold_ + 1), 0);
  box1_.assign(static_cast<std::size_t>(box_), 1.0f);
  box2_.assign(static_cast<std::size_t>(box_), 1.0f);
  sum1_ = sum2_ = box_;
}

void TruePeakLimiter::wake() noexcept {
  // Every stage holds 1: the state idle stands for, written out.
  idle_ = false;
  wedge_size_ = 0;
  env_ = 1.0f;
  std::fill(box1_.begin(), box1_.end(), 1.0f);
  std::fill(box2_.begin(), box2_.end(), 1.0f);
  sum1_ = sum2_ = box_;
  box_pos_ = 0;
}

float TruePeakLimiter::gain_at(float peak, float threshold) noexcept {
  const float want = peak > threshold ? threshold / peak : 1.0f;
  // Running minimum over the last hold_ frames (a ring of cap slots; no division per frame).
  const int cap = hold_ + 1;
  auto wrap = [cap](int i) { return i >= cap ? i - cap : i; };
  while (wedge_size_ > 0) {
    const int back = wrap(wedge_head_ + wedge_size_ - 1);
    if (wedge_value_[static_cast<std::size_t>(back)] < want) break;
    --wedge_size_;
  }
  {
    const int slot = wrap(wedge_head_ + wedge_size_);
    wedge_value_[static_cast<std::size_t>(slot)] = want;
    wedge_frame_[static_cast<std::size_t>(slot)] = frame_;
    ++wedge_size_;
  }
  while (wedge_frame_[static_cast<std::size_t>(wedge_head_)] <= frame_ - hold_) {
    wedge_head_ = wrap(wedge_head_ + 1);
    --wedge_size_;
  }
  const float held = wedge_value_[static_cast<std::size_t>(wedge_head_)];
  // Instant attack (the boxes smooth it), exponential release; snapped when within 1e-4
  // (−80 dB, then smoothed by the boxes) so the gain gets back to exactly 1 (~0.5 s).
  if (held < env_) {
    env_ = held;
  } else {
    env_ += (held - env_) * release_;
    if (held - env_ < 1e-4f) env_ = held;
  }
  const std::size_t p = static_cast<std::size_t>(box_pos_);
  sum1_ += env_ - box1_[p];
  box1_[p] = env_;
  const float a = static_cast<float>(sum1_ * inv_box_);
  sum2_ += a - box2_[p];
  box2_[p] = a;
  box_pos_ = box_pos_ + 1 == box_ ? 0 : box_pos_ + 1;
  return std::min(1.0f, static_cast<float>(sum2_ * inv_box_));
}

void TruePeakLimiter::process(float* interleaved, FrameCount frames, float ceiling_dbtp) noexcept {
  const int ch = format_.channels;
  const float threshold = std::pow(10.0f, (ceiling_dbtp - margin_db_) / 20.0f);
  // Idle lasts while nothing in the pipeline differs from 1: the hold window, the release
  // and both boxes.
  const FrameCount settle = hold_ + 2 * box_;
  float least = 1.0f;
  {
    // Quiet block: nothing in it or in the filter's history before it can make a peak over
    // the threshold, and the gain is at exactly 1 — delay the block and be done.
    const float* x = interleaved;
    const FrameCount n = frames * ch;
    const FrameCount tail_from = std::max<FrameCount>(0, frames - (TruePeakDetector::kTaps - 1)) * ch;
    const float head = peak(x, static_cast<std::size_t>(tail_from)), tail = peak(x + tail_from, static_cast<std::size_t>(n - tail_from));
    const bool quiet = idle_ && std::max({head, tail, tail_peak_}) * TruePeakDetector::bound() <= threshold;
    tail_peak_ = frames >= TruePeakDetector::kTaps - 1 ? tail : std::max(tail_peak_, tail);
    if (quiet) {
      detector_.skip(interleaved, frames);
      // Frame by frame this swaps each frame with the delay line's slot and moves on: the
      // same swaps, a contiguous run at a time.
      for (FrameCount done = 0; done < frames;) {
        const FrameCount k = std::min(frames - done, latency_ - delay_pos_);
        float* y = interleaved + done * ch;
        swap_samples(y, delay_.data() + delay_pos_ * ch, static_cast<std::size_t>(k * ch));
        delay_pos_ = delay_pos_ + k == latency_ ? 0 : delay_pos_ + k;
        done += k;
      }
      frame_ += frames;
      reduction_db_ = 0;
      return;
    }
  }
  for (FrameCount i0 = 0; i0 < frames; i0 += TruePeakDetector::kChunk) {
    const int n = static_cast<int>(std::min<FrameCount>(TruePeakDetector::kChunk, frames - i0));
    detector_.peaks(interleaved + i0 * ch, n, peaks_.data());
    for (int i = 0; i < n; ++i) {
      float* x = interleaved + (i0 + i) * ch;
      const float peak = peaks_[static_cast<std::size_t>(i)];
      float g = 1.0f;
      if (idle_) {
        if (peak > threshold) {
          wake();
          g = gain_at(peak, threshold);
          unity_run_ = 0;
        }
      } else {
        g = gain_at(peak, threshold);
        unity_run_ = peak > threshold ? 0 : unity_run_ + 1;
        if (unity_run_ >= settle && env_ == 1.0f && g == 1.0f) idle_ = true;
      }
      ++frame_;
      float* d = delay_.data() + delay_pos_ * ch;
      if (g == 1.0f) {
        for (int c = 0; c < ch; ++c) std::swap(d[c], x[c]);
      } else {
        least = std::min(least, g);
        for (int c = 0; c < ch; ++c) {
          const float out = d[c] * g;
          d[c] = x[c];
          x[c] = out;
        }
      }
      delay_pos_ = delay_pos_ + 1 == latency_ ? 0 : delay_pos_ + 1;
    }
  }
  reduction_db_ = least < 1.0f ? -20.0f * std::log10(least) : 0.0f;
}

}  // namespace onair

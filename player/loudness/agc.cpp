#include "player/loudness/agc.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace onair {

namespace {

double db_to_lin(double db) { return std::pow(10.0, db / 20.0); }

}  // namespace

ShortTermLoudness::ShortTermLoudness(int sample_rate, int channels)
    : filter_(sample_rate, channels), block_frames_(std::max<FrameCount>(1, (sample_rate + 5) / 10)) {}

void ShortTermLoudness::reset() {
  filter_.reset();
  filled_ = 0;
  energy_ = 0;
  ring_.fill(0);
  next_ = count_ = 0;
}

bool ShortTermLoudness::feed(const float* interleaved, FrameCount frames) noexcept {
  energy_ += filter_.energy(interleaved, frames);
  filled_ += frames;
  if (filled_ < block_frames_) return false;
  ring_[static_cast<std::size_t>(next_)] = energy_ / static_cast<double>(block_frames_);
  next_ = (next_ + 1) % kBlocks;
  count_ = std::min(count_ + 1, kBlocks);
  filled_ = 0;
  energy_ = 0;
  filter_.flush_denormals();
  return true;
}

double ShortTermLoudness::lufs() const noexcept {
  if (count_ == 0) return -1.0 / 0.0;
  double sum = 0;
  for (int i = 0; i < count_; ++i) sum += ring_[static_cast<std::size_t>(i)];
  const double mean = sum / count_;
  return mean > 0 ? -0.691 + 10.0 * std::log10(mean) : -1.0 / 0.0;
}

Agc::Agc(AudioFormat format, AgcOptions options)
    : format_(format), options_(options), detector_(format.sample_rate, format.channels) {
  if (!(options_.attack_s > 0) || !(options_.release_s > 0) || !(options_.off_ramp_s > 0) ||
      !(options_.max_gain_db >= 0))
    throw std::invalid_argument("loudness: AGC time constants must be positive and max_gain ≥ 0");
  const double block_s = static_cast<double>(detector_.block_frames()) / format.sample_rate;
  attack_k_ = 1.0 - std::exp(-block_s / options_.attack_s);
  release_k_ = 1.0 - std::exp(-block_s / options_.release_s);
  off_ramp_frames_ = std::max<FrameCount>(1, std::llround(options_.off_ramp_s * format.sample_rate));
}

double Agc::gain_db() const noexcept {
  if (mode_ == Mode::idle) return 0.0;
  const double g = seg_start_ + seg_step_ * static_cast<double>(seg_pos_);
  return 20.0 * std::log10(seg_pos_ >= seg_len_ ? seg_end_ : g);
}

void Agc::start_segment(double end_gain, FrameCount frames) noexcept {
  const double now = seg_pos_ >= seg_len_ ? seg_end_ : seg_start_ + seg_step_ * static_cast<double>(seg_pos_);
  seg_start_ = now;
  seg_end_ = end_gain;
  seg_len_ = frames;
  seg_pos_ = 0;
  seg_step_ = (end_gain - now) / static_cast<double>(frames);
}

void Agc::apply(float* interleaved, FrameCount frames) noexcept {
  const int ch = format_.channels;
  FrameCount i = 0;
  // The ramp: the gain of each frame computed from the segment's start (no accumulated
  // rounding), so a segment ends exactly at its end value.
  const FrameCount ramp = std::min(frames, seg_len_ - seg_pos_);
  if (ramp > 0) {
    const double start = seg_start_, step = seg_step_;
    const FrameCount pos = seg_pos_;
    for (; i < ramp; ++i) {
      const float g = static_cast<float>(start + step * static_cast<double>(pos + i));
      for (int c = 0; c < ch; ++c) interleaved[i * ch + c] *= g;
    }
    seg_pos_ += ramp;
  }
  if (i < frames) {
    const float g = static_cast<float>(seg_end_);
    float* p = interleaved + i * ch;
    const FrameCount n = (frames - i) * ch;
    for (FrameCount k = 0; k < n; ++k) p[k] *= g;
  }
}

void Agc::update(float target_lufs) noexcept {
  if (detector_.blocks() < 4) return;  // under 400 ms of the new source: nothing to go by yet
  const double st = detector_.lufs();
  const double next_start = seg_end_;
  if (!(st >= options_.gate_lufs) || st < target_lufs - options_.gate_lu) {
    start_segment(next_start, detector_.block_frames());  // gated: hold
    return;
  }
  const double desired = std::clamp(target_lufs - st, -options_.max_gain_db, options_.max_gain_db);
  const double k = desired < gain_db_ ? attack_k_ : release_k_;
  gain_db_ += (desired - gain_db_) * k;
  start_segment(db_to_lin(gain_db_), detector_.block_frames());
}

void Agc::process(float* interleaved, FrameCount frames, bool engaged, float target_lufs) noexcept {
  if (frames <= 0) return;
  if (mode_ == Mode::idle) {
    if (!engaged) return;  // bit-exact pass-through, detector stopped
    mode_ = Mode::active;
    detector_.reset();
    gain_db_ = 0;
    seg_start_ = seg_end_ = 1.0;
    seg_step_ = 0;
    seg_pos_ = seg_len_ = 0;
  } else if (mode_ == Mode::active && !engaged) {
    mode_ = Mode::releasing;
    start_segment(1.0, off_ramp_frames_);
  } else if (mode_ == Mode::releasing && engaged) {
    // Re-engaged on the way back to 0 dB: continue from the gain reached, with a fresh
    // detector (the source has probably changed).
    mode_ = Mode::active;
    detector_.reset();
    start_segment(seg_pos_ >= seg_len_ ? seg_end_ : seg_start_ + seg_step_ * static_cast<double>(seg_pos_), 1);
    seg_pos_ = seg_len_;
    gain_db_ = 20.0 * std::log10(seg_end_);
  }

  const int ch = format_.channels;
  if (mode_ == Mode::releasing) {
    const FrameCount n = std::min(frames, seg_len_ - seg_pos_);
    apply(interleaved, n);
    if (seg_pos_ >= seg_len_) {
      mode_ = Mode::idle;  // exactly 1.0 from here: the rest passes untouched
      seg_start_ = seg_end_ = 1.0;
      seg_step_ = 0;
    }
    return;
  }
  while (frames > 0) {
    // Segments are aligned with the detector's sub-blocks: each completed sub-block starts
    // the next segment.
    const FrameCount n = std::min(frames, detector_.frames_to_block());
    const bool block = detector_.feed(interleaved, n);  // the detector reads the input
    apply(interleaved, n);
    if (block) update(target_lufs);
    interleaved += n * ch;
    frames -= n;
  }
}

}  // namespace onair

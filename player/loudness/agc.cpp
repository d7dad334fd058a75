#include "player/loudness/agc.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace onair {

namespace {

void check_format(int sample_rate, int channels) {
  if (sample_rate < 8000 || sample_rate > kMaxSourceRate)
    throw std::invalid_argument("loudness: sample rate " + std::to_string(sample_rate) + " Hz is out of range");
  if (channels < 1 || channels > 64)
    throw std::invalid_argument("loudness: " + std::to_string(channels) + " channels is out of range");
}

// Below this a filter state is flushed to 0, so digital silence never decays into
// denormals (slow arithmetic on the render thread).
constexpr double kDenormalFloor = 1e-25;

double db_to_lin(double db) { return std::pow(10.0, db / 20.0); }

}  // namespace

ShortTermLoudness::ShortTermLoudness(int sample_rate, int channels) : channels_(channels) {
  check_format(sample_rate, channels);
  const double fs = sample_rate;
  // BS.1770 stage 1, the high-shelf "pre-filter", re-derived for fs (libebur128's formulas,
  // which give the Recommendation's table at 48 kHz).
  {
    const double f0 = 1681.974450955533, g = 3.999843853973347, q = 0.7071752369554196;
    const double k = std::tan(std::numbers::pi * f0 / fs);
    const double vh = std::pow(10.0, g / 20.0), vb = std::pow(vh, 0.4996667741545416);
    const double a0 = 1.0 + k / q + k * k;
    pre_ = {(vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
            2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0};
  }
  // Stage 2, the RLB high-pass.
  {
    const double f0 = 38.13547087602444, q = 0.5003270373238773;
    const double k = std::tan(std::numbers::pi * f0 / fs);
    const double a0 = 1.0 + k / q + k * k;
    rlb_ = {1.0, -2.0, 1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0};
  }
  state_.resize(static_cast<std::size_t>(channels));
  // libebur128's default channel map: L R C LFE Ls Rs for 6 and more, L R Ls Rs for 4,
  // L R C Ls Rs for 5; surrounds weigh 1.41 (+1.5 dB), the LFE nothing.
  weight_.assign(static_cast<std::size_t>(channels), 1.0);
  if (channels == 4) {
    weight_[2] = weight_[3] = 1.41;
  } else if (channels == 5) {
    weight_[3] = weight_[4] = 1.41;
  } else if (channels >= 6) {
    weight_[3] = 0.0;
    weight_[4] = weight_[5] = 1.41;
    for (int c = 6; c < channels; ++c) weight_[static_cast<std::size_t>(c)] = 0.0;
  }
  block_frames_ = std::max<FrameCount>(1, (sample_rate + 5) / 10);
}

void ShortTermLoudness::reset() {
  std::fill(state_.begin(), state_.end(), State{});
  filled_ = 0;
  energy_ = 0;
  ring_.fill(0);
  next_ = count_ = 0;
}

bool ShortTermLoudness::feed(const float* interleaved, FrameCount frames) noexcept {
  const Biquad p = pre_, r = rlb_;
  const int ch = channels_;
  double energy = 0;
  for (int c = 0; c < ch; ++c) {
    State s = state_[static_cast<std::size_t>(c)];
    double e = 0;
    const float* x = interleaved + c;
    for (FrameCount i = 0; i < frames; ++i) {
      const double in = x[i * ch];
      const double y = p.b0 * in + s.s1;
      s.s1 = p.b1 * in - p.a1 * y + s.s2;
      s.s2 = p.b2 * in - p.a2 * y;
      const double z = r.b0 * y + s.t1;
      s.t1 = r.b1 * y - r.a1 * z + s.t2;
      s.t2 = r.b2 * y - r.a2 * z;
      e += z * z;
    }
    state_[static_cast<std::size_t>(c)] = s;
    energy += weight_[static_cast<std::size_t>(c)] * e;
  }
  energy_ += energy;
  filled_ += frames;
  if (filled_ < block_frames_) return false;
  ring_[static_cast<std::size_t>(next_)] = energy_ / static_cast<double>(block_frames_);
  next_ = (next_ + 1) % kBlocks;
  count_ = std::min(count_ + 1, kBlocks);
  filled_ = 0;
  energy_ = 0;
  for (State& s : state_)
    for (double* v : {&s.s1, &s.s2, &s.t1, &s.t2})
      if (std::fabs(*v) < kDenormalFloor) *v = 0;
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

#include "player/source/tone.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace onair {
namespace {

class ToneSource final : public Source {
 public:
  ToneSource(const ToneSpec& tone, FrameCount position, FrameCount length, const AudioFormat& format)
      : channels_(format.channels), position_(std::max<FrameCount>(0, position)), length_(length),
        amplitude_(std::pow(10.0, tone.level_dbfs / 20.0)),
        step_(2.0 * std::numbers::pi * tone.frequency_hz / format.sample_rate) {
    for (std::size_t i = 0; i < tone.beep_count; ++i) {
      Beep& b = beeps_[count_++];
      b.start = format.frames(tone.beeps[i].offset);
      b.length = format.frames(tone.beeps[i].length);
      b.ramp = std::min(format.frames(tone.ramp), b.length / 2);
    }
  }

  State state() const override { return position_ >= length_ ? State::ended : State::playing; }

  FrameCount read(float* dst, FrameCount max) override {
    const FrameCount n = std::clamp<FrameCount>(length_ - position_, 0, max);
    for (FrameCount i = 0; i < n; ++i, ++position_) {
      const float v = static_cast<float>(sample(position_));
      for (int c = 0; c < channels_; ++c) *dst++ = v;
    }
    return n;
  }

  FrameCount readable() override { return std::max<FrameCount>(0, length_ - position_); }
  bool wait(FrameCount, std::chrono::milliseconds) override { return true; }
  std::string error() const override { return {}; }

 private:
  struct Beep {
    FrameCount start = 0, length = 0, ramp = 0;
  };

  // Each beep starts at phase 0 and rises and falls over raised-cosine edges.
  double sample(FrameCount frame) const {
    for (std::size_t i = 0; i < count_; ++i) {
      const Beep& b = beeps_[i];
      const FrameCount k = frame - b.start;
      if (k < 0 || k >= b.length) continue;
      double edge = 1.0;
      const FrameCount from_end = b.length - 1 - k;
      if (b.ramp > 0 && (k < b.ramp || from_end < b.ramp)) {
        const double x = static_cast<double>(std::min(k, from_end)) / static_cast<double>(b.ramp);
        edge = 0.5 - 0.5 * std::cos(std::numbers::pi * x);
      }
      return amplitude_ * edge * std::sin(step_ * static_cast<double>(k));
    }
    return 0.0;
  }

  int channels_;
  FrameCount position_, length_;
  double amplitude_, step_;
  std::array<Beep, 6> beeps_{};
  std::size_t count_ = 0;
};

}  // namespace

std::unique_ptr<Source> make_tone_source(const ToneSpec& tone, FrameCount position, FrameCount length,
                                         const AudioFormat& format) {
  return std::make_unique<ToneSource>(tone, position, length, format);
}

}  // namespace onair

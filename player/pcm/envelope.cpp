#include "player/pcm/envelope.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace onair {

double fade_curve(FadeShape shape, double x) {
  x = std::clamp(x, 0.0, 1.0);
  switch (shape) {
    case FadeShape::linear:
      return x;
    case FadeShape::equal_power:
      return std::sin(x * std::numbers::pi / 2);
    case FadeShape::s_curve:
      return 0.5 - 0.5 * std::cos(x * std::numbers::pi);
  }
  return x;
}

double db_to_gain(double db) {
  if (std::isinf(db) && db < 0) return 0.0;
  return std::pow(10.0, db / 20.0);
}

double gain_to_db(double gain) {
  return gain <= 0 ? -std::numeric_limits<double>::infinity() : 20.0 * std::log10(gain);
}

Fade Fade::in(FrameCount start, FrameCount length, FadeShape shape) {
  return {Direction::in, start, std::max<FrameCount>(0, length), shape};
}

Fade Fade::out(FrameCount start, FrameCount length, FadeShape shape) {
  return {Direction::out, start, std::max<FrameCount>(0, length), shape};
}

Fade Fade::out_ending_at(FrameCount end, FrameCount length, FadeShape shape) {
  length = std::max<FrameCount>(0, length);
  return {Direction::out, end - length, length, shape};
}

double Fade::gain(FrameCount frame) const {
  if (direction == Direction::in) {
    if (frame < start) return 0.0;
    if (frame >= end()) return 1.0;
    return fade_curve(shape, double(frame - start) / double(length));
  }
  if (frame < start) return 1.0;
  if (frame >= end()) return 0.0;
  return fade_curve(shape, double(end() - frame) / double(length));
}

Fade cut_fade(FrameCount end, FrameCount length) {
  return Fade::out_ending_at(end, length, FadeShape::s_curve);
}

Envelope& Envelope::set_gain_db(double db) {
  gain_ = db_to_gain(db);
  return *this;
}

Envelope& Envelope::set_gain(double linear) {
  gain_ = linear;
  return *this;
}

Envelope& Envelope::add(const Fade& fade) {
  if (count_ == kMaxFades) throw std::length_error("Envelope: too many fades");
  fades_[count_++] = fade;
  return *this;
}

double Envelope::at(FrameCount frame) const {
  double g = gain_;
  for (std::size_t i = 0; i < count_; ++i) g *= fades_[i].gain(frame);
  return g;
}

bool Envelope::constant_over(FrameCount first, FrameCount frames) const {
  const FrameCount last = first + frames - 1;  // inclusive
  for (std::size_t i = 0; i < count_; ++i) {
    const Fade& f = fades_[i];
    // Frames whose gain differs from the previous frame's: [change_from, change_to].
    const FrameCount change_from = f.length > 0 ? f.start + 1 : f.start;
    const FrameCount change_to = f.end();
    // Such a change inside the block (between two of its frames) breaks the flat run.
    if (std::max(first + 1, change_from) <= std::min(last, change_to)) return false;
  }
  return true;
}

FrameCount Envelope::silent_from() const {
  if (gain_ == 0.0) return std::numeric_limits<FrameCount>::min();
  FrameCount from = never;
  for (std::size_t i = 0; i < count_; ++i)
    if (fades_[i].direction == Fade::Direction::out) from = std::min(from, fades_[i].end());
  return from;
}

void Envelope::apply(float* interleaved, int channels, FrameCount first, FrameCount frames) const {
  const auto ch = static_cast<std::size_t>(channels);
  if (constant_over(first, frames)) {
    const auto g = static_cast<float>(at(first));
    if (g == 1.0f) return;
    const std::size_t n = static_cast<std::size_t>(frames) * ch;
    for (std::size_t i = 0; i < n; ++i) interleaved[i] *= g;
    return;
  }
  for (FrameCount f = 0; f < frames; ++f) {
    const auto g = static_cast<float>(at(first + f));
    float* frame = interleaved + static_cast<std::size_t>(f) * ch;
    for (std::size_t c = 0; c < ch; ++c) frame[c] *= g;
  }
}

}  // namespace onair

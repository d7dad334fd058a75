#pragma once
// Gain envelopes over output frame indices: pure functions, so the engine can apply them
// to any block of frames and tests can check single samples.
//
// Fade conventions (sample-accurate, time-reversal symmetric):
//   fade in  over [start, start+L): gain(start) = 0 exactly, gain(start+L) = 1;
//                                   frame start+k has curve(k/L).
//   fade out over [start, end=start+L): gain(start) = 1 exactly, gain(end) = 0 and stays 0;
//                                   frame end-k has curve(k/L), so the last audible
//                                   frame is end-1.
// L = 0 is a hard switch at start (in) / end (out). Curves start and end at the exact
// values, so a faded stream joins the unfaded one without a step.
#include <array>
#include <cstddef>
#include <limits>

#include "player/pcm/audio_format.hpp"

namespace onair {

enum class FadeShape {
  linear,       // amplitude ramp; complementary pairs sum to 1 (for correlated material)
  equal_power,  // quarter sine; complementary pairs keep power: in^2 + out^2 = 1
  s_curve,      // raised cosine; zero slope at both ends, the smoothest (default)
};

// Maps x in [0, 1] to a gain in [0, 1]; curve(0) = 0, curve(1) = 1, monotonic.
double fade_curve(FadeShape shape, double x);

double db_to_gain(double db);    // 10^(db/20); -inf gives 0
double gain_to_db(double gain);  // 20 log10(gain); 0 gives -inf

struct Fade {
  enum class Direction { in, out };
  Direction direction = Direction::in;
  FrameCount start = 0;
  FrameCount length = 0;
  FadeShape shape = FadeShape::s_curve;

  static Fade in(FrameCount start, FrameCount length, FadeShape shape = FadeShape::s_curve);
  static Fade out(FrameCount start, FrameCount length, FadeShape shape = FadeShape::s_curve);
  static Fade out_ending_at(FrameCount end, FrameCount length, FadeShape shape = FadeShape::s_curve);

  FrameCount end() const { return start + length; }
  double gain(FrameCount frame) const;
};

// The short fade-out used when a hard start cuts what is on air: it reaches silence
// exactly at `end` (the hard start's first frame). length 0 = a plain cut at `end`.
Fade cut_fade(FrameCount end, FrameCount length);

// Two streams overlapping over [start, start+length): the outgoing one fades out to
// silence at start+length while the incoming one fades in from start.
struct Crossfade {
  FrameCount start = 0;
  FrameCount length = 0;
  FadeShape shape = FadeShape::equal_power;

  Fade outgoing() const { return Fade::out(start, length, shape); }
  Fade incoming() const { return Fade::in(start, length, shape); }
};

// A constant gain times up to kMaxFades fades (an item's fade in and out, a cut fade, a
// crossfade side...). Small and copyable: it is part of an edit-list segment.
class Envelope {
 public:
  static constexpr std::size_t kMaxFades = 6;

  Envelope() = default;
  explicit Envelope(double gain_db) { set_gain_db(gain_db); }

  Envelope& set_gain_db(double db);
  Envelope& set_gain(double linear);
  Envelope& add(const Fade& fade);  // throws std::length_error beyond kMaxFades

  double gain() const { return gain_; }  // the constant part
  std::size_t fade_count() const { return count_; }
  double at(FrameCount frame) const;  // full gain at a frame

  // True if no fade changes inside [first, first+frames): at(first) holds for the block.
  bool constant_over(FrameCount first, FrameCount frames) const;
  // First frame from which the envelope is 0 for good (a fade-out ended), or `never`.
  static constexpr FrameCount never = std::numeric_limits<FrameCount>::max();
  FrameCount silent_from() const;

  // Multiplies a block of interleaved frames whose first frame has index `first`.
  void apply(float* interleaved, int channels, FrameCount first, FrameCount frames) const;

 private:
  double gain_ = 1.0;
  std::array<Fade, kMaxFades> fades_{};
  std::size_t count_ = 0;
};

}  // namespace onair

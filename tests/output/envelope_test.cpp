#include "player/engine/segment_envelope.hpp"
#include "player/pcm/envelope.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "player/pcm/mix.hpp"

namespace onair {
namespace {

constexpr FadeShape kShapes[] = {FadeShape::linear, FadeShape::equal_power, FadeShape::s_curve};

// Steepest step between neighbouring frames a curve can take over a fade of `length`.
double max_step(FadeShape shape, FrameCount length) {
  return (shape == FadeShape::linear ? 1.0 : std::numbers::pi / 2) / double(length) + 1e-12;
}

TEST(Gain, DecibelsConvertBothWays) {
  EXPECT_DOUBLE_EQ(db_to_gain(0), 1.0);
  EXPECT_NEAR(db_to_gain(-6.0206), 0.5, 1e-5);
  EXPECT_NEAR(db_to_gain(6.0206), 2.0, 1e-4);
  EXPECT_NEAR(db_to_gain(-20), 0.1, 1e-12);
  EXPECT_EQ(db_to_gain(-INFINITY), 0.0);
  EXPECT_NEAR(gain_to_db(db_to_gain(-3)), -3, 1e-12);
  EXPECT_TRUE(std::isinf(gain_to_db(0)));
}

TEST(Gain, EnvelopeAppliesGainInDecibels) {
  std::vector<float> block(8, 1.0f);
  Envelope(-3).apply(block.data(), 2, 0, 4);
  for (float s : block) EXPECT_NEAR(s, 0.7079458, 1e-6);
}

TEST(Fade, CurvesStartAndEndExactly) {
  for (FadeShape s : kShapes) {
    EXPECT_EQ(fade_curve(s, 0.0), 0.0);
    EXPECT_DOUBLE_EQ(fade_curve(s, 1.0), 1.0);
    EXPECT_EQ(fade_curve(s, -1.0), 0.0);
    EXPECT_DOUBLE_EQ(fade_curve(s, 2.0), 1.0);
  }
}

TEST(Fade, FadeInFirstAndLastSamples) {
  for (FadeShape s : kShapes) {
    const Fade f = Fade::in(1000, 480, s);
    EXPECT_EQ(f.gain(0), 0.0);
    EXPECT_EQ(f.gain(999), 0.0);
    EXPECT_EQ(f.gain(1000), 0.0) << "first sample of a fade-in is silent";
    EXPECT_GT(f.gain(1001), 0.0);
    EXPECT_LT(f.gain(1479), 1.0);
    EXPECT_GT(f.gain(1479), 0.99);
    EXPECT_DOUBLE_EQ(f.gain(1480), 1.0) << "full level exactly L frames later";
    EXPECT_DOUBLE_EQ(f.gain(100000), 1.0);
  }
}

TEST(Fade, FadeOutEndsSilentAtItsEndFrame) {
  for (FadeShape s : kShapes) {
    const Fade f = Fade::out_ending_at(5000, 960, s);
    EXPECT_EQ(f.start, 4040);
    EXPECT_DOUBLE_EQ(f.gain(4039), 1.0);
    EXPECT_DOUBLE_EQ(f.gain(4040), 1.0) << "first sample of a fade-out is untouched";
    EXPECT_LT(f.gain(4041), 1.0);
    EXPECT_GT(f.gain(4999), 0.0) << "last audible sample";
    EXPECT_LT(f.gain(4999), 0.01);
    EXPECT_EQ(f.gain(5000), 0.0);
    EXPECT_EQ(f.gain(90000), 0.0);
  }
}

TEST(Fade, OutIsTheMirrorOfIn) {
  const Fade in = Fade::in(100, 300, FadeShape::s_curve);
  const Fade out = Fade::out_ending_at(2000, 300, FadeShape::s_curve);
  for (FrameCount k = -5; k < 310; ++k) EXPECT_DOUBLE_EQ(out.gain(2000 - k), in.gain(100 + k)) << k;
}

TEST(Fade, IsMonotonicAndStepFree) {
  for (FadeShape s : kShapes) {
    for (FrameCount len : {1, 2, 7, 480, 48000}) {
      const Fade in = Fade::in(10, len, s), out = Fade::out(10, len, s);
      for (FrameCount f = 0; f < len + 20; ++f) {
        const double di = in.gain(f + 1) - in.gain(f), dout = out.gain(f) - out.gain(f + 1);
        EXPECT_GE(di, 0.0);
        EXPECT_GE(dout, 0.0);
        EXPECT_LE(di, max_step(s, len)) << "len " << len << " frame " << f;
        EXPECT_LE(dout, max_step(s, len)) << "len " << len << " frame " << f;
      }
    }
  }
}

TEST(Fade, CutFadeEndsExactlyAtTheHardStart) {
  const Fade cut = cut_fade(48000, 960);
  EXPECT_DOUBLE_EQ(cut.gain(48000 - 960), 1.0);
  EXPECT_GT(cut.gain(47999), 0.0);
  EXPECT_EQ(cut.gain(48000), 0.0);
  // Zero length: a plain cut, full level up to the frame before.
  const Fade hard = cut_fade(48000, 0);
  EXPECT_DOUBLE_EQ(hard.gain(47999), 1.0);
  EXPECT_EQ(hard.gain(48000), 0.0);
  const Fade in0 = Fade::in(10, 0);
  EXPECT_EQ(in0.gain(9), 0.0);
  EXPECT_EQ(in0.gain(10), 1.0);
}

TEST(Crossfade, EqualPowerKeepsTheSumOfSquaresAtOne) {
  const Crossfade xf{10000, 3 * 48000, FadeShape::equal_power};
  const Fade out = xf.outgoing(), in = xf.incoming();
  EXPECT_EQ(out.end(), 10000 + 3 * 48000);
  for (FrameCount f = 9990; f < xf.start + xf.length + 10; ++f) {
    const double go = out.gain(f), gi = in.gain(f);
    ASSERT_NEAR(go * go + gi * gi, 1.0, 1e-12) << f;
  }
  EXPECT_DOUBLE_EQ(out.gain(10000), 1.0);
  EXPECT_EQ(in.gain(10000), 0.0);
  EXPECT_EQ(out.gain(10000 + 3 * 48000), 0.0);
  EXPECT_DOUBLE_EQ(in.gain(10000 + 3 * 48000), 1.0);
}

TEST(Crossfade, LinearAndSCurvePairsSumToOne) {
  for (FadeShape s : {FadeShape::linear, FadeShape::s_curve}) {
    const Crossfade xf{0, 1000, s};
    for (FrameCount f = -3; f < 1003; ++f)
      ASSERT_NEAR(xf.outgoing().gain(f) + xf.incoming().gain(f), 1.0, 1e-12);
  }
}

TEST(Crossfade, MixesTwoBlocks) {
  const Crossfade xf{0, 4, FadeShape::equal_power};
  std::vector<float> a(12, 1.0f), b(12, 0.5f), out(12);
  crossfade(out.data(), a.data(), b.data(), 2, 0, 6, xf);
  for (FrameCount f = 0; f < 6; ++f)
    for (int c = 0; c < 2; ++c)
      EXPECT_FLOAT_EQ(out[f * 2 + c], float(xf.outgoing().gain(f)) + 0.5f * float(xf.incoming().gain(f)));
  EXPECT_FLOAT_EQ(out[0], 1.0f);
  EXPECT_FLOAT_EQ(out[10], 0.5f);
}

TEST(Envelope, MultipliesGainAndFades) {
  Envelope env(-6.0206);
  env.add(Fade::in(0, 100)).add(Fade::out_ending_at(1000, 100)).add(cut_fade(950, 10));
  EXPECT_EQ(env.fade_count(), 3u);
  EXPECT_EQ(env.at(0), 0.0);
  EXPECT_NEAR(env.at(500), 0.5, 1e-5);
  EXPECT_NEAR(env.at(50), 0.5 * Fade::in(0, 100).gain(50), 1e-6);
  EXPECT_EQ(env.at(950), 0.0);  // the cut wins before the item's own fade-out ends
  EXPECT_EQ(env.silent_from(), 950);
  EXPECT_EQ(Envelope().silent_from(), Envelope::never);
  Envelope full;
  for (std::size_t i = 0; i < Envelope::kMaxFades; ++i) full.add(Fade::in(0, 1));
  EXPECT_THROW(full.add(Fade::in(0, 1)), std::length_error);
}

// The engine applies envelopes block by block at arbitrary boundaries: the result must not
// depend on where the blocks are cut, and the constant fast path must be exact.
TEST(Envelope, BlockwiseApplicationMatchesPerFrame) {
  Envelope env(-1.5);
  env.add(Fade::in(1000, 4800)).add(Fade::out_ending_at(20000, 0)).add(Fade::out(15000, 2400, FadeShape::linear));
  constexpr int ch = 2;
  constexpr FrameCount first = 500, total = 21000;
  std::vector<float> whole(total * ch), pieces;
  for (std::size_t i = 0; i < whole.size(); ++i) whole[i] = std::sin(0.001f * float(i)) + 0.25f;
  pieces = whole;
  env.apply(whole.data(), ch, first, total);
  std::mt19937 rng(7);
  std::uniform_int_distribution<FrameCount> size(1, 3000);
  for (FrameCount at = 0; at < total;) {
    const FrameCount n = std::min(size(rng), total - at);
    env.apply(pieces.data() + at * ch, ch, first + at, n);
    at += n;
  }
  for (FrameCount f = 0; f < total; ++f) {
    ASSERT_EQ(whole[f * ch], pieces[f * ch]) << f;
    ASSERT_FLOAT_EQ(whole[f * ch + 1], (std::sin(0.001f * float(f * ch + 1)) + 0.25f) * float(env.at(first + f)));
  }
}

// constant_over() drives the fast path: it must never claim a changing block is flat. It
// may be conservative where one fade is hidden by another's silence, but it is exact for
// each fade on its own.
TEST(Envelope, ConstantOverIsSoundAndExactPerFade) {
  const Fade fades[] = {Fade::in(100, 50), Fade::out_ending_at(300, 0), Fade::out(200, 1), Fade::in(250, 0)};
  Envelope all;
  for (const Fade& f : fades) all.add(f);
  auto brute = [](const Envelope& env, FrameCount first, FrameCount n) {
    for (FrameCount f = first; f < first + n; ++f)
      if (env.at(f) != env.at(first)) return false;
    return true;
  };
  for (FrameCount first = 0; first < 360; first += 3) {
    for (FrameCount n : {1, 2, 5, 40, 120}) {
      if (all.constant_over(first, n)) {
        EXPECT_TRUE(brute(all, first, n)) << first << "+" << n;
      }
      for (const Fade& f : fades) {
        Envelope one;
        one.add(f);
        EXPECT_EQ(one.constant_over(first, n), brute(one, first, n)) << first << "+" << n;
      }
    }
  }
}

TEST(Mix, FadeInOnASteadySignalHasNoStep) {
  constexpr FrameCount len = 480;
  Envelope env;
  env.add(Fade::in(100, len));
  std::vector<float> src(1000, 0.8f), dst(1000, 0.0f);
  mix_add(dst.data(), src.data(), 1, 0, 1000, env);
  EXPECT_EQ(dst[100], 0.0f);
  EXPECT_FLOAT_EQ(dst[100 + len], 0.8f);
  for (std::size_t i = 1; i < dst.size(); ++i)
    EXPECT_LE(std::fabs(dst[i] - dst[i - 1]), 0.8 * max_step(FadeShape::s_curve, len) + 1e-6) << i;
}

TEST(Mix, AddGainSilencePeak) {
  std::vector<float> a{0.1f, -0.2f, 0.3f}, b{1.0f, 1.0f, -1.0f};
  mix_add(a.data(), b.data(), 3, 0.5f);
  EXPECT_FLOAT_EQ(a[0], 0.6f);
  EXPECT_FLOAT_EQ(a[2], -0.2f);
  apply_gain(a.data(), 3, 2.0f);
  EXPECT_FLOAT_EQ(peak(a.data(), 3), 1.2f);
  silence(a.data(), 3);
  EXPECT_EQ(peak(a.data(), 3), 0.0f);
}

// A segment's envelope holds every fade it carries: fade in/out and crossfades from its own
// length, the cut fade ending where it is cut, each with its shape.
TEST(SegmentEnvelope, CarriesEveryFadeOfTheSegment) {
  Segment s;
  s.origin = 1000;
  s.start = 1000;
  s.length = 10'000;
  s.end = 8000;  // cut before its natural end (11,000)
  s.cut = true;
  s.cut_fade = 500;
  s.fade_in = 200;
  s.fade_out = 400;
  s.xfade_in = 100;
  s.xfade_out = 300;
  s.gain_db = -6.0206;
  const Envelope e = envelope_of(s);
  EXPECT_EQ(e.fade_count(), 5u);
  EXPECT_EQ(e.at(1000), 0.0);
  EXPECT_NEAR(e.at(1050), 0.5 * fade_curve(FadeShape::s_curve, 0.25) * fade_curve(FadeShape::equal_power, 0.5), 1e-6);
  EXPECT_NEAR(e.at(5000), 0.5, 1e-5);  // only the gain between the fades
  EXPECT_NEAR(e.at(7750), 0.5 * fade_curve(FadeShape::s_curve, 0.5), 1e-6);  // half way through the cut fade
  EXPECT_EQ(e.at(8000), 0.0);
  s.cut = false;  // not cut: the item's own fades close it at 11,000
  s.end = 11'000;
  const Envelope whole = envelope_of(s);
  EXPECT_EQ(whole.fade_count(), 4u);
  EXPECT_NEAR(whole.at(10'850), 0.5 * fade_curve(FadeShape::s_curve, 150.0 / 400) * fade_curve(FadeShape::equal_power, 150.0 / 300), 1e-6);
  EXPECT_EQ(whole.at(11'000), 0.0);
  EXPECT_EQ(envelope_of(Segment{}).fade_count(), 0u);
}

}  // namespace
}  // namespace onair

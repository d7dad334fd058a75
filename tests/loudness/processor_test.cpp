// The master processor's parts on generated audio, measured with libebur128 (and ffmpeg for
// the true peak): detector, AGC, limiter, and the whole processor's pass-through.
#include "player/loudness/processor.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numbers>

#include "loudness/loudness_support.hpp"
#include "player/loudness/agc.hpp"
#include "player/loudness/limiter.hpp"
#include "player/loudness/true_peak.hpp"

namespace onair {
namespace {

using test::Audio;

Audio tone(double seconds, double freq, double amplitude, double phase = 0, int rate = 48000) {
  Audio a;
  a.rate = rate;
  a.samples.resize(static_cast<std::size_t>(seconds * rate) * 2);
  for (long i = 0; i < a.frames(); ++i) {
    const auto v = static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * freq * i / rate + phase));
    a.frame(i)[0] = a.frame(i)[1] = v;
  }
  return a;
}

// Runs the processor over `in` in blocks of `block` frames (the last shorter) and returns the
// output with the latency removed (frame k out = frame k in), flushed with silence.
Audio run(MasterProcessor& p, Audio in, const BusControl& control, long block = 1024) {
  const long lat = p.latency();
  const long n = in.frames();
  in.samples.resize(static_cast<std::size_t>((n + lat) * in.channels), 0.0f);
  for (long i = 0; i < n + lat; i += block) p.process(in.frame(i), std::min(block, n + lat - i), control);
  in.samples.erase(in.samples.begin(), in.samples.begin() + lat * in.channels);
  return in;
}

double db(double lin) { return 20 * std::log10(lin); }

TEST(ShortTermLoudness, MatchesLibebur128OnPinkNoise) {
  for (int rate : {48000, 44100}) {
    Audio a = test::pink_noise(12, 3, rate);
    test::scale_to_lufs(a, -20);
    ShortTermLoudness d(rate, 2);
    long at = 0;
    int compared = 0;
    double worst = 0;
    while (at + d.frames_to_block() <= a.frames()) {
      const FrameCount n = d.frames_to_block();
      const bool block = d.feed(a.frame(at), n);
      at += n;
      ASSERT_TRUE(block);
      if (d.blocks() == ShortTermLoudness::kBlocks && (at / n) % 5 == 0) {
        const double ref = test::shortterm_lufs(a, at);
        worst = std::max(worst, std::fabs(d.lufs() - ref));
        ++compared;
      }
    }
    EXPECT_GE(compared, 15);
    EXPECT_LT(worst, 0.1) << rate << " Hz";
    std::printf("%d Hz: %d readings, largest difference from libebur128 %.4f LU\n", rate, compared, worst);
    // And the reference is the loudness we scaled to, give or take the noise's variation.
    EXPECT_NEAR(d.lufs(), -20, 1.5);
  }
}

TEST(ShortTermLoudness, SilenceIsMinusInfinity) {
  ShortTermLoudness d(48000, 2);
  EXPECT_TRUE(std::isinf(d.lufs()));
  std::vector<float> zero(4800 * 2, 0.0f);
  ASSERT_TRUE(d.feed(zero.data(), 4800));
  EXPECT_TRUE(std::isinf(d.lufs()) && d.lufs() < 0);
}

TEST(TruePeak, SeesTheInterSamplePeakOfAQuarterRateTone) {
  // fs/4 at 45°: every sample is ±0.7071, the waveform between them reaches 1.0 (+3 dB).
  Audio a = tone(0.1, 12000, 1.0, std::numbers::pi / 4);
  EXPECT_NEAR(db(*std::max_element(a.samples.begin(), a.samples.end())), -3.01, 0.01);
  const double tp = db(true_peak_of(a.samples.data(), a.frames(), 2));
  EXPECT_NEAR(tp, 0.0, 0.3);
  EXPECT_NEAR(tp, test::true_peak_dbtp(a), 0.3);  // libebur128 agrees
}

TEST(Limiter, LatencyIsAboutOneAndAHalfMilliseconds) {
  TruePeakLimiter l({48000, 2});
  EXPECT_GE(l.latency(), 60);
  EXPECT_LE(l.latency(), 80);
  MasterProcessor p({48000, 2});
  EXPECT_EQ(p.latency(), l.latency());
  EXPECT_GE(MasterProcessor({8000, 1}).latency(), 10);
}

// Below the ceiling with the AGC off the processor is a pure delay, bit for bit.
TEST(MasterProcessor, BelowTheCeilingWithoutAgcIsBitExact) {
  Audio quiet_tone = tone(5, 997, std::pow(10, -18 / 20.0));
  Audio noise = test::ffmpeg_audio("-f lavfi -i anoisesrc=color=white:amplitude=0.3:seed=5:duration=5");
  // Near the ceiling but under it (sample peak −4 dBFS: true peak at most ~−3 dBTP).
  Audio loud_tone = tone(5, 1000, std::pow(10, -4 / 20.0));
  for (Audio* a : {&quiet_tone, &noise, &loud_tone}) {
    for (long block : {1L, 64L, 1024L, 4801L}) {
      MasterProcessor p({48000, 2});
      const Audio out = run(p, *a, BusControl{}, block);
      ASSERT_EQ(out.samples.size(), a->samples.size());
      EXPECT_EQ(0, std::memcmp(out.samples.data(), a->samples.data(), a->samples.size() * sizeof(float)))
          << "block " << block;
      EXPECT_EQ(p.limiter_reduction_db(), 0.0f);
      EXPECT_EQ(p.agc_gain_db(), 0.0f);
    }
  }
}

// Peaky signals never pass the ceiling, as libebur128 and ffmpeg measure it, and what is not
// near a peak comes back to exactly the input.
TEST(MasterProcessor, PeakySignalsStayUnderTheCeiling) {
  struct Case {
    const char* name;
    Audio audio;
  };
  std::vector<Case> cases;
  cases.push_back({"+6 dBFS sine", tone(3, 1000, 2.0)});
  cases.push_back({"0 dBFS fs/4 tone at 45° (+3 dB inter-sample)", tone(3, 12000, std::sqrt(2.0), std::numbers::pi / 4)});
  {
    Audio sq = tone(3, 1000, 1.0);
    for (float& s : sq.samples) s = s >= 0 ? 1.5f : -1.5f;  // naive square: Gibbs overshoot between samples
    cases.push_back({"+3.5 dBFS square", std::move(sq)});
  }
  {
    Audio hot = test::pink_noise(6, 9);
    test::scale_to_lufs(hot, -6);  // peaks far over 0 dBFS
    cases.push_back({"pink noise at -6 LUFS", std::move(hot)});
  }
  {
    // Bursts: a loud tone appearing out of silence, repeatedly (attack with look-ahead).
    Audio b = tone(3, 3000, 1.8);
    for (long i = 0; i < b.frames(); ++i)
      if ((i / 2400) % 2 == 0) b.frame(i)[0] = b.frame(i)[1] = 0;
    cases.push_back({"bursts of a +5 dBFS tone", std::move(b)});
  }
  // Each case starts after 100 ms of silence: ffmpeg's meter reads the first samples of a
  // stream through its resampler's start-up (0.5 dB over the real peak for a full-scale sine
  // starting at sample 0; 0.1 dB with silence before it, as libebur128 and this detector read).
  for (Case& c : cases) c.audio.samples.insert(c.audio.samples.begin(), 4800 * 2, 0.0f);
  for (float ceiling : {-1.0f, -2.0f}) {
    for (const Case& c : cases) {
      MasterProcessor p({48000, 2});
      BusControl control;
      control.ceiling_dbtp = ceiling;
      const Audio out = run(p, c.audio, control);
      const double tp = test::true_peak_dbtp(out);
      EXPECT_LE(tp, ceiling) << c.name << " (libebur128)";
      const double ff = test::ffmpeg_true_peak_dbtp(out);
      EXPECT_LE(ff, ceiling) << c.name << " (ffmpeg)";
      EXPECT_LE(db(true_peak_of(out.samples.data(), out.frames(), 2)), ceiling) << c.name;
      // Not over-limited either: within a dB of the ceiling.
      EXPECT_GT(tp, ceiling - 1.0) << c.name;
      std::printf("%-48s ceiling %.1f: libebur128 %.2f dBTP, ffmpeg %.2f dBTP\n", c.name, ceiling, tp, ff);
    }
  }
}

// The gain is smooth: a tone limited from silence to full reduction changes by no more from
// sample to sample than the tone itself does plus a small share of its amplitude.
TEST(MasterProcessor, LimiterRampsWithoutAClick) {
  const double amp = 2.0, f = 200;
  Audio b = tone(2, f, amp);
  for (long i = 0; i < b.frames(); ++i)
    if (i < 24000) b.frame(i)[0] = b.frame(i)[1] *= 0.1f;  // −20 dB, then a jump to +6 dBFS
  MasterProcessor p({48000, 2});
  const Audio out = run(p, b, BusControl{});
  const double natural = 2 * amp * std::sin(std::numbers::pi * f / 48000);  // the tone's own step
  double worst = 0;
  for (long i = 1; i < out.frames(); ++i) worst = std::max(worst, double(std::fabs(out.frame(i)[0] - out.frame(i - 1)[0])));
  // The input jumps by up to 0.9 × amp at the transition (sin is near 0 at i = 24000, so not
  // here); the output may not step by more than the tone's own slope, with room for the ramp.
  EXPECT_LT(worst, natural * 1.5) << "natural step " << natural;
  EXPECT_LE(test::true_peak_dbtp(out), -1.0);
}

TEST(MasterProcessor, ReleasesBackToBitExact) {
  // A loud second, then a quiet tone: after the release the output is the input again.
  Audio a = tone(4, 440, 0.1);
  for (long i = 0; i < 48000; ++i) a.frame(i)[0] = a.frame(i)[1] *= 15.0f;
  MasterProcessor p({48000, 2});
  const Audio out = run(p, a, BusControl{});
  const long from = 2 * 48000;  // a second after: the release snaps to 1 after ~0.5 s
  EXPECT_EQ(0, std::memcmp(out.frame(from), a.frame(from), static_cast<std::size_t>((a.frames() - from) * 2) * sizeof(float)));
  EXPECT_NE(0, std::memcmp(out.frame(0), a.frame(0), 48000 * 2 * sizeof(float)));
}

TEST(Agc, BringsLoudPinkNoiseToTheTargetWithinTenSeconds) {
  Audio a = test::pink_noise(12, 11);
  test::scale_to_lufs(a, -8);
  MasterProcessor p({48000, 2});
  BusControl control;
  control.agc = true;
  const Audio out = run(p, a, control);
  const double at10 = test::shortterm_lufs(out, 10 * 48000);
  std::printf("short-term at 10 s: %.2f LUFS (gain %.2f dB)\n", at10, p.agc_gain_db());
  EXPECT_NEAR(at10, -16.0, 2.0);
  EXPECT_NEAR(test::shortterm_lufs(out, out.frames()), -16.0, 1.5);
  EXPECT_LT(p.agc_gain_db(), -6.0);
  EXPECT_GE(p.agc_gain_db(), -12.0);
}

TEST(Agc, RaisesQuietSpeechByAtMostTwelveDecibels) {
  Audio a = test::speech(40);
  test::scale_to_lufs(a, -30);
  MasterProcessor p({48000, 2});
  BusControl control;
  control.agc = true;
  const long lat = p.latency();
  a.samples.resize(static_cast<std::size_t>((a.frames() + lat) * 2), 0.0f);
  float top = -100;
  for (long i = 0; i < a.frames(); i += 960) {
    p.process(a.frame(i), std::min(960L, a.frames() - i), control);
    top = std::max(top, p.agc_gain_db());
  }
  a.samples.erase(a.samples.begin(), a.samples.begin() + lat * 2);
  std::printf("speech: gain at the end %.2f dB, highest %.2f dB, output %.2f LUFS\n", p.agc_gain_db(), top,
              test::integrated_lufs(a));
  EXPECT_LE(top, 12.0f + 1e-3f);
  EXPECT_GT(p.agc_gain_db(), 8.0f);  // 40 s at a 10 s release: most of the way to +12
  EXPECT_LE(test::true_peak_dbtp(a), -1.0);
}

TEST(Agc, HoldsThroughSilence) {
  Agc agc({48000, 2});
  Audio a = test::pink_noise(8, 2);
  test::scale_to_lufs(a, -10);
  agc.process(a.samples.data(), a.frames(), true, -16);
  const double before = agc.gain_db();
  ASSERT_LT(before, -3);
  // The 3 s window empties gradually (the gain creeps up by a little), then holds.
  std::vector<float> zero(48000 * 2 * 5, 0.0f);
  agc.process(zero.data(), 48000 * 5, true, -16);
  const double after = agc.gain_db();
  EXPECT_NEAR(after, before, 1.5);
  agc.process(zero.data(), 48000 * 5, true, -16);
  EXPECT_EQ(agc.gain_db(), after);
  EXPECT_TRUE(std::isinf(agc.short_term_lufs()));
}

// Engaging starts at 0 dB and ramps smoothly; disengaging ramps back over ~0.5 s and then
// passes samples through bit-exact; engaging again starts at 0 dB.
TEST(Agc, EngagesAndDisengagesWithoutAClick) {
  const double amp = 0.7, f = 440;
  const Audio in = tone(30, f, amp);
  Audio a = in;
  Agc agc({48000, 2});
  const long sec = 48000;
  // 0–12 s engaged (loud tone: the gain goes down), 12–20 s off, 20–30 s engaged again.
  auto engaged = [&](long i) { return i < 12 * sec || i >= 20 * sec; };
  std::vector<double> gains;
  for (long i = 0; i < a.frames(); i += 480) {
    agc.process(a.frame(i), 480, engaged(i), -16);
    gains.push_back(agc.gain_db());
  }
  const double natural = 2 * amp * std::sin(std::numbers::pi * f / 48000);
  double worst = 0;
  for (long i = 1; i < a.frames(); ++i) worst = std::max(worst, double(std::fabs(a.frame(i)[0] - a.frame(i - 1)[0])));
  EXPECT_LT(worst, natural * 1.01);
  // It was lowering (the tone is far over −16 LUFS) …
  EXPECT_LT(gains[12 * 100 - 1], -3.0);
  // … the first 400 ms of each engagement are at exactly 0 dB (nothing known yet) …
  EXPECT_EQ(0, std::memcmp(a.frame(0), in.frame(0), static_cast<std::size_t>(sec * 2 / 5) * sizeof(float)));
  EXPECT_EQ(0, std::memcmp(a.frame(20 * sec), in.frame(20 * sec), static_cast<std::size_t>(sec * 2 / 5) * sizeof(float)));
  // … and from 0.5 s after disengaging to the next engagement the samples are the input's.
  EXPECT_NE(0, std::memcmp(a.frame(12 * sec), in.frame(12 * sec), static_cast<std::size_t>(sec / 2 * 2) * sizeof(float)));
  const long from = 12 * sec + sec / 2;
  EXPECT_EQ(0, std::memcmp(a.frame(from), in.frame(from), static_cast<std::size_t>((20 * sec - from) * 2) * sizeof(float)));
  EXPECT_TRUE(gains[20 * 100 - 1] == 0.0);
}

TEST(MasterProcessor, FollowsTargetChangesSmoothly) {
  Audio a = test::pink_noise(30, 4);
  test::scale_to_lufs(a, -20);
  MasterProcessor p({48000, 2});
  BusControl control;
  control.agc = true;
  const long lat = p.latency();
  a.samples.resize(static_cast<std::size_t>((a.frames() + lat) * 2), 0.0f);
  for (long i = 0; i < a.frames(); i += 1024) {
    control.target_lufs = i < 15 * 48000 ? -20.0f : -23.0f;
    p.process(a.frame(i), std::min(1024L, a.frames() - i), control);
  }
  EXPECT_NEAR(p.agc_gain_db(), -3.0, 1.0);
}

TEST(MasterProcessor, RejectsBadFormats) {
  EXPECT_THROW(MasterProcessor({0, 2}), std::invalid_argument);
  EXPECT_THROW(MasterProcessor({48000, 0}), std::invalid_argument);
}

}  // namespace
}  // namespace onair

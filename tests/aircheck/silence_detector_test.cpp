#include "player/monitor/silence_detector.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <thread>
#include <vector>

namespace onair {
namespace {

constexpr int kRate = 48000;
constexpr int kCh = 2;

SilenceOptions opts(double threshold = -50.0, int duration_ms = 10'000) {
  SilenceOptions o;
  o.threshold_dbfs = threshold;
  o.duration = std::chrono::milliseconds(duration_ms);
  return o;
}

// A stereo signal built piece by piece; fed in blocks like the engine's.
struct Signal {
  std::vector<float> samples;
  FrameCount frames() const { return static_cast<FrameCount>(samples.size() / kCh); }

  Signal& tone(double seconds, double amplitude = 0.1, double freq = 1000.0) {
    const FrameCount n = static_cast<FrameCount>(seconds * kRate);
    const FrameCount start = frames();
    for (FrameCount i = 0; i < n; ++i) {
      const float v = static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * freq * double(start + i) / kRate));
      samples.push_back(v);
      samples.push_back(v);
    }
    return *this;
  }
  Signal& silence(double seconds) {
    samples.resize(samples.size() + static_cast<std::size_t>(seconds * kRate) * kCh, 0.0f);
    return *this;
  }
  // Uniform white noise with the given RMS level.
  Signal& noise(double seconds, double rms_dbfs, unsigned seed = 1) {
    std::mt19937 rng(seed);
    const double a = std::pow(10.0, rms_dbfs / 20.0) * std::sqrt(3.0);
    std::uniform_real_distribution<double> dist(-a, a);
    const auto n = static_cast<std::size_t>(seconds * kRate) * kCh;
    for (std::size_t i = 0; i < n; ++i) samples.push_back(static_cast<float>(dist(rng)));
    return *this;
  }
};

void feed(SilenceDetector& d, const Signal& s, FrameCount block = 1024) {
  for (FrameCount f = 0; f < s.frames(); f += block) {
    const FrameCount n = std::min(block, s.frames() - f);
    d.feed(s.samples.data() + f * kCh, n, kCh);
  }
}

TEST(SilenceDetector, ToneIsNotSilent) {
  SilenceDetector d(opts(), kRate);
  feed(d, Signal{}.tone(20.0));
  EXPECT_FALSE(d.silent());
  EXPECT_FALSE(d.silent_since());
  EXPECT_FALSE(d.quiet_since());
  EXPECT_EQ(d.position(), 20 * kRate);
  EXPECT_NEAR(d.level_dbfs(), -23.0, 0.2);  // a -20 dBFS peak sine has an RMS of -23 dBFS
}

TEST(SilenceDetector, DigitalSilenceFromTheStartCountsAfterTheDuration) {
  SilenceDetector d(opts(), kRate);
  feed(d, Signal{}.silence(9.9));
  EXPECT_FALSE(d.silent());
  ASSERT_TRUE(d.quiet_since());
  EXPECT_EQ(*d.quiet_since(), 0);
  feed(d, Signal{}.silence(0.2));
  EXPECT_TRUE(d.silent());
  ASSERT_TRUE(d.silent_since());
  EXPECT_EQ(*d.silent_since(), 0);
  EXPECT_TRUE(std::isinf(d.level_dbfs()));
}

TEST(SilenceDetector, ShortSilenceIsNotSilent) {
  SilenceDetector d(opts(), kRate);
  feed(d, Signal{}.tone(5.0).silence(8.0));
  EXPECT_FALSE(d.silent());
  EXPECT_FALSE(d.silent_since());
  ASSERT_TRUE(d.quiet_since());  // but it is on its way
  EXPECT_NEAR(static_cast<double>(*d.quiet_since()), 5.0 * kRate, 2.0);
}

TEST(SilenceDetector, LongSilenceIsSilentSinceTheFrameTheToneStopped) {
  SilenceDetector d(opts(), kRate);
  Signal s;
  s.tone(5.0).silence(12.0);
  // Feed frame-exact in blocks and note when it turns silent.
  FrameCount turned = -1;
  for (FrameCount f = 0; f < s.frames(); f += 1000) {
    const FrameCount n = std::min<FrameCount>(1000, s.frames() - f);
    d.feed(s.samples.data() + f * kCh, n, kCh);
    if (turned < 0 && d.silent()) turned = f + n;
  }
  ASSERT_TRUE(d.silent());
  ASSERT_TRUE(d.silent_since());
  // The tone's last sample is frame 239999 (a sine sample near a zero crossing may be
  // under the threshold, hence the tolerance of a couple of frames).
  EXPECT_NEAR(static_cast<double>(*d.silent_since()), 240000.0, 2.0);
  // Reported once 10 s have passed since then, at window resolution (50 ms) and block
  // resolution (1000 frames), not before.
  EXPECT_GE(turned, 240000 + 480000 - 2);
  EXPECT_LE(turned, 240000 + 480000 + d.window_frames() + 1000);
}

TEST(SilenceDetector, SoundEndsTheSilence) {
  SilenceDetector d(opts(), kRate);
  feed(d, Signal{}.silence(12.0));
  ASSERT_TRUE(d.silent());
  feed(d, Signal{}.tone(0.2));
  EXPECT_FALSE(d.silent());
  EXPECT_FALSE(d.silent_since());
  // And a new silence starts a new count.
  feed(d, Signal{}.silence(11.0));
  ASSERT_TRUE(d.silent());
  EXPECT_NEAR(static_cast<double>(*d.silent_since()), 12.2 * kRate, 2.0);
}

TEST(SilenceDetector, NoiseUnderTheThresholdIsSilence) {
  SilenceDetector d(opts(-50.0), kRate);
  feed(d, Signal{}.noise(11.0, -60.0));
  EXPECT_TRUE(d.silent());
  ASSERT_TRUE(d.silent_since());
  EXPECT_EQ(*d.silent_since(), 0);
  EXPECT_NEAR(d.level_dbfs(), -60.0, 1.0);

  // The same noise is sound for a lower threshold.
  SilenceDetector strict(opts(-70.0), kRate);
  feed(strict, Signal{}.noise(11.0, -60.0));
  EXPECT_FALSE(strict.silent());
}

TEST(SilenceDetector, NoiseAboveTheThresholdIsNotSilence) {
  SilenceDetector d(opts(-50.0), kRate);
  feed(d, Signal{}.noise(11.0, -45.0));
  EXPECT_FALSE(d.silent());
}

TEST(SilenceDetector, OneLiveChannelIsNotSilence) {
  SilenceDetector d(opts(), kRate);
  Signal s;
  s.tone(11.0, 0.01);  // -40 dBFS peak: -43 dBFS RMS
  for (std::size_t i = 1; i < s.samples.size(); i += 2) s.samples[i] = 0.0f;  // right channel dead
  feed(d, s);
  EXPECT_FALSE(d.silent());
}

TEST(SilenceDetector, BlockSizeDoesNotMatter) {
  Signal s;
  s.tone(3.0).silence(10.5).tone(0.01).silence(10.7);
  SilenceDetector a(opts(), kRate), b(opts(), kRate);
  feed(a, s, 7);
  feed(b, s, s.frames());
  EXPECT_EQ(a.silent(), b.silent());
  EXPECT_EQ(a.silent_since(), b.silent_since());
  ASSERT_TRUE(a.silent());
  EXPECT_NEAR(static_cast<double>(*a.silent_since()), 13.51 * kRate, 2.0);
}

TEST(SilenceDetector, ResetStartsOver) {
  SilenceDetector d(opts(), kRate);
  feed(d, Signal{}.silence(11.0));
  ASSERT_TRUE(d.silent());
  d.reset();
  EXPECT_FALSE(d.silent());
  EXPECT_EQ(d.position(), 0);
  feed(d, Signal{}.silence(1.0));
  EXPECT_FALSE(d.silent());
}

// The station's monitor asks for the reset (after raising the alarm) while the engine thread
// feeds: silent() drops at once, and the next silence is counted from the next feed on.
TEST(SilenceDetector, ResetRequestedFromAnotherThreadAppliesAtTheNextFeed) {
  SilenceDetector d(opts(), kRate);
  feed(d, Signal{}.silence(11.0));
  ASSERT_TRUE(d.silent());
  std::thread monitor([&] { d.request_reset(); });
  monitor.join();
  EXPECT_FALSE(d.silent());
  feed(d, Signal{}.silence(9.0));
  EXPECT_FALSE(d.silent()) << "9 s since the reset is not yet 10 s of silence";
  EXPECT_EQ(d.position(), 9 * kRate);
  feed(d, Signal{}.silence(1.5));
  ASSERT_TRUE(d.silent());
  EXPECT_EQ(d.silent_since(), 0);
}

TEST(SilenceDetector, RejectsBadOptions) {
  EXPECT_THROW(SilenceDetector(opts(3.0), kRate), std::invalid_argument);
  EXPECT_THROW(SilenceDetector(opts(-50, -1), kRate), std::invalid_argument);
  EXPECT_THROW(SilenceDetector(opts(), 0), std::invalid_argument);
  SilenceOptions o;
  o.window = std::chrono::milliseconds(0);
  EXPECT_THROW(SilenceDetector(o, kRate), std::invalid_argument);
}

}  // namespace
}  // namespace onair

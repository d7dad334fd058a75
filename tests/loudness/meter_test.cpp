// The output meter (player/monitor/loudness_meter) on generated audio: each item's integrated
// loudness and true peak, cut at its own frames out of one stream, against libebur128 (and
// our true-peak detector) measuring that item's audio alone; the running readings of the
// status page; and the edges (cuts from loud to quiet, crossfades, short items, silence).
#include "player/monitor/loudness_meter.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <numbers>
#include <thread>

#include "loudness/loudness_support.hpp"
#include "player/loudness/true_peak.hpp"

namespace onair {
namespace {

using namespace std::chrono_literals;
using test::Audio;

Audio slice(const Audio& a, long from, long to) {
  Audio s;
  s.rate = a.rate;
  s.channels = a.channels;
  s.samples.assign(a.samples.begin() + from * a.channels, a.samples.begin() + to * a.channels);
  return s;
}

Audio concat(std::initializer_list<const Audio*> parts) {
  Audio out;
  for (const Audio* p : parts) out.samples.insert(out.samples.end(), p->samples.begin(), p->samples.end());
  return out;
}

Audio tone(double seconds, double freq, double amplitude) {
  Audio a;
  a.samples.resize(static_cast<std::size_t>(seconds * 48000) * 2);
  for (long i = 0; i < a.frames(); ++i)
    a.frame(i)[0] = a.frame(i)[1] = static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * freq * i / 48000.0));
  return a;
}

double db(double lin) { return 20 * std::log10(lin); }
double own_true_peak_db(const Audio& a) { return db(true_peak_of(a.samples.data(), a.frames(), a.channels)); }

// Feeds `a` in blocks of `block` frames (odd on purpose: nothing lines up with 100 ms).
void feed(LoudnessMeter& m, const Audio& a, long block = 1111) {
  for (long at = 0; at < a.frames(); at += block) m.write(a.frame(at), std::min(block, a.frames() - at));
}

LoudnessMeterOptions rendering() {
  LoudnessMeterOptions o;
  o.wait_when_full = true;  // measure every frame, as a render does
  return o;
}

TEST(LoudnessMeter, EachItemMeasuresAsItsOwnAudioWouldAlone) {
  // Loud tone, pink noise, quiet speech, back to back; the cuts fall at odd frames.
  Audio loud = tone(3.3, 997, 0.89);  // about −1 dBFS
  Audio noise = test::pink_noise(5.17, 4);
  test::scale_to_lufs(noise, -20);
  Audio quiet = test::speech(6.03);
  test::scale_to_lufs(quiet, -31);
  const Audio all = concat({&loud, &noise, &quiet});
  const long cut1 = loud.frames(), cut2 = cut1 + noise.frames(), end = all.frames();

  LoudnessMeter m(AudioFormat{48000, 2}, rendering());
  const MeteredItem a{1, 0}, b{2, cut1}, c{3, cut2};
  m.item_started(a);
  m.item_ended(a, cut1);
  m.item_started(b);
  m.item_ended(b, cut2);
  m.item_started(c);
  m.item_ended(c, end);
  feed(m, all);
  m.close();

  const Audio parts[] = {loud, noise, quiet};
  const MeteredItem items[] = {a, b, c};
  for (int i = 0; i < 3; ++i) {
    const auto got = m.take(items[i], 1s);
    ASSERT_TRUE(got.has_value()) << "item " << i;
    const double ref_i = test::integrated_lufs(parts[i]);
    EXPECT_NEAR(got->integrated_lufs, ref_i, 0.05) << "item " << i << ": libebur128 " << ref_i;
    // Our detector on the item alone, and libebur128's (a shorter filter: up to 0.3 dB apart).
    EXPECT_NEAR(got->true_peak_dbtp, own_true_peak_db(parts[i]), 0.05) << "item " << i;
    EXPECT_NEAR(got->true_peak_dbtp, test::true_peak_dbtp(parts[i]), 0.3) << "item " << i;
  }
  const auto again = m.stats();
  EXPECT_EQ(again.frames_measured, end);
  EXPECT_EQ(again.frames_dropped, 0);
}

TEST(LoudnessMeter, AQuietItemAfterALoudCutKeepsItsOwnPeak) {
  Audio loud = tone(2.0, 5000, 0.95);
  Audio quiet = tone(2.0, 440, 0.01);  // −40 dBFS
  const Audio all = concat({&loud, &quiet});
  LoudnessMeter m(AudioFormat{48000, 2}, rendering());
  const MeteredItem q{7, loud.frames()};
  m.item_started(q);
  feed(m, all, 480);
  m.close();  // still open: ends at the last frame
  const auto got = m.take(q, 1s);
  ASSERT_TRUE(got.has_value());
  EXPECT_NEAR(got->true_peak_dbtp, -40.0, 0.1);
  EXPECT_NEAR(got->integrated_lufs, test::integrated_lufs(quiet), 0.05);
}

TEST(LoudnessMeter, ItemsOverlappingInACrossfadeEachMeasureTheirSpan) {
  Audio out = test::pink_noise(14.0, 9);
  test::scale_to_lufs(out, -18);
  // A fades out over 9–11 s while B fades in: the output is what both share.
  for (long i = 0; i < out.frames(); ++i) {
    const double t = i / 48000.0;
    const double g = t < 9 ? 1.0 : t < 11 ? 1.0 - 0.6 * (t - 9) / 2 : 0.4;
    out.frame(i)[0] *= static_cast<float>(g);
    out.frame(i)[1] *= static_cast<float>(g);
  }
  const long b_start = 9 * 48000 + 123, a_end = 11 * 48000 + 457;
  LoudnessMeter m(AudioFormat{48000, 2}, rendering());
  const MeteredItem a{1, 0}, b{2, b_start};
  m.item_started(a);
  m.item_started(b);
  m.item_ended(a, a_end);
  m.item_ended(b, out.frames());
  feed(m, out, 1024);
  m.close();
  const auto ra = m.take(a, 1s), rb = m.take(b, 1s);
  ASSERT_TRUE(ra && rb);
  const Audio sa = slice(out, 0, a_end), sb = slice(out, b_start, out.frames());
  EXPECT_NEAR(ra->integrated_lufs, test::integrated_lufs(sa), 0.05);
  EXPECT_NEAR(rb->integrated_lufs, test::integrated_lufs(sb), 0.05);
  EXPECT_NEAR(ra->true_peak_dbtp, own_true_peak_db(sa), 0.05);
  EXPECT_NEAR(rb->true_peak_dbtp, own_true_peak_db(sb), 0.05);
  EXPECT_GT(ra->integrated_lufs - rb->integrated_lufs, 3.0) << "B is the faded part";
}

TEST(LoudnessMeter, ShortAndSilentItems) {
  Audio blip = tone(0.3, 1000, 0.5);  // under one 400 ms gating block
  Audio silence;
  silence.samples.assign(48000 * 2 * 2, 0.0f);
  const Audio all = concat({&blip, &silence});
  LoudnessMeter m(AudioFormat{48000, 2}, rendering());
  const MeteredItem s{1, 0}, z{2, blip.frames()};
  m.item_started(s);
  m.item_ended(s, blip.frames());
  m.item_started(z);
  m.item_ended(z, all.frames());
  feed(m, all);
  m.close();
  const auto rs = m.take(s, 1s), rz = m.take(z, 1s);
  ASSERT_TRUE(rs && rz);
  EXPECT_TRUE(std::isinf(rs->integrated_lufs) && rs->integrated_lufs < 0) << rs->integrated_lufs;
  EXPECT_NEAR(rs->true_peak_dbtp, db(0.5), 0.1);
  EXPECT_TRUE(std::isinf(rz->integrated_lufs) && rz->integrated_lufs < 0) << rz->integrated_lufs;
  // Right after the tone: the values interpolated across the cut are the tone's ringing,
  // not the silent item's own audio, so it reads silence.
  EXPECT_TRUE(std::isinf(rz->true_peak_dbtp) && rz->true_peak_dbtp < 0) << rz->true_peak_dbtp;
  // An end whose start was never seen answers "not measured", not a number.
  LoudnessMeter m2(AudioFormat{48000, 2}, rendering());
  m2.item_ended(MeteredItem{9, 0}, 100);
  feed(m2, blip);
  m2.close();
  const auto none = m2.take(MeteredItem{9, 0}, 1s);
  EXPECT_FALSE(none.has_value());
}

TEST(LoudnessMeter, TheRunningReadingFollowsTheOutput) {
  Audio noise = test::pink_noise(6.0, 2);
  test::scale_to_lufs(noise, -23);
  LoudnessMeter m(AudioFormat{48000, 2}, rendering());
  feed(m, noise, 4800);
  // Wait for the worker to measure it all (bounded).
  for (int i = 0; i < 500 && m.reading().frame < noise.frames(); ++i) std::this_thread::sleep_for(10ms);
  const auto r = m.reading();
  ASSERT_EQ(r.frame, noise.frames());
  EXPECT_NEAR(r.short_term_lufs, test::shortterm_lufs(noise, noise.frames()), 0.05);
  const Audio last400 = slice(noise, noise.frames() - 19200, noise.frames());
  EXPECT_NEAR(r.momentary_lufs, test::integrated_lufs(last400), 0.05);
  // The peak of the last 3 s: at least their sample peak, at most a little over it.
  const Audio last3 = slice(noise, noise.frames() - 3 * 48000, noise.frames());
  EXPECT_NEAR(r.peak_dbtp, own_true_peak_db(last3), 0.1);
  m.close();
}

}  // namespace
}  // namespace onair

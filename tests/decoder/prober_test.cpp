// FfmpegProber reports the length the decoder will actually play, measuring files
// whose headers lie (VBR MP3 without a Xing header, truncated files).
#include <gtest/gtest.h>

#include <cmath>

#include "decoder/decode_helpers.hpp"
#include "player/decode/prober.hpp"

namespace onair::test {
namespace {

using namespace std::chrono_literals;

double seconds(std::chrono::microseconds us) { return static_cast<double>(us.count()) / 1e6; }

// What ffprobe (FFmpeg's own estimate) says the file lasts.
double ffprobe_duration(const std::filesystem::path& file) {
  const auto r = capture("ffprobe -v error -show_entries format=duration -of csv=p=0 " + q(file), false);
  return std::stod(r.output);
}

// 5 s of silence, then 15 s of loud noise, VBR without a Xing header: FFmpeg can only
// estimate the length from the first frames' (lowest possible) bitrate.
std::filesystem::path make_xingless_vbr(const TempDir& dir) {
  const auto file = dir / "xingless.mp3";
  ffmpeg("-f lavfi -i anullsrc=r=44100:cl=mono:d=5 "
         "-f lavfi -i anoisesrc=sample_rate=44100:amplitude=0.5:duration=15 "
         "-filter_complex \"[0:a][1:a]concat=n=2:v=0:a=1\" "
         "-c:a libmp3lame -q:a 0 -write_xing 0 " + q(file));
  return file;
}

TEST(Prober, XinglessVbrMp3IsMeasuredNotEstimated) {
  TempDir dir;
  const auto file = make_xingless_vbr(dir);
  // The fixture must really fool the header estimate, or this test proves nothing.
  const double estimate = ffprobe_duration(file);
  ASSERT_GT(estimate, 2 * 20.0) << "fixture no longer has a wrong header estimate";

  const MediaInfo info = FfmpegProber().probe(file);
  ASSERT_TRUE(info.ok) << info.error;
  EXPECT_FALSE(info.duration_estimated);
  // No LAME header: the encoder delay (~1105 samples) and padding stay in the audio.
  EXPECT_NEAR(seconds(info.duration), 20.0, 0.1);
  ASSERT_TRUE(info.header_duration.has_value());
  EXPECT_NEAR(seconds(*info.header_duration), estimate, 0.01);
  EXPECT_EQ(info.codec, "mp3");

  // And the measured length is what the decoder plays, to the frame.
  const Decoded d = decode_all(file, AudioFormat{44100, 1});
  EXPECT_NEAR(static_cast<double>(d.frames), seconds(info.duration) * 44100, 1.0);
}

TEST(Prober, XinglessVbrIsMeasuredEvenWhenNotMeasuringEverything) {
  TempDir dir;
  const auto file = make_xingless_vbr(dir);
  ProberOptions options;
  options.measure_all = false;
  const MediaInfo info = FfmpegProber(options).probe(file);
  ASSERT_TRUE(info.ok) << info.error;
  EXPECT_NEAR(seconds(info.duration), 20.0, 0.1);
  EXPECT_TRUE(info.header_duration.has_value());
}

TEST(Prober, TruncatedMp3IsMeasuredThoughItsXingHeaderClaimsMore) {
  TempDir dir;
  const auto full = dir / "full.mp3", cut = dir / "cut.mp3";
  ffmpeg("-f lavfi -i sine=sample_rate=44100:duration=20 -c:a libmp3lame -b:a 128k " + q(full));
  ASSERT_EQ(run("head -c 160000 " + q(full) + " > " + q(cut)), 0);  // ~10 s of 20
  const MediaInfo info = FfmpegProber().probe(cut);
  ASSERT_TRUE(info.ok) << info.error;
  ASSERT_TRUE(info.header_duration.has_value());
  EXPECT_NEAR(seconds(*info.header_duration), 20.0, 0.1);
  EXPECT_NEAR(seconds(info.duration), 160000 * 8 / 128000.0, 0.1);
  const Decoded d = decode_all(cut, AudioFormat{44100, 1});
  EXPECT_EQ(d.end, DecodeEnd::end_of_data);
  EXPECT_NEAR(static_cast<double>(d.frames), seconds(info.duration) * 44100, 1.0);
}

TEST(Prober, HeaderUsedWhenNotMeasuringAndTrustworthy) {
  TempDir dir;
  const auto file = dir / "a.flac";
  ffmpeg("-f lavfi -i sine=sample_rate=44100:duration=3 " + q(file));
  ProberOptions options;
  options.measure_all = false;
  const MediaInfo info = FfmpegProber(options).probe(file);
  ASSERT_TRUE(info.ok) << info.error;
  EXPECT_EQ(info.duration, 3s);
  EXPECT_FALSE(info.duration_estimated);
}

TEST(Prober, MeasuringOutOfTimeFallsBackToAnEstimate) {
  TempDir dir;
  const auto file = make_xingless_vbr(dir);
  ProberOptions options;
  options.scan_budget = 0ms;
  const MediaInfo info = FfmpegProber(options).probe(file);
  ASSERT_TRUE(info.ok) << info.error;  // it plays; only its length is uncertain
  EXPECT_TRUE(info.duration_estimated);
  EXPECT_NEAR(seconds(info.duration), ffprobe_duration(file), 0.01);
}

TEST(Prober, ReportsRateChannelsAndCodec) {
  TempDir dir;
  const auto file = dir / "a.ogg";
  ffmpeg("-f lavfi -i sine=sample_rate=22050:duration=1 -ac 2 -c:a libvorbis " + q(file));
  const MediaInfo info = FfmpegProber().probe(file);
  ASSERT_TRUE(info.ok) << info.error;
  EXPECT_EQ(info.sample_rate, 22050);
  EXPECT_EQ(info.channels, 2);
  EXPECT_EQ(info.codec, "vorbis");
  EXPECT_EQ(info.duration, 1s);
}

TEST(Prober, MissingFile) {
  const MediaInfo info = FfmpegProber().probe("/nonexistent/onair/x.mp3");
  EXPECT_FALSE(info.ok);
  EXPECT_EQ(info.error, "file not found");
}

}  // namespace
}  // namespace onair::test

// Every input format the station may receive decodes to exactly the right number of
// 48 kHz stereo frames, with the right content, and probes to the same length.
#include <gtest/gtest.h>

#include <cstdlib>

#include "decoder/decode_helpers.hpp"
#include "player/decode/prober.hpp"

namespace onair::test {
namespace {

struct FormatCase {
  std::string name;
  std::string file;     // extension picks the container
  int rate;             // source sample rate
  int channels;         // source channels
  std::string encode;   // ffmpeg output options
  double level_tolerance = 0.1;  // relative RMS error allowed (lossy codecs lowpass)
};

// A sample count that is not a multiple of any codec frame size or resampling period,
// so exact counts and the resampler's rounding are actually exercised.
constexpr std::int64_t kSourceSamplesPerSecondish = 100'001;

void PrintTo(const FormatCase& c, std::ostream* os) { *os << c.name; }

class DecodeFormat : public ::testing::TestWithParam<FormatCase> {};

TEST_P(DecodeFormat, ExactFrameCountContentAndProbe) {
  const FormatCase& c = GetParam();
  TempDir dir;
  const auto file = dir / c.file;
  const std::int64_t n = kSourceSamplesPerSecondish * c.rate / 44100;  // ~2.27 s at any rate
  ffmpeg("-f lavfi -i sine=frequency=440:sample_rate=" + std::to_string(c.rate) +
         ":duration=10 -af atrim=end_sample=" + std::to_string(n) + " -ac " +
         std::to_string(c.channels) + " " + c.encode + " " + q(file));

  const AudioFormat out{48000, 2};
  const Decoded d = decode_all(file, out);
  ASSERT_EQ(d.end, DecodeEnd::end_of_data) << d.error;
  EXPECT_EQ(d.stats.skipped_packets, 0);
  // swresample emits ceil(n * out / in) frames for n input samples.
  const std::int64_t expected = (n * out.sample_rate + c.rate - 1) / c.rate;
  EXPECT_EQ(d.frames, expected);

  EXPECT_NEAR(frequency(d.samples, 2, out.sample_rate, 0), 440.0, 1.0);
  if (c.channels <= 2) {
    // ffmpeg's sine is at 1/8 full scale, and its -ac 2 upmix puts it at -3 dB per side.
    // A mono source must play at full level on both sides.
    const double want = 0.125 / std::sqrt(2.0) / (c.channels == 2 ? std::sqrt(2.0) : 1.0);
    EXPECT_NEAR(rms(d.samples, 2, 0, 2000), want, want * c.level_tolerance);
    EXPECT_NEAR(rms(d.samples, 2, 1, 2000), want, want * c.level_tolerance);
  } else {
    EXPECT_GT(rms(d.samples, 2, 0, 2000), 0.02);
    EXPECT_GT(rms(d.samples, 2, 1, 2000), 0.02);
  }

  const MediaInfo info = FfmpegProber().probe(file);
  ASSERT_TRUE(info.ok) << info.error;
  EXPECT_FALSE(info.duration_estimated);
  EXPECT_FALSE(info.header_duration.has_value());
  EXPECT_EQ(info.sample_rate, c.rate);
  EXPECT_EQ(info.channels, c.channels);
  EXPECT_NEAR(static_cast<double>(info.duration.count()), n * 1e6 / c.rate, 1.0);
}

INSTANTIATE_TEST_SUITE_P(
    Formats, DecodeFormat,
    ::testing::Values(
        FormatCase{"mp3_cbr_44k1_stereo", "a.mp3", 44100, 2, "-c:a libmp3lame -b:a 128k"},
        FormatCase{"mp3_vbr_44k1_mono", "a.mp3", 44100, 1, "-c:a libmp3lame -q:a 2"},
        FormatCase{"mp3_22k05_mono", "a.mp3", 22050, 1, "-c:a libmp3lame -b:a 64k"},
        FormatCase{"aac_m4a_44k1_stereo", "a.m4a", 44100, 2, "-c:a aac -b:a 128k -movie_timescale 44100"},
        FormatCase{"flac_44k1_stereo", "a.flac", 44100, 2, "-c:a flac", 0.001},
        FormatCase{"flac_96k_24bit", "a.flac", 96000, 2, "-c:a flac -sample_fmt s32", 0.001},
        FormatCase{"vorbis_44k1_stereo", "a.ogg", 44100, 2, "-c:a libvorbis -q:a 4"},
        FormatCase{"opus_48k_stereo", "a.opus", 48000, 2, "-c:a libopus -b:a 96k"},
        FormatCase{"wav_u8_8k_mono", "a.wav", 8000, 1, "-c:a pcm_u8", 0.02},
        FormatCase{"wav_s16_44k1", "a.wav", 44100, 2, "-c:a pcm_s16le", 0.001},
        FormatCase{"wav_s24_48k", "a.wav", 48000, 2, "-c:a pcm_s24le", 0.001},
        FormatCase{"wav_s32_32k", "a.wav", 32000, 2, "-c:a pcm_s32le", 0.001},
        FormatCase{"wav_f32_22k05", "a.wav", 22050, 1, "-c:a pcm_f32le", 0.001},
        FormatCase{"wav_s16_6ch", "a.wav", 48000, 6, "-c:a pcm_s16le", 0.001}),
    [](const auto& test_case) { return test_case.param.name; });

TEST(DecodeFormats, M4aEndIsWhereTheEditListSaysEvenWhenQuantised) {
  // ffmpeg's MP4 muxer states the edit list in a 1 ms movie time scale by default, so
  // the stated length can be up to 1 ms short of the encoded audio. The decoder plays
  // what the container states (what gapless players do), not the encoder padding.
  TempDir dir;
  const auto file = dir / "a.m4a";
  ffmpeg("-f lavfi -i sine=sample_rate=44100:duration=10 -af atrim=end_sample=100001 -c:a aac " +
         q(file));
  const Decoded d = decode_all(file, AudioFormat{44100, 1});
  ASSERT_EQ(d.end, DecodeEnd::end_of_data) << d.error;
  EXPECT_EQ(d.frames, 99975);  // 2.267 s, as stated; padding would have given 100352
  EXPECT_EQ(FfmpegProber().probe(file).duration.count(), 2'267'007);
}

TEST(DecodeFormats, OtherOutputFormatsToo) {
  // The engine's format is configurable: 44.1 kHz mono out of a 48 kHz stereo file.
  TempDir dir;
  const auto file = dir / "a.flac";
  ffmpeg("-f lavfi -i sine=frequency=1000:sample_rate=48000:duration=1 -ac 2 " + q(file));
  const Decoded d = decode_all(file, AudioFormat{44100, 1});
  ASSERT_EQ(d.end, DecodeEnd::end_of_data) << d.error;
  EXPECT_EQ(d.frames, 44100);
  EXPECT_NEAR(frequency(d.samples, 1, 44100), 1000.0, 1.0);
}

TEST(DecodeFormats, ReportsSourceFormat) {
  TempDir dir;
  const auto file = dir / "a.wav";
  ffmpeg("-f lavfi -i sine=sample_rate=8000:duration=1 -c:a pcm_u8 " + q(file));
  Decoder decoder(file.string(), AudioFormat{});
  EXPECT_EQ(decoder.source_format().codec, "pcm_u8");
  EXPECT_EQ(decoder.source_format().sample_rate, 8000);
  EXPECT_EQ(decoder.source_format().channels, 1);
  EXPECT_EQ(decoder.format(), AudioFormat{});
  EXPECT_EQ(decoder.end(), DecodeEnd::none);
}

}  // namespace
}  // namespace onair::test

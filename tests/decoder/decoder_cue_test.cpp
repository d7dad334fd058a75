// Cue-in and cue-out are sample exact: an item started at a cue-in (reached by seeking
// back with pre-roll) is bit-identical to decoding the file from its start and dropping
// the frames before the cue, and it stops exactly at the cue-out.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "decoder/decode_helpers.hpp"

namespace onair::test {
namespace {

using namespace std::chrono_literals;

struct CueCase {
  std::string name;
  std::string file;
  std::string encode;  // ffmpeg output options (the source is a 12 s 44.1 kHz stereo chirp)
  bool seeks;          // false: codec not seek-exact, the decoder decodes through instead
};
void PrintTo(const CueCase& c, std::ostream* os) { *os << c.name; }

// A rising tone plus a second partial: every sample differs from its neighbours, so an
// off-by-one frame or a wrong resampler phase cannot go unnoticed.
void make_source(const std::filesystem::path& file, const std::string& encode) {
  ffmpeg("-f lavfi -i \"aevalsrc=0.3*sin(2*PI*(300+40*t)*t)|0.2*sin(2*PI*997*t+0.1*t*t):s=44100:d=12\" " +
         encode + " " + q(file));
}

// Index of the first differing float, or -1.
std::ptrdiff_t first_difference(const float* a, const float* b, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0) return static_cast<std::ptrdiff_t>(i);
  }
  return -1;
}

class CueIn : public ::testing::TestWithParam<CueCase> {};

TEST_P(CueIn, SeekedCueInIsBitIdenticalToDecodingThrough) {
  const CueCase& c = GetParam();
  TempDir dir;
  const auto file = dir / c.file;
  make_source(file, c.encode);
  const AudioFormat out{48000, 2};
  const Decoded whole = decode_all(file, out);
  ASSERT_EQ(whole.end, DecodeEnd::end_of_data) << whole.error;

  const FrameCount length = 120'017;
  for (const FrameCount cue : {FrameCount{240'000}, FrameCount{341'927}, FrameCount{450'001}}) {
    SCOPED_TRACE("cue-in frame " + std::to_string(cue));
    DecoderOptions options;
    options.cue_in = CuePoint::frames(cue);
    options.cue_out = CuePoint::frames(cue + length);
    options.seek_threshold = 0ms;  // force the seeking path
    const Decoded part = decode_all(file, out, options, 777);
    EXPECT_EQ(part.stats.seeked, c.seeks);
    ASSERT_EQ(part.end, DecodeEnd::cue_out) << part.error;
    ASSERT_EQ(part.frames, length);
    ASSERT_LE(static_cast<std::size_t>((cue + length) * 2), whole.samples.size());
    const float* expected = whole.samples.data() + cue * 2;
    const auto diff = first_difference(part.samples.data(), expected, part.samples.size());
    EXPECT_EQ(diff, -1) << "first difference at frame " << diff / 2 << ": " << part.samples[diff]
                        << " vs " << expected[diff];
  }
}

INSTANTIATE_TEST_SUITE_P(
    Formats, CueIn,
    ::testing::Values(
        CueCase{"mp3_cbr", "a.mp3", "-c:a libmp3lame -b:a 128k", true},
        CueCase{"mp3_vbr", "a.mp3", "-c:a libmp3lame -q:a 2", true},
        CueCase{"mp3_no_xing", "a.mp3", "-c:a libmp3lame -q:a 4 -write_xing 0", true},
        // Without noise substitution; see AacNoiseSubstitutionIsAlignedButNotBitExact.
        CueCase{"aac_m4a", "a.m4a", "-c:a aac -b:a 128k -aac_pns 0", true},
        CueCase{"flac", "a.flac", "-c:a flac", true},
        CueCase{"vorbis", "a.ogg", "-c:a libvorbis", true},
        CueCase{"opus", "a.opus", "-c:a libopus", false},
        CueCase{"wav_44k1", "a.wav", "-c:a pcm_s16le", true},
        CueCase{"wav_48k", "a.wav", "-ar 48000 -c:a pcm_s24le", true},
        CueCase{"wav_8k_mono", "a.wav", "-ar 8000 -ac 1 -c:a pcm_s16le", true}),
    [](const auto& test_case) { return test_case.param.name; });

TEST(CueInAac, NoiseSubstitutionIsAlignedButNotBitExact) {
  // AAC's perceptual noise substitution draws from a decoder-wide random generator, so
  // after a seek the substituted noise differs (by design it is random). Everything
  // else is exact: the cue is on the same sample, the difference stays below -100 dBFS.
  TempDir dir;
  const auto file = dir / "a.m4a";
  make_source(file, "-c:a aac -b:a 128k -aac_pns 1");
  const Decoded whole = decode_all(file, {});
  DecoderOptions options;
  options.cue_in = CuePoint::frames(341'927);
  options.cue_out = CuePoint::frames(341'927 + 96'000);
  options.seek_threshold = 0ms;
  const Decoded part = decode_all(file, {}, options);
  ASSERT_TRUE(part.stats.seeked);
  ASSERT_EQ(part.frames, 96'000);
  float worst = 0;
  for (std::size_t i = 0; i < part.samples.size(); ++i)
    worst = std::max(worst, std::abs(part.samples[i] - whole.samples[341'927 * 2 + i]));
  EXPECT_LT(worst, 1e-5f);
}

class CueFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = dir_ / "tone.flac";
    make_source(file_, "-c:a flac");  // 12 s = 576000 frames at 48 kHz
  }
  TempDir dir_;
  std::filesystem::path file_;
};

TEST_F(CueFixture, CueOutStopsExactly) {
  DecoderOptions options;
  options.cue_out = CuePoint::frames(100'003);
  const Decoded d = decode_all(file_, {}, options, 4096);
  EXPECT_EQ(d.end, DecodeEnd::cue_out);
  EXPECT_EQ(d.frames, 100'003);
}

TEST_F(CueFixture, CueOutOnABlockBoundaryEndsOnTheNextRead) {
  DecoderOptions options;
  options.cue_out = CuePoint::frames(4000);
  Decoder decoder(file_.string(), AudioFormat{}, options);
  std::vector<float> buf(2 * 4000);
  EXPECT_EQ(decoder.read(buf.data(), 4000), 4000);
  EXPECT_EQ(decoder.position(), 4000);
  EXPECT_EQ(decoder.read(buf.data(), 4000), 0);
  EXPECT_EQ(decoder.end(), DecodeEnd::cue_out);
}

TEST_F(CueFixture, CuesGivenAsTimesRoundToFrames) {
  DecoderOptions options;
  options.cue_in = 1500ms;
  options.cue_out = std::chrono::duration<double>(2.25);
  const Decoded d = decode_all(file_, {}, options);
  EXPECT_EQ(d.end, DecodeEnd::cue_out);
  EXPECT_EQ(d.frames, 36'000);  // 0.75 s at 48 kHz
}

TEST_F(CueFixture, DecodingThroughMatchesSeeking) {
  // The default threshold decodes through short cue-ins; both paths give the same samples.
  DecoderOptions through, seeked;
  through.cue_in = seeked.cue_in = CuePoint::frames(300'001);
  through.cue_out = seeked.cue_out = CuePoint::frames(400'000);
  through.seek_threshold = 1h;
  seeked.seek_threshold = 0ms;
  const Decoded a = decode_all(file_, {}, through);
  const Decoded b = decode_all(file_, {}, seeked);
  EXPECT_FALSE(a.stats.seeked);
  EXPECT_TRUE(b.stats.seeked);
  EXPECT_EQ(a.samples, b.samples);
}

TEST_F(CueFixture, CueOutPastTheEndEndsWithTheData) {
  DecoderOptions options;
  options.cue_in = 10s;
  options.cue_out = 60s;
  const Decoded d = decode_all(file_, {}, options);
  EXPECT_EQ(d.end, DecodeEnd::end_of_data);
  EXPECT_EQ(d.frames, 96'000);
}

TEST_F(CueFixture, CueInPastTheEndGivesNothing) {
  for (std::chrono::milliseconds threshold : {0ms, std::chrono::milliseconds(1h)}) {
    DecoderOptions options;
    options.cue_in = 30s;
    options.seek_threshold = threshold;
    const Decoded d = decode_all(file_, {}, options);
    EXPECT_EQ(d.end, DecodeEnd::end_of_data);
    EXPECT_EQ(d.frames, 0);
  }
}

TEST_F(CueFixture, CueOutBeforeCueInPlaysNothing) {
  DecoderOptions options;
  options.cue_in = 5s;
  options.cue_out = 4s;
  const Decoded d = decode_all(file_, {}, options);
  EXPECT_EQ(d.end, DecodeEnd::cue_out);
  EXPECT_EQ(d.frames, 0);
}

TEST_F(CueFixture, PositionCountsSourceFrames) {
  DecoderOptions options;
  options.cue_in = CuePoint::frames(1234);
  Decoder decoder(file_.string(), AudioFormat{}, options);
  EXPECT_EQ(decoder.position(), 1234);
  std::vector<float> buf(2 * 100);
  decoder.read(buf.data(), 100);
  EXPECT_EQ(decoder.position(), 1334);
}

}  // namespace
}  // namespace onair::test

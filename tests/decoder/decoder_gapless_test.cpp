// Gapless playback: a tone split across consecutive lossy files plays back with no
// click at the join and with exactly the original number of samples, because encoder
// delay and padding (LAME/Xing header, MP4 edit list, Ogg pre-skip) are removed.
#include <gtest/gtest.h>

#include <cmath>

#include "decoder/decode_helpers.hpp"

namespace onair::test {
namespace {

struct GaplessCase {
  std::string name;
  std::string ext;
  std::string encode;
  float tolerance;  // coding error allowed against the original
};
void PrintTo(const GaplessCase& c, std::ostream* os) { *os << c.name; }

class Gapless : public ::testing::TestWithParam<GaplessCase> {};

TEST_P(Gapless, SplitToneJoinsWithoutAJump) {
  const GaplessCase& c = GetParam();
  TempDir dir;
  const auto source = dir / "source.wav";
  const auto a = dir / ("a" + c.ext), b = dir / ("b" + c.ext);
  // 5 s of 440 Hz at 48 kHz, split at a sample that is no codec frame boundary.
  const std::int64_t total = 240'000, split = 100'037;
  ffmpeg("-f lavfi -i sine=frequency=440:sample_rate=48000:duration=5 -c:a pcm_f32le " + q(source));
  ffmpeg("-i " + q(source) + " -af atrim=end_sample=" + std::to_string(split) + " " + c.encode +
         " " + q(a));
  ffmpeg("-i " + q(source) + " -af atrim=start_sample=" + std::to_string(split) +
         ",asetpts=PTS-STARTPTS " + c.encode + " " + q(b));

  const AudioFormat out{48000, 1};
  const Decoded original = decode_all(source, out);
  const Decoded first = decode_all(a, out), second = decode_all(b, out);
  ASSERT_EQ(first.end, DecodeEnd::end_of_data) << first.error;
  ASSERT_EQ(second.end, DecodeEnd::end_of_data) << second.error;
  EXPECT_EQ(first.frames, split);
  EXPECT_EQ(second.frames, total - split);
  ASSERT_EQ(original.frames, total);

  std::vector<float> joined = first.samples;
  joined.insert(joined.end(), second.samples.begin(), second.samples.end());
  ASSERT_EQ(joined.size(), original.samples.size());
  // Around the join, the joined audio follows the original waveform: a delay left in,
  // a frame of padding or a missing frame would be a phase jump of up to 2x amplitude.
  float worst = 0;
  std::int64_t worst_at = 0;
  for (std::int64_t i = split - 4800; i < split + 4800; ++i) {
    const float err = std::abs(joined[i] - original.samples[i]);
    if (err > worst) worst = err, worst_at = i;
  }
  EXPECT_LT(worst, c.tolerance) << "at frame " << worst_at << " (join at " << split << ")";
  // And no sample-to-sample step larger than a 440 Hz sine ever makes (2*pi*440/48000/8 = 0.0072).
  for (std::int64_t i = split - 2; i < split + 2; ++i)
    EXPECT_LT(std::abs(joined[i + 1] - joined[i]), 0.0073f + c.tolerance) << "at frame " << i;
}

INSTANTIATE_TEST_SUITE_P(
    Codecs, Gapless,
    ::testing::Values(GaplessCase{"mp3", ".mp3", "-c:a libmp3lame -b:a 192k", 0.01f},
                      GaplessCase{"mp3_vbr", ".mp3", "-c:a libmp3lame -q:a 0", 0.01f},
                      GaplessCase{"aac_m4a", ".m4a", "-c:a aac -b:a 192k -movie_timescale 48000", 0.01f},
                      GaplessCase{"opus", ".opus", "-c:a libopus -b:a 128k", 0.02f},
                      GaplessCase{"vorbis", ".ogg", "-c:a libvorbis -q:a 6", 0.01f},
                      GaplessCase{"flac", ".flac", "-c:a flac", 1e-6f}),
    [](const auto& test_case) { return test_case.param.name; });

}  // namespace
}  // namespace onair::test

// The ProcessedOutput decorator keeps frame indices: what the engine writes as frame k
// reaches the wrapped sink as frame k, and the stream keeps its length.
#include "player/output/processed.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numeric>

#include "loudness/loudness_support.hpp"
#include "player/output/wav.hpp"
#include "support/test_media.hpp"

namespace onair {
namespace {

using test::CaptureOutput;

struct Wrapped {
  CaptureOutput* capture;
  ProcessedOutput out;
  Wrapped() : Wrapped(std::make_unique<CaptureOutput>()) {}
  explicit Wrapped(std::unique_ptr<CaptureOutput> c) : capture(c.get()), out(std::move(c)) {}
};

// Writes `samples` in blocks of the given sizes (cycling), then closes.
void write_all(ProcessedOutput& out, const std::vector<float>& samples, std::vector<long> blocks) {
  const long frames = static_cast<long>(samples.size()) / 2;
  std::size_t b = 0;
  for (long i = 0; i < frames;) {
    const long n = std::min(blocks[b++ % blocks.size()], frames - i);
    out.write(samples.data() + i * 2, n);
    i += n;
  }
}

TEST(ProcessedOutput, AnImpulseAtFrameKComesOutAtFrameK) {
  for (long total : {10L, 73L, 5000L, 48000L}) {
    for (std::vector<long> blocks : {std::vector<long>{1}, {7, 1000}, {4097}, {100000}}) {
      for (long k : {0L, total / 2, total - 1}) {
        for (float amplitude : {0.5f, 1.0f}) {  // under the ceiling, and over it (limited)
          Wrapped w;
          ASSERT_EQ(w.out.open({48000, 2}), (AudioFormat{48000, 2}));
          std::vector<float> in(static_cast<std::size_t>(total) * 2, 0.0f);
          in[static_cast<std::size_t>(k) * 2] = amplitude;
          in[static_cast<std::size_t>(k) * 2 + 1] = -amplitude;
          write_all(w.out, in, blocks);
          w.out.close();
          const auto& got = w.capture->samples;
          ASSERT_EQ(got.size(), in.size()) << total << " frames, impulse at " << k;
          // The largest magnitude is at frame k.
          long at = 0;
          for (long i = 0; i < total; ++i)
            if (std::fabs(got[static_cast<std::size_t>(i) * 2]) > std::fabs(got[static_cast<std::size_t>(at) * 2])) at = i;
          EXPECT_EQ(at, k) << total << " frames, block " << blocks[0] << ", amplitude " << amplitude;
          if (amplitude < 0.6f) EXPECT_EQ(0, std::memcmp(got.data(), in.data(), in.size() * sizeof(float)));
          else EXPECT_LT(got[static_cast<std::size_t>(k) * 2], amplitude);  // limited
          EXPECT_EQ(w.capture->closes, 1);
        }
      }
    }
  }
}

TEST(ProcessedOutput, DrainFlushesAndWritingGoesOnAligned) {
  Wrapped w;
  w.out.open({48000, 2});
  const test::Audio tone = test::ffmpeg_audio("-f lavfi -i sine=frequency=440:duration=1", 48000, 2, "volume=-12dB");
  const auto n = tone.samples.size();
  w.out.write(tone.samples.data(), 30000);
  EXPECT_EQ(w.capture->samples.size(), static_cast<std::size_t>(30000 - w.out.latency()) * 2);
  w.out.drain();
  EXPECT_EQ(w.capture->drains, 1);
  EXPECT_EQ(w.capture->samples.size(), 30000u * 2);
  w.out.drain();  // nothing new: nothing more
  EXPECT_EQ(w.capture->samples.size(), 30000u * 2);
  w.out.write(tone.samples.data() + 30000 * 2, tone.frames() - 30000);
  w.out.close();
  w.out.close();  // idempotent
  ASSERT_EQ(w.capture->samples.size(), n);
  EXPECT_EQ(0, std::memcmp(w.capture->samples.data(), tone.samples.data(), n * sizeof(float)));
}

TEST(ProcessedOutput, AWavKeepsItsLengthAndItsFirstSample) {
  test::TempDir dir;
  const auto wav = dir / "out.wav";
  const test::Audio tone = test::ffmpeg_audio("-f lavfi -i sine=frequency=1000:duration=2", 48000, 2, "volume=-18dB");
  {
    ProcessedOutput out(std::make_unique<WavOutput>(WavOutputOptions{.path = wav}));
    out.open({48000, 2});
    write_all(out, tone.samples, {1024});
    out.close();
  }
  const test::Audio back = test::ffmpeg_audio("-i " + test::shell_quote(wav.string()));
  ASSERT_EQ(back.samples.size(), tone.samples.size());
  EXPECT_EQ(0, std::memcmp(back.samples.data(), tone.samples.data(), tone.samples.size() * sizeof(float)));
}

TEST(ProcessedOutput, ControlEngagesTheAgcAndTheMetersShowIt) {
  Wrapped w;
  w.out.open({48000, 2});
  test::Audio noise = test::pink_noise(8, 21);
  test::scale_to_lufs(noise, -8);
  BusControl control;
  control.agc = true;
  w.out.set_control(control);
  float deepest = 0;
  for (long i = 0; i + 1024 <= noise.frames(); i += 1024) {
    w.out.write(noise.frame(i), 1024);
    deepest = std::max(deepest, w.out.limiter_reduction_db());
  }
  EXPECT_LT(w.out.agc_gain_db(), -4.0f);
  EXPECT_GT(deepest, 0.0f);  // −8 LUFS pink noise has peaks over the ceiling before the AGC acts
  w.out.close();
  EXPECT_EQ(w.capture->samples.size(), static_cast<std::size_t>(noise.frames() / 1024 * 1024 * 2));
}

TEST(ProcessedOutput, ForwardsTheSinksProperties) {
  Wrapped w;
  EXPECT_EQ(w.out.describe(), "capture");
  EXPECT_FALSE(w.out.realtime());
  EXPECT_FALSE(w.out.stamp());
  EXPECT_EQ(w.out.latency(), 0);
  w.out.open({44100, 1});
  EXPECT_GT(w.out.latency(), 50);
  w.out.close();
  EXPECT_THROW(ProcessedOutput(nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace onair

// Loudness measurement (player/loudness/scan) against ffmpeg's ebur128 filter on generated
// audio, cue ranges, digital silence, and the probe cache keeping measurements.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>

#include "loudness/ffmpeg_ebur128.hpp"
#include "player/decode/probe_cache.hpp"
#include "player/decode/prober.hpp"
#include "player/loudness/scan.hpp"
#include "support/test_media.hpp"

namespace onair::test {
namespace {

namespace fs = std::filesystem;

void ffmpeg(const std::string& args) {
  ASSERT_EQ(run("ffmpeg -hide_banner -loglevel error -y " + args), 0) << args;
}

void expect_like_ffmpeg(const fs::path& file) {
  const auto ref = ffmpeg_ebur128(file);
  ASSERT_TRUE(ref) << "ffmpeg ebur128 on " << file;
  const LoudnessMeasure m = scan_loudness(file, CueRange{});
  EXPECT_NEAR(m.integrated_lufs, ref->i, 0.1) << file;
  // ffmpeg prints LRA to 0.1 LU and bins its short-term histogram its own way.
  EXPECT_NEAR(m.range_lu, ref->lra, 0.3) << file;
  EXPECT_NEAR(m.true_peak_dbtp, ref->peak, 0.2) << file;
}

class ScanTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(ScanTest, PinkNoiseStereoMatchesFfmpeg) {
  const fs::path f = dir_ / "pink.wav";
  ffmpeg("-f lavfi -i anoisesrc=color=pink:amplitude=0.4:duration=20:seed=7 -ac 2 -ar 48000 " + shell_quote(f.string()));
  expect_like_ffmpeg(f);
}

TEST_F(ScanTest, TonesMatchFfmpeg) {
  // Mono 44.1 kHz and a stereo 1 kHz tone whose level steps (a non-zero loudness range).
  const fs::path mono = dir_ / "tone.wav", steps = dir_ / "steps.flac";
  make_tone(mono, 997, 12, "-ar 44100 -ac 1");
  ffmpeg("-f lavfi -i \"sine=frequency=1000:duration=30,volume='if(lt(t,10),0.05,if(lt(t,20),0.5,0.2))':eval=frame\" "
         "-ac 2 -ar 48000 " + shell_quote(steps.string()));
  expect_like_ffmpeg(mono);
  expect_like_ffmpeg(steps);
}

TEST_F(ScanTest, VietnameseSpeechMatchesFfmpeg) {
  const fs::path f = dir_ / "speech.wav";
  ASSERT_EQ(run("espeak-ng -v vi -w " + shell_quote(f.string()) +
                " 'UBND xã thông báo lịch tiêm phòng ngày hai mươi sáu tháng mười một. Bà con mang theo sổ tiêm chủng.'"),
            0);
  expect_like_ffmpeg(f);
}

TEST_F(ScanTest, Mp3MatchesFfmpeg) {
  const fs::path f = dir_ / "noise.mp3";
  ffmpeg("-f lavfi -i anoisesrc=color=pink:amplitude=0.7:duration=25:seed=3 -ac 2 -ar 44100 -c:a libmp3lame -b:a 128k " +
         shell_quote(f.string()));
  expect_like_ffmpeg(f);
}

TEST_F(ScanTest, CueRangeMeasuresOnlyThatPart) {
  // 10 s of a quiet tone, then 10 s of loud pink noise: the ranges measure very differently.
  const fs::path f = dir_ / "two.wav";
  ffmpeg("-f lavfi -i sine=frequency=440:duration=10 -f lavfi -i anoisesrc=color=pink:amplitude=0.8:duration=10:seed=1 "
         "-filter_complex \"[0]volume=0.05,aformat=channel_layouts=mono[a];[1]aformat=channel_layouts=mono[b];"
         "[a][b]concat=n=2:v=0:a=1\" -ar 48000 " + shell_quote(f.string()));
  const auto quiet = ffmpeg_ebur128(f, "-t 10");
  const auto loud = ffmpeg_ebur128(f, "-ss 12 -t 6");
  ASSERT_TRUE(quiet && loud);
  ASSERT_GT(loud->i - quiet->i, 10.0);
  const LoudnessMeasure q = scan_loudness(f, CueRange{0, 10'000'000});
  const LoudnessMeasure l = scan_loudness(f, CueRange{12'000'000, 18'000'000});
  EXPECT_NEAR(q.integrated_lufs, quiet->i, 0.1);
  EXPECT_NEAR(l.integrated_lufs, loud->i, 0.1);
  EXPECT_NEAR(l.true_peak_dbtp, loud->peak, 0.2);
}

TEST_F(ScanTest, DigitalSilenceIsMinusInfinity) {
  const fs::path f = dir_ / "silence.wav";
  ffmpeg("-f lavfi -i anullsrc=r=48000:cl=stereo -t 5 " + shell_quote(f.string()));
  const LoudnessMeasure m = scan_loudness(f, CueRange{});
  EXPECT_TRUE(std::isinf(m.integrated_lufs) && m.integrated_lufs < 0);
  EXPECT_TRUE(std::isinf(m.true_peak_dbtp) && m.true_peak_dbtp < 0);
}

TEST_F(ScanTest, ProgressIsReported) {
  const fs::path f = dir_ / "long.wav";
  make_tone(f, 440, 30, "-ar 8000 -ac 1");
  ScanOptions o;
  std::chrono::microseconds last{0}, total{0};
  int calls = 0;
  o.progress = [&](std::chrono::microseconds done, std::chrono::microseconds t) { last = done, total = t, ++calls; };
  scan_loudness(f, CueRange{}, o);
  EXPECT_GE(calls, 3);
  EXPECT_NEAR(last.count() / 1e6, 30.0, 0.01);
  EXPECT_NEAR(total.count() / 1e6, 30.0, 0.01);
}

TEST_F(ScanTest, UndecodableFileIsNotMeasured) {
  const fs::path f = dir_ / "junk.mp3";
  write_file(f, std::string(5000, 'x'));
  FfmpegProber prober;
  EXPECT_FALSE(prober.measure(f, CueRange{}));
}

// The real prober, counting its scans; `fail` makes every scan fail instead.
class CountingProber : public MediaProber {
 public:
  explicit CountingProber(std::atomic<int>& scans, bool fail = false) : scans_(scans), fail_(fail) {}
  MediaInfo probe(const fs::path& f) override { return real_.probe(f); }
  std::optional<LoudnessMeasure> measure(const fs::path& f, CueRange r) override {
    ++scans_;
    if (fail_) return std::nullopt;
    return real_.measure(f, r);
  }

 private:
  FfmpegProber real_;
  std::atomic<int>& scans_;
  bool fail_;
};

TEST_F(ScanTest, CacheKeepsMeasurementsUntilTheFileChanges) {
  const fs::path f = dir_ / "item.wav", cache_file = dir_ / "cache.json";
  ffmpeg("-f lavfi -i anoisesrc=color=pink:amplitude=0.2:duration=8:seed=5 -ac 2 " + shell_quote(f.string()));
  std::atomic<int> scans{0};
  double first = 0;
  {
    ProbeCache cache(std::make_unique<CountingProber>(scans), cache_file);
    ASSERT_TRUE(cache.probe(f).ok);
    const auto m = cache.measure(f, CueRange{});
    ASSERT_TRUE(m);
    first = m->integrated_lufs;
    EXPECT_EQ(scans, 1);
    EXPECT_EQ(cache.measure(f, CueRange{})->integrated_lufs, first);  // same process: from memory
    EXPECT_EQ(scans, 1);
    // Another range of the same file is its own measurement.
    ASSERT_TRUE(cache.measure(f, CueRange{1'000'000, 5'000'000}));
    EXPECT_EQ(scans, 2);
  }
  {
    // A new run whose scans would all fail: the saved measurements are used.
    std::atomic<int> failing{0};
    ProbeCache cache(std::make_unique<CountingProber>(failing, true), cache_file);
    EXPECT_EQ(cache.probe(f).loudness.size(), 2u);
    const auto m = cache.measure(f, CueRange{});
    ASSERT_TRUE(m);
    EXPECT_EQ(m->integrated_lufs, first);
    EXPECT_EQ(failing, 0);
    EXPECT_EQ(cache.counters().measure_hits, 1);
  }
  // The file changes (louder, longer): measured again.
  ffmpeg("-f lavfi -i anoisesrc=color=pink:amplitude=0.6:duration=9:seed=5 -ac 2 " + shell_quote(f.string()));
  {
    std::atomic<int> again{0};
    ProbeCache cache(std::make_unique<CountingProber>(again), cache_file);
    const auto m = cache.measure(f, CueRange{});
    ASSERT_TRUE(m);
    EXPECT_EQ(again, 1);
    EXPECT_GT(m->integrated_lufs, first + 5.0);
    EXPECT_EQ(cache.probe(f).loudness.size(), 1u);  // the old file's other range is gone
  }
}

TEST_F(ScanTest, SilenceSurvivesTheCacheFile) {
  const fs::path f = dir_ / "silence.wav", cache_file = dir_ / "cache.json";
  ffmpeg("-f lavfi -i anullsrc=r=48000:cl=mono -t 3 " + shell_quote(f.string()));
  std::atomic<int> scans{0};
  { ProbeCache(std::make_unique<CountingProber>(scans), cache_file).measure(f, CueRange{}); }
  ProbeCache cache(std::make_unique<CountingProber>(scans, true), cache_file);
  const auto m = cache.measure(f, CueRange{});
  ASSERT_TRUE(m);
  EXPECT_TRUE(std::isinf(m->integrated_lufs));
  EXPECT_EQ(scans, 1);
}

}  // namespace
}  // namespace onair::test

#include "player/output/wav.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <vector>

#include "support/test_media.hpp"

namespace onair {
namespace {

using test::capture;
using test::shell_quote;

// Deterministic test signal with the exact edge values a converter could get wrong.
std::vector<float> signal(FrameCount frames, int channels) {
  std::vector<float> s(static_cast<std::size_t>(frames * channels));
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = 0.9f * std::sin(0.01f * float(i)) * (i % 2 ? -1.0f : 1.0f);
  const float edges[] = {1.0f, -1.0f, 0.5f, -0.5f, 0.0f, 1.0f / 32767.0f};
  for (std::size_t i = 0; i < std::size(edges) && i < s.size(); ++i) s[i] = edges[i];
  return s;
}

// Writes in irregular blocks, as the engine does.
void write_all(Output& out, const std::vector<float>& s, int channels) {
  const FrameCount total = static_cast<FrameCount>(s.size()) / channels;
  FrameCount at = 0;
  for (FrameCount n = 1; at < total; n = n * 3 % 4097 + 1) {
    const FrameCount k = std::min(n, total - at);
    out.write(s.data() + at * channels, k);
    at += k;
  }
}

std::string probe(const std::filesystem::path& f, const std::string& entry) {
  auto r = capture("ffprobe -v error -select_streams a:0 -show_entries stream=" + entry +
                       " -of default=nw=1:nk=1 " + shell_quote(f.string()), false);
  EXPECT_EQ(r.exit_code, 0);
  while (!r.output.empty() && std::isspace(static_cast<unsigned char>(r.output.back()))) r.output.pop_back();
  return r.output;
}

// Decodes with ffmpeg to raw samples of the given ffmpeg format (f32le / s16le).
template <class T>
std::vector<T> decode(const std::filesystem::path& f, const std::string& raw) {
  auto r = capture("ffmpeg -nostdin -v error -i " + shell_quote(f.string()) + " -f " + raw + " -", false);
  EXPECT_EQ(r.exit_code, 0);
  std::vector<T> out(r.output.size() / sizeof(T));
  std::memcpy(out.data(), r.output.data(), out.size() * sizeof(T));
  return out;
}

std::string head4(const std::filesystem::path& f) {
  std::ifstream in(f, std::ios::binary);
  std::string s(4, '\0');
  in.read(s.data(), 4);
  return s;
}

TEST(WavOutput, Float32IsBitExactWithExactFrameCount) {
  test::TempDir dir;
  const auto path = dir / "out.wav";
  constexpr FrameCount kFrames = 12345;
  const auto s = signal(kFrames, 2);
  {
    WavOutput out({.path = path});
    EXPECT_EQ(out.open({48000, 2}), (AudioFormat{48000, 2}));
    EXPECT_FALSE(out.realtime());
    write_all(out, s, 2);
    EXPECT_FALSE(out.stamp().has_value()) << "free-running sinks use the virtual clock";
    out.close();
    EXPECT_EQ(out.stats().written, kFrames);
  }
  EXPECT_EQ(head4(path), "RIFF");
  EXPECT_EQ(probe(path, "codec_name"), "pcm_f32le");
  EXPECT_EQ(probe(path, "sample_rate"), "48000");
  EXPECT_EQ(probe(path, "channels"), "2");
  EXPECT_EQ(probe(path, "duration_ts"), std::to_string(kFrames));
  EXPECT_EQ(decode<float>(path, "f32le"), s);
  const auto sox = capture("sox --i -s " + shell_quote(path.string()));
  EXPECT_EQ(sox.exit_code, 0) << sox.output;
  EXPECT_EQ(std::stoll(sox.output), kFrames);
}

TEST(WavOutput, Pcm16RoundsAndClips) {
  test::TempDir dir;
  const auto path = dir / "out16.wav";
  auto s = signal(4800, 1);
  s[6] = 1.7f;   // clipped
  s[7] = -3.0f;  // clipped
  s[8] = NAN;    // written as silence
  {
    WavOutput out({.path = path, .sample_format = WavSampleFormat::pcm16});
    out.open({44100, 1});
    write_all(out, s, 1);
  }  // the destructor closes
  EXPECT_EQ(probe(path, "codec_name"), "pcm_s16le");
  EXPECT_EQ(probe(path, "sample_rate"), "44100");
  EXPECT_EQ(probe(path, "duration_ts"), "4800");
  const auto got = decode<std::int16_t>(path, "s16le");
  ASSERT_EQ(got.size(), s.size());
  EXPECT_EQ(got[0], 32767);
  EXPECT_EQ(got[1], -32767);
  EXPECT_EQ(got[2], 16384);  // lrint(0.5 * 32767) = 16384 (ties to even)
  EXPECT_EQ(got[5], 1);
  EXPECT_EQ(got[6], 32767);
  EXPECT_EQ(got[7], -32767);
  EXPECT_EQ(got[8], 0);
  for (std::size_t i = 9; i < s.size(); ++i)
    ASSERT_EQ(got[i], static_cast<std::int16_t>(std::lrintf(s[i] * 32767.0f))) << i;
  const auto sox = capture("sox --i -s " + shell_quote(path.string()));
  EXPECT_EQ(std::stoll(sox.output), 4800);
}

TEST(WavOutput, HeaderIsFixedUpWhileWritingSoACrashLeavesAReadableFile) {
  test::TempDir dir;
  const auto path = dir / "live.wav";
  WavOutput out({.path = path, .header_interval = std::chrono::milliseconds(100)});
  out.open({48000, 2});
  const std::vector<float> block(4800 * 2, 0.25f);  // 100 ms
  for (int i = 0; i < 3; ++i) out.write(block.data(), 4800);
  out.write(block.data(), 2400);  // not yet covered by a fix-up
  // The file is still open (as if the process died now): readers see the fixed-up part.
  EXPECT_EQ(probe(path, "duration_ts"), "14400");
  const auto got = decode<float>(path, "f32le");
  ASSERT_EQ(got.size(), 14400u * 2);
  EXPECT_EQ(got.back(), 0.25f);
  out.close();
  EXPECT_EQ(probe(path, "duration_ts"), "16800");
}

// The real switch happens past 4 GiB; the threshold is lowered so the test stays small.
TEST(WavOutput, BecomesRf64PastTheRiffLimit) {
  test::TempDir dir;
  const auto path = dir / "big.wav";
  const auto s = signal(3000, 2);
  {
    WavOutput out({.path = path, .rf64_threshold = 8000});
    out.open({48000, 2});
    write_all(out, s, 2);
    out.close();
  }
  EXPECT_EQ(head4(path), "RF64");
  EXPECT_EQ(probe(path, "duration_ts"), "3000");
  EXPECT_EQ(decode<float>(path, "f32le"), s);
  const auto sox = capture("sox --i -s " + shell_quote(path.string()));
  EXPECT_EQ(sox.exit_code, 0) << sox.output;
  EXPECT_EQ(std::stoll(sox.output), 3000);
}

TEST(WavOutput, SmallFilesStayRiffWithTheJunkPlaceholder) {
  test::TempDir dir;
  const auto path = dir / "small.wav";
  {
    WavOutput out({.path = path, .sample_format = WavSampleFormat::pcm16});
    out.open({48000, 2});
  }
  EXPECT_EQ(head4(path), "RIFF");
  EXPECT_EQ(probe(path, "codec_name"), "pcm_s16le");
  EXPECT_EQ(std::stoll(capture("sox --i -s " + shell_quote(path.string())).output), 0);
  EXPECT_EQ(std::filesystem::file_size(path), 80u);  // 12 RIFF + 36 JUNK + 24 fmt + 8 data
}

TEST(WavOutput, UnwritablePathIsAnOutputError) {
  WavOutput out({.path = "/nonexistent-dir/x.wav"});
  EXPECT_THROW(out.open({48000, 2}), OutputError);
  const float f[2] = {};
  EXPECT_THROW(out.write(f, 1), OutputError);
}

TEST(WavOutput, RealtimeModeIsPacedByTheInjectedClock) {
  test::TempDir dir;
  ManualSleeper clock;
  WavOutput out({.path = dir / "rt.wav", .realtime = true, .sleeper = &clock,
                 .buffer = std::chrono::milliseconds(0)});
  out.open({48000, 2});
  const MonoTime t0 = clock.now();
  const std::vector<float> block(480 * 2, 0.0f);
  for (int i = 0; i < 100; ++i) out.write(block.data(), 480);
  EXPECT_EQ(clock.now() - t0, std::chrono::seconds(1));
  ASSERT_TRUE(out.stamp().has_value());
  EXPECT_EQ(out.stamp()->frame, 48000);
  EXPECT_EQ(out.stamp()->time, t0 + std::chrono::seconds(1));
}

}  // namespace
}  // namespace onair

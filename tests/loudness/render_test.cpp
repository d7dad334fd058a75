// `onair render` with `loudness:` on: items recorded at -10, -23 and -32 LUFS air at the
// -16 LUFS target; an item with `loudness: off` passes through bit-exact; a relay (which
// cannot be measured ahead) at -8 LUFS is brought to the target by the master AGC.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "loudness/ffmpeg_ebur128.hpp"
#include "support/stream_server.hpp"
#include "support/test_media.hpp"

namespace onair::test {
namespace {

namespace fs = std::filesystem;

// Pink noise at `lufs` (scaled from a first measurement, then checked).
void pink_at(const fs::path& out, double lufs, int seed) {
  const fs::path raw = out.parent_path() / ("raw-" + out.filename().string());
  ASSERT_EQ(run("ffmpeg -hide_banner -loglevel error -y -f lavfi -i anoisesrc=color=pink:amplitude=0.3:duration=10:seed=" +
                std::to_string(seed) + " -ac 2 -ar 48000 -c:a pcm_f32le " + shell_quote(raw.string())),
            0);
  const auto base = ffmpeg_ebur128(raw);
  ASSERT_TRUE(base);
  ASSERT_EQ(run("ffmpeg -hide_banner -loglevel error -y -i " + shell_quote(raw.string()) + " -af volume=" +
                std::to_string(lufs - base->i) + "dB -c:a pcm_f32le " + shell_quote(out.string())),
            0);
  const auto check = ffmpeg_ebur128(out);
  ASSERT_TRUE(check);
  ASSERT_NEAR(check->i, lufs, 0.1) << out;
}

std::string raw_f32(const fs::path& file, const std::string& input_args, const fs::path& out) {
  EXPECT_EQ(run("ffmpeg -hide_banner -loglevel error -y " + input_args + " -i " + shell_quote(file.string()) +
                " -f f32le -c:a pcm_f32le " + shell_quote(out.string())),
            0);
  std::ifstream in(out, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(LoudnessRender, ItemsAirAtTheTargetAndOffIsBitExact) {
  TempDir dir;
  fs::create_directories(dir / "media");
  pink_at(dir / "media/hot.wav", -10, 1);
  pink_at(dir / "media/news.wav", -23, 2);
  pink_at(dir / "media/phone.wav", -32, 3);
  // A quiet bed that would get +9 dB if it were normalised.
  ASSERT_EQ(run("ffmpeg -hide_banner -loglevel error -y -f lavfi -i sine=frequency=300:duration=10 -af volume=0.1 "
                "-ac 2 -ar 48000 -c:a pcm_f32le " + shell_quote((dir / "media/bed.wav").string())),
            0);
  write_file(dir / "schedules/2011-11-26.yaml", R"(timezone: UTC
loudness: { target: -16, true_peak: -1, max_gain: 20 }
programs:
  - id: day
    at: "06:00"
    items:
      - file: hot.wav
      - file: news.wav
      - file: phone.wav
      - file: bed.wav
        loudness: off
)");
  const auto r = capture("ONAIR_CACHE_DIR=" + shell_quote((dir / "cache").string()) + " " + ONAIR_BINARY + " render " +
                         shell_quote((dir / "schedules/2011-11-26.yaml").string()) +
                         " --from 06:00 --to 06:00:40 --out " + shell_quote((dir / "out.wav").string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const fs::path out = dir / "out.wav";
  for (int i = 0; i < 3; ++i) {
    const auto m = ffmpeg_ebur128(out, "-ss " + std::to_string(i * 10) + " -t 10");
    ASSERT_TRUE(m);
    EXPECT_NEAR(m->i, -16.0, 0.5) << "item " << i;
    EXPECT_LE(m->peak, -1.0 + 0.2) << "item " << i;
  }
  const std::string aired = raw_f32(out, "-ss 30 -t 10", dir / "aired.raw");
  const std::string source = raw_f32(dir / "media/bed.wav", "", dir / "source.raw");
  ASSERT_EQ(aired.size(), source.size());
  EXPECT_TRUE(aired == source) << "the bed was not passed through bit-exact";
}

// A relay of a hot stream (-8 LUFS pink noise from an Icecast-like server): nothing could
// be measured ahead, so the AGC on the master bus brings it down; after 10 s it airs within
// 2 LU of the target and its true peak stays under the ceiling all along.
TEST(LoudnessRender, AHotRelaySettlesAtTheTargetWithinTenSeconds) {
  TempDir dir;
  fs::create_directories(dir / "media");
  pink_at(dir / "media/hot.wav", -8, 4);
  ASSERT_EQ(run("ffmpeg -hide_banner -loglevel error -y -i " + shell_quote((dir / "media/hot.wav").string()) +
                " -c:a pcm_s16le " + shell_quote((dir / "media/stream.wav").string())),
            0);  // the server streams 16-bit WAV
  // Sent 4x real time: the render takes what comes, so the test does not wait 30 s.
  StreamServer server({(dir / "media/stream.wav").string(), "--rate", "4", "--burst", "2"});
  write_file(dir / "schedules/2011-11-26.yaml", "timezone: UTC\nloudness: { target: -16, true_peak: -1 }\n"
                                                "programs:\n  - id: relay\n    at: \"06:00\"\n    items:\n"
                                                "      - relay: " + server.url() + "\n        duration: 30\n");
  const auto r = capture("ONAIR_CACHE_DIR=" + shell_quote((dir / "cache").string()) + " " + ONAIR_BINARY + " render " +
                         shell_quote((dir / "schedules/2011-11-26.yaml").string()) +
                         " --from 06:00 --to 06:00:30 --out " + shell_quote((dir / "out.wav").string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const fs::path out = dir / "out.wav";
  const auto first = ffmpeg_ebur128(out, "-t 3");
  ASSERT_TRUE(first);
  EXPECT_GT(first->i, -14.0) << "the stream aired at the target from the start: was it hot?";
  const auto settled = ffmpeg_ebur128(out, "-ss 10 -t 20");
  ASSERT_TRUE(settled);
  EXPECT_NEAR(settled->i, -16.0, 2.0);
  const auto all = ffmpeg_ebur128(out);
  ASSERT_TRUE(all);
  EXPECT_LE(all->peak, -1.0 + 0.2);
  std::printf("relay at -8 LUFS: first 3 s %.1f LUFS, 10-30 s %.1f LUFS, true peak %.1f dBTP\n", first->i,
              settled->i, all->peak);
}

}  // namespace
}  // namespace onair::test

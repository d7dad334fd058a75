// What aired is measured on the output: each ended as-run record of `onair render` carries
// the integrated loudness and true peak of the item as it went out (after the master
// processor), equal to ffmpeg's ebur128 filter on the same audio; a peaky item never goes
// out above the limiter's ceiling.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <regex>

#include "support/test_media.hpp"

using namespace onair::test;

namespace {

struct Ebur128 {
  double integrated = 0.0, true_peak = 0.0;
};

// ffmpeg's summary of `input_args` (a file, optionally with -ss/-t before -i).
Ebur128 ffmpeg_ebur128(const std::string& input_args) {
  const auto r = capture("ffmpeg -nostdin -hide_banner " + input_args + " -af ebur128=peak=true -f null - 2>&1");
  Ebur128 m;
  std::smatch s;
  const std::regex i(R"(\n\s+I:\s+(-?[0-9.]+|-inf) LUFS)"), p(R"(\n\s+Peak:\s+(-?[0-9.]+|-inf) dBFS)");
  if (!std::regex_search(r.output, s, i)) throw std::runtime_error("no I in ffmpeg's output:\n" + r.output);
  m.integrated = s[1] == "-inf" ? -HUGE_VAL : std::stod(s[1]);
  if (!std::regex_search(r.output, s, p)) throw std::runtime_error("no Peak in ffmpeg's output:\n" + r.output);
  m.true_peak = s[1] == "-inf" ? -HUGE_VAL : std::stod(s[1]);
  return m;
}

struct AsRunLoudness : ::testing::Test {
  TempDir dir;
  CommandResult onair(const std::string& args) {
    return capture("ONAIR_CACHE_DIR=" + shell_quote((dir / "cache").string()) + " " + ONAIR_BINARY + " " + args, true);
  }
  std::string q(const std::string& rel) { return shell_quote((dir / rel).string()); }
  void make(const std::string& name, const std::string& lavfi, const std::string& filters) {
    std::filesystem::create_directories(dir / "media");
    ASSERT_EQ(capture("ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i " + shell_quote(lavfi) + " -af " +
                      shell_quote(filters) + " -ar 48000 -ac 2 -c:a pcm_f32le " + q("media/" + name))
                  .exit_code,
              0);
  }
  std::vector<nlohmann::json> ended(const std::string& rel) {
    std::vector<nlohmann::json> out;
    for (auto& j : read_json_lines(dir / rel))
      if (!j.contains("event")) out.push_back(j);
    return out;
  }
};

TEST_F(AsRunLoudness, EachRecordCarriesWhatTheOutputMeasuredOverTheItem) {
  // Three items back to back with different loudness: pink noise, a tone, quiet speech-like noise.
  make("noise.wav", "anoisesrc=color=pink:sample_rate=48000:duration=6:seed=3", "volume=-8dB");
  make("tone.wav", "sine=frequency=1000:sample_rate=48000:duration=4", "volume=-6dB");
  make("quiet.wav", "anoisesrc=color=brown:sample_rate=48000:duration=5:seed=7", "volume=-24dB");
  write_file(dir / "schedules/2011-11-26.yaml",
             "timezone: UTC\nprograms:\n  - id: m\n    at: \"06:00:00\"\n    items:\n"
             "      - file: noise.wav\n      - file: tone.wav\n      - file: quiet.wav\n");
  auto r = onair("render " + q("schedules/2011-11-26.yaml") + " --from 06:00 --to 06:00:16 --out " + q("out.wav") +
                 " --asrun " + q("asrun.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto records = ended("asrun.jsonl");
  ASSERT_EQ(records.size(), 3u);
  const char* files[] = {"noise.wav", "tone.wav", "quiet.wav"};
  const double starts[] = {0, 6, 10}, lengths[] = {6, 4, 5};
  for (int i = 0; i < 3; ++i) {
    const auto& rec = records[static_cast<std::size_t>(i)];
    ASSERT_TRUE(rec.contains("lufs") && rec["lufs"].is_number()) << rec.dump();
    ASSERT_TRUE(rec.contains("true_peak_db") && rec["true_peak_db"].is_number()) << rec.dump();
    // The same span of what went out (the render), and the source file: all agree.
    const auto out = ffmpeg_ebur128("-ss " + std::to_string(starts[i]) + " -t " + std::to_string(lengths[i]) + " -i " + q("out.wav"));
    const auto src = ffmpeg_ebur128("-i " + q(std::string("media/") + files[i]));
    EXPECT_NEAR(rec["lufs"].get<double>(), out.integrated, 0.15) << files[i] << ": " << rec.dump();
    EXPECT_NEAR(rec["lufs"].get<double>(), src.integrated, 0.15) << files[i];
    EXPECT_NEAR(rec["true_peak_db"].get<double>(), src.true_peak, 0.25) << files[i] << ": " << rec.dump();
  }
  EXPECT_GT(records[0]["lufs"].get<double>() - records[2]["lufs"].get<double>(), 5.0) << "the quiet item should measure quieter";
}

TEST_F(AsRunLoudness, APeakyItemNeverGoesOutAboveTheCeiling) {
  // Pink noise driven 6 dB over full scale (float WAV keeps it): the limiter holds −1 dBTP.
  make("hot.wav", "anoisesrc=color=pink:sample_rate=48000:duration=6:seed=5", "volume=+14dB");
  const auto src = ffmpeg_ebur128("-i " + q("media/hot.wav"));
  ASSERT_GT(src.true_peak, 0.0) << "the test item should be over full scale";
  write_file(dir / "schedules/2011-11-26.yaml",
             "timezone: UTC\nprograms:\n  - id: m\n    at: \"06:00:00\"\n    items:\n      - file: hot.wav\n");
  // Silence in front: ffmpeg's true-peak reads high on a loud first sample.
  auto r = onair("render " + q("schedules/2011-11-26.yaml") + " --from 05:59:59 --to 06:00:07 --out " + q("out.wav") +
                 " --asrun " + q("asrun.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto out = ffmpeg_ebur128("-i " + q("out.wav"));
  EXPECT_LE(out.true_peak, -1.0) << "the output went over the ceiling";
  const auto records = ended("asrun.jsonl");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_LE(records[0]["true_peak_db"].get<double>(), -1.0) << records[0].dump();
  EXPECT_GT(records[0]["true_peak_db"].get<double>(), -3.0) << "limited to the ceiling, not far below: " << records[0].dump();
}

}  // namespace

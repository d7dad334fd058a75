// `onair check` and `onair plan` (text and --json) with `loudness:` on: each item's
// measured loudness, true peak and gain, warnings at the line of an item that cannot reach
// the target, and the probe cache reused on the second check.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_media.hpp"

namespace onair::test {
namespace {

namespace fs = std::filesystem;

struct LoudnessCli : ::testing::Test {
  TempDir dir;
  void SetUp() override {
    fs::create_directories(dir / "media");
    auto ff = [&](const std::string& args, const std::string& out) {
      ASSERT_EQ(run("ffmpeg -hide_banner -loglevel error -y " + args + " " + shell_quote((dir / "media" / out).string())), 0);
    };
    ff("-f lavfi -i anoisesrc=color=pink:amplitude=0.5:duration=6:seed=1 -ac 2", "speech.wav");
    ff("-f lavfi -i anoisesrc=color=pink:amplitude=0.02:duration=6:seed=2 -ac 2", "phone.wav");  // far too quiet
    ff("-f lavfi -i anullsrc=r=48000:cl=stereo -t 4", "silence.wav");
    write_file(dir / "schedules/2011-11-26.yaml", R"(timezone: UTC
loudness: { target: -16, true_peak: -1, max_gain: 12 }
programs:
  - id: day
    at: "06:00"
    items:
      - file: speech.wav
      - file: phone.wav
      - file: silence.wav
      - file: speech.wav
        loudness: off
)");
  }
  CommandResult onair(const std::string& args) {
    return capture("ONAIR_CACHE_DIR=" + shell_quote((dir / "cache").string()) + " " + ONAIR_BINARY + " " + args +
                   " " + shell_quote((dir / "schedules/2011-11-26.yaml").string()));
  }
};

TEST_F(LoudnessCli, CheckWarnsAtTheItemsLine) {
  const auto r = onair("check");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::string file = (dir / "schedules/2011-11-26.yaml").string();
  EXPECT_NE(r.output.find(file + ":8:9: warning: 'phone.wav' measures"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("max_gain allows +12 dB"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(file + ":9:9: warning: 'silence.wav' is digital silence"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("'speech.wav' measures"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("2 warnings"), std::string::npos) << r.output;
}

TEST_F(LoudnessCli, PlanShowsLoudnessAndGain) {
  const auto j = onair("plan --json");
  ASSERT_EQ(j.exit_code, 0) << j.output;
  const auto start = j.output.find('{');
  ASSERT_NE(start, std::string::npos) << j.output;
  const auto doc = nlohmann::json::parse(j.output.substr(start));
  const auto& items = doc["programs"][0]["items"];
  ASSERT_EQ(items.size(), 4u);
  const auto& speech = items[0]["loudness"];
  EXPECT_EQ(speech["mode"], "measured");
  EXPECT_TRUE(speech["reaches_target"].get<bool>());
  EXPECT_NEAR(speech["lufs"].get<double>() + speech["gain_db"].get<double>(), -16.0, 1e-9);
  EXPECT_LT(speech["true_peak_db"].get<double>(), 0.0);
  EXPECT_EQ(items[1]["loudness"]["capped_by"], "max_gain");
  EXPECT_DOUBLE_EQ(items[1]["loudness"]["gain_db"].get<double>(), 12.0);
  EXPECT_TRUE(items[2]["loudness"]["lufs"].is_null());  // -inf
  EXPECT_EQ(items[2]["loudness"]["capped_by"], "silence");
  EXPECT_EQ(items[3]["loudness"]["mode"], "off");

  const auto t = onair("plan");
  ASSERT_EQ(t.exit_code, 0) << t.output;
  EXPECT_NE(t.output.find("LUFS, LRA"), std::string::npos) << t.output;
  EXPECT_NE(t.output.find("→ gain +12.0 dB (max_gain)"), std::string::npos) << t.output;
  EXPECT_NE(t.output.find("-inf LUFS"), std::string::npos) << t.output;
}

TEST_F(LoudnessCli, SecondCheckUsesTheCache) {
  ASSERT_EQ(onair("check").exit_code, 0);
  const auto cache = read_json_lines(dir / "cache/probe-cache.json");
  ASSERT_EQ(cache.size(), 1u);
  const auto& entry = cache[0]["entries"][(dir / "media/phone.wav").string()];
  ASSERT_TRUE(entry.contains("loudness")) << cache[0].dump();
  // Make the cached figure visibly different: the next check must show it, not re-measure.
  auto doc = cache[0];
  doc["entries"][(dir / "media/phone.wav").string()]["loudness"][0]["lufs"] = -99.0;
  write_file(dir / "cache/probe-cache.json", doc.dump());
  const auto r = onair("check");
  EXPECT_NE(r.output.find("'phone.wav' measures -99.0 LUFS"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace onair::test

// Spoken time through the command line (issue 15): `check` renders the slot's readings once,
// `render` says the time the item airs at — after a soft start that waited, and the same
// when the render joins late — with real espeak-ng, and what follows starts on its frame.
#include <gtest/gtest.h>

#include "speech/speech_audio.hpp"
#include "support/test_media.hpp"

using namespace onair::test;

namespace {

struct SpokenTimeDay : ::testing::Test {
  TempDir dir;
  CommandResult onair(const std::string& args, bool merge = true) {
    return capture("ONAIR_CACHE_DIR=" + shell_quote((dir / "cache").string()) + " " + ONAIR_BINARY + " " + args, merge);
  }
  std::string day() { return shell_quote((dir / "schedules/2011-11-26.yaml").string()); }
  std::size_t rendered() {
    std::size_t n = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir / "cache/speech", ec)) n += e.path().extension() == ".wav";
    return n;
  }
  void SetUp() override {
    make_tone(dir / "media/music.wav", 440, 125, "-c:a pcm_f32le");
    make_tone(dir / "media/tone.wav", 1000, 2, "-c:a pcm_f32le");
    // The music runs to 06:02:05: the soft-started news waits for it.
    write_file(dir / "schedules/2011-11-26.yaml", R"(timezone: Asia/Ho_Chi_Minh
programs:
  - {id: music, at: "06:00", items: [{file: music.wav}]}
  - id: news
    at: "06:01"
    start: soft
    items:
      - say_time: "Bây giờ là {H} giờ {M} phút {buổi}"
        voice: vi-VN-x-central
      - file: tone.wav
)");
  }

  // Renders from `from` to 06:02:20; the as-run end records, the audio from `from`.
  std::vector<nlohmann::json> render(const std::string& from, std::vector<float>& audio) {
    std::filesystem::remove(dir / "asrun.jsonl");  // the log appends
    auto r = onair("render " + day() + " --from " + from + " --to 06:02:20 --out " + shell_quote((dir / "out.wav").string()) +
                   " --asrun " + shell_quote((dir / "asrun.jsonl").string()));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    audio = samples_of(dir / "out.wav");
    std::vector<nlohmann::json> ends;
    for (auto& j : read_json_lines(dir / "asrun.jsonl"))
      if (j.contains("status")) ends.push_back(j);
    return ends;
  }
};

}  // namespace

TEST_F(SpokenTimeDay, SaysTheTimeItAirsAtAfterASoftStartAndWhenJoinedLate) {
  auto check = onair("check " + day());
  ASSERT_EQ(check.exit_code, 0) << check.output;
  const std::size_t slot_readings = rendered();
  EXPECT_GE(slot_readings, 5u) << "the slot's readings are rendered (and so checked) by check";
  auto again = onair("check " + day() + " --log-level info");
  EXPECT_EQ(again.output.find("rendered "), std::string::npos) << again.output;

  for (const std::string from : {"06:00", "06:01:30"}) {
    std::vector<float> audio;
    const auto ends = render(from, audio);
    ASSERT_EQ(ends.size(), 3u) << from;
    const auto& said = ends[1];
    EXPECT_EQ(said["title"], "Bây giờ là 6 giờ 2 phút sáng") << from;
    EXPECT_EQ(said["source"], "Bây giờ là 6 giờ 2 phút sáng") << from;
    EXPECT_EQ(said["started"], "2011-11-26T06:02:05.000+07:00") << from;
    EXPECT_EQ(said["status"], "played") << said.dump();
    const double origin = since_six("2011-11-26T" + std::string(from.size() == 5 ? from + ":00" : from) + ".000+07:00");
    const double start = since_six(said["started"]) - origin, end = since_six(said["ended"]) - origin;
    EXPECT_GT(end - start, 1.5) << "a reading lasts seconds";
    EXPECT_GT(rms(audio, std::lround(start * kRate), std::lround((end - start) * kRate)), 0.01) << "speech is heard";
    // The slot ends in the silence after the reading; the tone follows on its frame.
    EXPECT_LT(rms(audio, std::lround(end * kRate) - kRate / 5, kRate / 10), 1e-4) << from;
    const long planned = std::lround((since_six(ends[2]["started"]) - origin) * kRate);
    long best = -1;
    double best_misfit = 1e9;
    for (long at = planned - 48; at <= planned + 48; ++at)
      if (double m = misfit_of_tone_at(audio, at); m < best_misfit) best_misfit = m, best = at;
    EXPECT_LT(best_misfit, 0.02) << from;
    EXPECT_LE(std::abs(best - planned), 24) << from;
    EXPECT_EQ(ends[2]["started"], said["ended"]);
  }
  // The time spoken at air is one more reading in the cache (the same for both renders).
  EXPECT_EQ(rendered(), slot_readings + 1);
}

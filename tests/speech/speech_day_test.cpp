// A day with spoken items, through the command line as producers run it: `check` renders the
// speech once (a second check renders nothing), `plan` knows its exact length, `render` airs
// it with every following start on its frame, and a bad voice is an error at its line.
#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <numbers>

#include "speech/speech_audio.hpp"
#include "support/test_media.hpp"

using namespace onair::test;

namespace {

struct SpeechDay : ::testing::Test {
  TempDir dir;
  CommandResult onair(const std::string& args, bool merge = true) {
    return capture("ONAIR_CACHE_DIR=" + shell_quote((dir / "cache").string()) + " " + ONAIR_BINARY + " " + args, merge);
  }
  std::string day(const std::string& name = "2011-11-26.yaml") { return shell_quote((dir / ("schedules/" + name)).string()); }
  std::vector<std::filesystem::path> rendered() {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir / "cache/speech", ec))
      if (e.path().extension() == ".wav") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }
  void SetUp() override {
    make_tone(dir / "media/tone.wav", 1000, 2, "-c:a pcm_f32le");
    write_file(dir / "media/tin/bao.txt", "Dự báo thời tiết: nhiệt độ từ 18 đến 25°C, lượng mưa 45mm.\n");
    write_file(dir / "schedules/2011-11-26.yaml", R"(timezone: Asia/Ho_Chi_Minh
programs:
  - id: tin
    at: "06:00"
    title: "Bản tin sáng"
    items:
      - say: "UBND xã Tân Hòa thông báo: lịch tiêm phòng ngày 28/11/2011 lúc 7h30."
        title: "Thông báo của UBND xã"
        voice: vi-VN-x-central
        rate: 170
      - file: tone.wav
      - say_file: tin/bao.txt
        variant: female
      - file: tone.wav
  - id: next
    at: "06:01:00"
    items:
      - file: tone.wav
)");
  }
};

}  // namespace

TEST_F(SpeechDay, CheckRendersOnceAndTheSecondCheckRendersNothing) {
  auto first = onair("check " + day());
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("ok (2 programmes, 5 items; 0 errors"), std::string::npos) << first.output;
  const auto files = rendered();
  ASSERT_EQ(files.size(), 2u) << "one WAV per spoken item";
  std::vector<std::filesystem::file_time_type> times;
  for (const auto& f : files) times.push_back(std::filesystem::last_write_time(f));

  auto second = onair("check " + day() + " --log-level info");
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(second.output.find("rendered "), std::string::npos) << "nothing is spoken again:\n" << second.output;
  ASSERT_EQ(rendered(), files);
  for (std::size_t i = 0; i < files.size(); ++i) EXPECT_EQ(std::filesystem::last_write_time(files[i]), times[i]);

  // Editing the text renders that item only.
  write_file(dir / "media/tin/bao.txt", "Dự báo thời tiết: trời nắng.\n");
  auto third = onair("check " + day() + " --log-level info");
  ASSERT_EQ(third.exit_code, 0) << third.output;
  EXPECT_EQ(rendered().size(), 3u);
}

TEST_F(SpeechDay, PlanKnowsTheSpokenLengthsAndShowsWhatIsRead) {
  auto r = onair("plan " + day() + " --json", false);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto plan = nlohmann::json::parse(r.output);
  const auto& items = plan["programs"][0]["items"];
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0]["kind"], "say");
  EXPECT_EQ(items[0]["title"], "Thông báo của UBND xã");
  EXPECT_EQ(items[0]["speech"]["voice"], "vi-VN-x-central");
  EXPECT_EQ(items[0]["speech"]["rate_wpm"], 170);
  EXPECT_EQ(items[2]["speech"]["text_file"], "tin/bao.txt");
  EXPECT_EQ(items[2]["speech"]["variant"], "female");
  // The length is the rendered file's, to the frame (ffprobe's count, not ours).
  for (int k : {0, 2}) {
    const std::string wav = items[k]["source"];
    auto probe = capture("ffprobe -v error -show_entries stream=duration_ts,sample_rate -of csv=p=0 " + shell_quote(wav), false);
    int rate = 0;
    long frames = 0;
    std::sscanf(probe.output.c_str(), "%d,%ld", &rate, &frames);
    ASSERT_GT(frames, rate) << probe.output;
    EXPECT_NEAR(items[k]["length_s"].get<double>(), static_cast<double>(frames) / rate, 1e-5) << wav;
    EXPECT_FALSE(items[k].contains("length_unknown"));
  }
  EXPECT_EQ(items[1]["start"], items[0]["end"]);
  EXPECT_EQ(items[3]["start"], items[2]["end"]);

  auto text = onair("plan " + day(), false);
  EXPECT_NE(text.output.find("Thông báo của UBND xã  ← rendered speech (vi-VN-x-central)"), std::string::npos)
      << text.output;
}

TEST_F(SpeechDay, RenderAirsSpeechAndEveryFollowingStartIsExact) {
  auto r = onair("render " + day() + " --from 06:00 --to 06:01:03 --out " + shell_quote((dir / "out.wav").string()) +
                 " --asrun " + shell_quote((dir / "asrun.jsonl").string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::vector<nlohmann::json> ends;
  for (auto& j : read_json_lines(dir / "asrun.jsonl"))
    if (j.contains("status") && j["status"] != "silence") ends.push_back(j);  // the gap before 06:01 is silence
  ASSERT_EQ(ends.size(), 5u);
  const auto audio = samples_of(dir / "out.wav");
  ASSERT_EQ(audio.size(), 63u * kRate);
  EXPECT_EQ(ends[0]["title"], "Thông báo của UBND xã");
  for (std::size_t k = 0; k < ends.size(); ++k) {
    EXPECT_EQ(ends[k]["status"], "played") << ends[k].dump();
    EXPECT_EQ(ends[k]["offset_ms"], 0) << ends[k].dump();
    EXPECT_EQ(ends[k]["started"], ends[k]["scheduled"]) << ends[k].dump();
  }
  // Speech is heard where it was planned, and each tone starts on its frame.
  for (std::size_t k : {0u, 2u}) {
    const double from = since_six(ends[k]["started"]), to = since_six(ends[k + 1]["started"]);
    EXPECT_GT(to - from, 1.5) << "a spoken item lasts seconds";
    EXPECT_GT(rms(audio, std::lround(from * kRate), std::lround((to - from) * kRate)), 0.01) << "speech at item " << k;
  }
  for (std::size_t k : {1u, 3u, 4u}) {
    // as-run times have milliseconds; the tone's frame is found to the sample around them.
    const long planned = std::lround(since_six(ends[k]["started"]) * kRate);
    long best = -1;
    double best_misfit = 1e9;
    for (long at = planned - 48; at <= planned + 48; ++at)
      if (double m = misfit_of_tone_at(audio, at); m < best_misfit) best_misfit = m, best = at;
    EXPECT_LT(best_misfit, 0.02) << "item " << k;
    EXPECT_LE(std::abs(best - planned), 24) << "item " << k << " starts within its as-run millisecond";
  }
}

TEST_F(SpeechDay, BadSpeechSettingsAreErrorsAtTheirLines) {
  write_file(dir / "schedules/2011-11-27.yaml", R"(programs:
  - at: "06:00"
    items:
      - say: "Xin chào."
        voice: vi-north
      - say: "Xin chào."
        rate: 1000
      - say_file: tin/none.txt
      - say: "Xin chào."
        in: 2
      - file: tone.wav
        voice: vi
      - say: "   "
)");
  auto r = onair("check " + day("2011-11-27.yaml"), false);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const std::string f = (dir / "schedules/2011-11-27.yaml").string();
  for (const std::string& expected :
       {f + ":5:16: error: unknown voice 'vi-north' (espeak-ng has: vi, vi-VN-x-central, vi-VN-x-south)",
        f + ":7:15: error: 'rate'", f + ":8:19: error: say_file 'tin/none.txt' not found",
        f + ":10:9: error: 'in' does not apply to a say item", f + ":12:9: error: 'voice' does not apply to a file item",
        f + ":13:14: error: 'say' has no text to read"})
    EXPECT_NE(r.output.find(expected), std::string::npos) << expected << "\n" << r.output;
  EXPECT_TRUE(rendered().empty()) << "nothing is rendered for items in error";
}

TEST_F(SpeechDay, SayPrintsTheReadingAndWritesAWav) {
  auto text = onair("say --print-text \"Khóa XIII, ngày 5/3 lúc 14:05, giá 1,5 tỷ đồng\"", false);
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_EQ(text.output,
            "Khóa mười ba, ngày mùng năm tháng ba lúc mười bốn giờ năm phút, giá một phẩy năm tỷ đồng\n");
  auto wav = onair("say \"Xin chào bà con\" --voice vi-VN-x-south --out " + shell_quote((dir / "a.wav").string()));
  ASSERT_EQ(wav.exit_code, 0) << wav.output;
  auto probe = capture("ffprobe -v error -show_entries stream=sample_rate,channels -of csv=p=0 " +
                       shell_quote((dir / "a.wav").string()), false);
  EXPECT_EQ(probe.output, "22050,1\n");
  auto bad = onair("say \"Xin chào\" --voice en");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("unknown voice 'en'"), std::string::npos) << bad.output;
  auto none = onair("say \"\"");
  EXPECT_EQ(none.exit_code, 2) << none.output;
}

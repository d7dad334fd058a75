// `onair render --inject`: a rehearsal of emergency and priority bulletins against a day,
// as the station would air them, read back from the as-run log it writes.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_media.hpp"

using namespace onair::test;
using nlohmann::json;

namespace {

struct RenderInject : ::testing::Test {
  TempDir dir;
  void SetUp() override {
    make_tone(dir / "media/a.wav", 440, 20, "-ac 2 -ar 48000");
    make_tone(dir / "media/em.wav", 1000, 4, "-ac 2 -ar 48000");
  }
  CommandResult render(const std::string& schedule, const std::string& injects) {
    return capture("ONAIR_CACHE_DIR=" + shell_quote((dir / "cache").string()) + " " + ONAIR_BINARY + " render " +
                   shell_quote((dir / "schedules" / schedule).string()) + " --from 06:00 --to 06:01 --out " +
                   shell_quote((dir / "out.wav").string()) + " --asrun " + shell_quote((dir / "asrun.jsonl").string()) +
                   " " + injects);
  }
  // The end records (status set) in order.
  std::vector<json> ends() {
    std::vector<json> out;
    for (auto& r : read_json_lines(dir / "asrun.jsonl"))
      if (r.contains("status")) out.push_back(r);
    return out;
  }
};

// Seconds since midnight of an as-run time "2011-11-26T06:00:27.300+07:00".
double clock_s(const json& t) {
  const std::string s = t.get<std::string>();
  return std::stoi(s.substr(11, 2)) * 3600 + std::stoi(s.substr(14, 2)) * 60 + std::stod(s.substr(17, 6));
}

const char* kHardStartDay = R"(timezone: Asia/Ho_Chi_Minh
programs:
  - id: p1
    at: "06:00"
    items:
      - file: a.wav
      - file: a.wav
  - id: p2
    at: "06:00:30"
    items:
      - file: a.wav
)";

}  // namespace

TEST_F(RenderInject, EmergencyThreeSecondsBeforeAHardStartFinishesAndTheProgrammeJoinsAtItsOffset) {
  write_file(dir / "schedules/2011-11-26.yaml", kHardStartDay);
  auto r = render("2011-11-26.yaml", "--inject 'emergency:em.wav@06:00:27,tone'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto e = ends();
  ASSERT_GE(e.size(), 5u) << r.output;
  // The second item of p1 is cut by the emergency's cut fade.
  EXPECT_EQ(e[1]["status"], "cut");
  EXPECT_EQ(e[1]["detail"], "interrupted by emergency bulletin b-20111126-060027");
  const double cut_end = clock_s(e[1]["ended"]);
  EXPECT_GE(cut_end, 6 * 3600 + 27.0);
  EXPECT_LE(cut_end, 6 * 3600 + 27.35);  // the cut fade, no more
  // Attention tone, then the recording: one airing of bulletin b-20111126-060027.
  for (int k : {2, 3}) {
    EXPECT_EQ(e[k]["program"], "bulletin");
    EXPECT_EQ(e[k]["bulletin"], "b-20111126-060027");
    EXPECT_EQ(e[k]["level"], "emergency");
    EXPECT_EQ(e[k]["airing"], 1);
    EXPECT_EQ(e[k]["status"], "played");
  }
  EXPECT_EQ(e[2]["title"], "Tín hiệu chú ý");
  EXPECT_NEAR(clock_s(e[2]["started"]), cut_end, 0.001);
  EXPECT_NEAR(clock_s(e[3]["started"]), cut_end + 2.2, 0.001);
  EXPECT_NEAR(e[3]["played_s"].get<double>(), 4.0, 0.001);  // the hard start did not cut it
  // p2 was due at 06:00:30 while the emergency aired: it joins where it would be by now.
  const double em_end = clock_s(e[3]["ended"]);
  EXPECT_EQ(e[4]["program"], "p2");
  EXPECT_EQ(e[4]["status"], "joined");
  EXPECT_NEAR(clock_s(e[4]["started"]), em_end, 0.001);
  EXPECT_NEAR(e[4]["offset_ms"].get<double>(), (em_end - (6 * 3600 + 30)) * 1000, 1.0);
}

TEST_F(RenderInject, ASecondEmergencyCutsTheFirstAndTheScheduleRejoinsAfterIt) {
  write_file(dir / "schedules/2011-11-26.yaml", kHardStartDay);
  auto r = render("2011-11-26.yaml", "--inject 'emergency:em.wav@06:00:05' --inject 'emergency:em.wav@06:00:07'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto e = ends();
  ASSERT_GE(e.size(), 4u) << r.output;
  EXPECT_EQ(e[0]["detail"], "interrupted by emergency bulletin b-20111126-060005");
  EXPECT_EQ(e[1]["bulletin"], "b-20111126-060005");
  EXPECT_EQ(e[1]["status"], "cut");
  EXPECT_EQ(e[1]["detail"], "interrupted by emergency bulletin b-20111126-060007");
  EXPECT_EQ(e[2]["bulletin"], "b-20111126-060007");
  EXPECT_EQ(e[2]["status"], "played");
  EXPECT_EQ(e[3]["program"], "p1");
  EXPECT_EQ(e[3]["status"], "joined");
  EXPECT_NEAR(clock_s(e[3]["started"]), clock_s(e[2]["ended"]), 0.001);
  EXPECT_NEAR(e[3]["offset_ms"].get<double>(), (clock_s(e[2]["ended"]) - 6 * 3600) * 1000, 1.0);
}

TEST_F(RenderInject, PriorityAirsAtTheNextItemBoundaryOfTheProgrammeOnAirAsManyTimesAsAsked) {
  write_file(dir / "schedules/2011-11-26.yaml", kHardStartDay);
  auto r = render("2011-11-26.yaml", "--inject 'priority:em.wav@06:00:05,repeat=2'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto e = ends();
  ASSERT_GE(e.size(), 4u) << r.output;
  EXPECT_EQ(e[0]["status"], "played");  // never cut: it waits for the item to end
  for (int k : {1, 2}) {
    EXPECT_EQ(e[k]["program"], "p1");
    EXPECT_EQ(e[k]["bulletin"], "b-20111126-060005");
    EXPECT_EQ(e[k]["level"], "priority");
    EXPECT_EQ(e[k]["airing"], k);
    EXPECT_EQ(e[k]["status"], "played");
  }
  EXPECT_NEAR(clock_s(e[1]["started"]), 6 * 3600 + 20.0, 0.001);
  EXPECT_NEAR(clock_s(e[2]["started"]), 6 * 3600 + 24.0, 0.001);
}

TEST_F(RenderInject, PriorityBetweenProgrammesGoesFirstInTheNext) {
  write_file(dir / "schedules/2011-11-27.yaml", R"(timezone: Asia/Ho_Chi_Minh
programs:
  - id: p1
    at: "06:00"
    items: [{file: a.wav}]
  - id: p2
    at: "06:00:40"
    items: [{file: a.wav}]
)");
  auto r = render("2011-11-27.yaml", "--inject 'priority:em.wav@06:00:25'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto e = ends();
  ASSERT_EQ(e.size(), 4u) << r.output;
  EXPECT_EQ(e[1]["status"], "silence");  // the gap is not filled with it: it waits for p2
  EXPECT_EQ(e[2]["program"], "p2");
  EXPECT_EQ(e[2]["bulletin"], "b-20111127-060025");
  EXPECT_NEAR(clock_s(e[2]["started"]), 6 * 3600 + 40.0, 0.001);
  EXPECT_EQ(e[3]["program"], "p2");
  EXPECT_EQ(e[3]["title"], "a.wav");
  EXPECT_NEAR(clock_s(e[3]["started"]), 6 * 3600 + 44.0, 0.001);
}

TEST_F(RenderInject, BadInjectionsAreRefusedBeforeAnythingIsRendered) {
  write_file(dir / "schedules/2011-11-26.yaml", kHardStartDay);
  struct Case {
    std::string inject, message;
    int code;
  } cases[] = {
      {"normal:em.wav@06:00:25", "level 'normal' is not emergency or priority", 2},
      {"priority:em.wav@07:00:25", "is outside the rendered window", 2},
      {"priority:em.wav@06:00:25,tone", "the attention tone is for emergency bulletins", 2},
      {"emergency:em.wav@06:00:25,repeat=0", "repeat '0' is not a count from 1 to 99", 2},
      {"emergency:em.wav@06:00:25,loud", "unknown field 'loud'", 2},
      {"emergency:em.wav", "is not LEVEL:FILE@TIME", 2},
      {"emergency:nope.wav@06:00:25", "nope.wav cannot be played", 1},
  };
  for (const auto& c : cases) {
    auto r = render("2011-11-26.yaml", "--inject '" + c.inject + "'");
    EXPECT_EQ(r.exit_code, c.code) << c.inject << "\n" << r.output;
    EXPECT_NE(r.output.find("onair: --inject '" + c.inject + "': "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << c.inject << "\n" << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir / "out.wav")) << c.inject;
  }
}

TEST_F(RenderInject, EmergencyDuringACrossfadeCutsBothItemsAndTheProgrammeRejoins) {
  write_file(dir / "schedules/2011-11-28.yaml", R"(timezone: Asia/Ho_Chi_Minh
programs:
  - id: p1
    at: "06:00"
    items:
      - file: a.wav
        crossfade: 3
      - file: a.wav
)");
  // 06:00:18: the first item fades out (17–20 s) while the second fades in.
  auto r = render("2011-11-28.yaml", "--inject 'emergency:em.wav@06:00:18'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto e = ends();
  ASSERT_GE(e.size(), 4u) << r.output;
  const std::string why = "interrupted by emergency bulletin b-20111128-060018";
  EXPECT_EQ(e[0]["detail"], why);
  EXPECT_EQ(e[1]["detail"], why);
  EXPECT_EQ(e[0]["status"], "cut");
  EXPECT_EQ(e[1]["status"], "cut");
  EXPECT_EQ(e[2]["bulletin"], "b-20111128-060018");
  EXPECT_EQ(e[2]["status"], "played");
  EXPECT_EQ(e[3]["program"], "p1");
  EXPECT_EQ(e[3]["status"], "joined");
  // The second item started at 06:00:17: it rejoins where it would be by now.
  EXPECT_NEAR(e[3]["offset_ms"].get<double>(), (clock_s(e[2]["ended"]) - (6 * 3600 + 17)) * 1000, 1.0);
}

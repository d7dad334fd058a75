// The station daemon on a virtual clock: day rollover into a template day, schedule edits
// while on air, silence detection switching on, the air-check, control operations.
#include "daemon/station_fixture.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

namespace {
const auto D = date::year(2011) / 11 / 26;  // a Saturday
const auto D1 = date::year(2011) / 11 / 27;  // Sunday
}  // namespace

TEST_F(StationTest, RollsOverMidnightIntoTheWeekdayTemplate) {
  tone("late.wav", 440, 20);
  tone("sunday.wav", 660, 5);
  schedule("2011-11-26.yaml", "programs:\n  - {id: late, at: \"23:59:50\", items: [{file: late.wav}]}\n");
  schedule("templates/sunday.yaml", "programs:\n  - {id: morning, at: \"00:00:30\", items: [{file: sunday.wav}]}\n");
  StationHooks hooks;
  hooks.output = output(false);
  hooks.virtual_start = local(D, 23h + 59min + 45s);
  hooks.run_frames = 60 * kRate;
  Station station(config(), std::move(hooks));
  ASSERT_EQ(station.run({}), 0);
  auto today = asrun("2011-11-26"), tomorrow = asrun("2011-11-27");
  ASSERT_FALSE(today.empty());
  EXPECT_EQ(today[0]["status"], "played") << dump(today);
  EXPECT_EQ(today[0]["ended"], "2011-11-27T00:00:10.000+07:00") << dump(today);
  bool sunday = false;
  for (const auto& j : tomorrow)
    if (j["program"] == "morning")
      sunday = j["started"] == "2011-11-27T00:00:30.000+07:00" && j["status"] == "played";
  EXPECT_TRUE(sunday) << dump(tomorrow);
}

TEST_F(StationTest, TomorrowMissingRaisesAnAlarmAtTheCheckTime) {
  tone("a.wav", 440, 30);
  schedule("2011-11-26.yaml", "programs:\n  - {id: a, at: \"19:59:00\", items: [{file: a.wav}]}\n");
  StationHooks hooks;
  hooks.output = output(true);  // paced, so the monitor sees time pass
  hooks.virtual_start = local(D, 19h + 59min + 59s);
  hooks.run_frames = 2 * kRate;
  hooks.monitor_period = 50ms;
  auto c = config();
  c.next_day_check = 20h;
  Station station(c, std::move(hooks));
  ASSERT_EQ(station.run({}), 0);
  EXPECT_TRUE(station.alarms().is_active(AlarmKind::schedule_not_ready)) << station.alarms().active().dump();
}

TEST_F(StationTest, BadEditIsIgnoredAndAGoodOneAppliesAtTheNextBoundary) {
  tone("a.wav", 440, 3);
  tone("b.wav", 550, 3);
  tone("c.wav", 660, 3);
  tone("d.wav", 770, 3);
  const std::string original = "programs:\n  - id: p\n    at: \"06:00\"\n    items: [{file: a.wav}, {file: b.wav}, {file: c.wav}]\n";
  schedule("2011-11-26.yaml", original);
  StationHooks hooks;
  hooks.output = output(true);
  hooks.virtual_start = local(D, 6h);
  hooks.run_frames = 9 * kRate;
  hooks.monitor_period = 50ms;
  Station station(config(), std::move(hooks));
  std::jthread editor([&] {
    std::this_thread::sleep_for(1000ms);
    schedule("2011-11-26.yaml", "programs:\n  - id: p\n    at: [broken\n");
    station.request_reload();
    std::this_thread::sleep_for(1000ms);
    EXPECT_TRUE(station.alarms().is_active(AlarmKind::schedule_invalid));
    // b is on air from 06:00:03; the edit replaces c (06:00:06, beyond the 2 s protected) with d.
    std::this_thread::sleep_for(1300ms);
    schedule("2011-11-26.yaml", "programs:\n  - id: p\n    at: \"06:00\"\n    items: [{file: a.wav}, {file: b.wav}, {file: d.wav}]\n");
    station.request_reload();
  });
  ASSERT_EQ(station.run({}), 0);
  editor.join();
  auto records = asrun("2011-11-26");
  std::vector<std::string> sources;
  for (const auto& j : records)
    if (j["program"] == "p") sources.push_back(j["source"]);
  EXPECT_EQ(sources, (std::vector<std::string>{"a.wav", "b.wav", "d.wav"})) << dump(records);
  EXPECT_FALSE(station.alarms().is_active(AlarmKind::schedule_invalid));
}

TEST_F(StationTest, SilentOutputRaisesTheAlarmAndMovesOn) {
  silence_wav("dead.wav", 30);
  tone("next.wav", 440, 3);
  schedule("2011-11-26.yaml",
           "programs:\n  - {id: p, at: \"06:00\", items: [{file: dead.wav}, {file: next.wav}]}\n");
  StationHooks hooks;
  hooks.output = output(true);
  hooks.virtual_start = local(D, 6h);
  hooks.run_frames = 5 * kRate;
  hooks.monitor_period = 50ms;
  auto c = config();
  c.silence.after = 1500ms;
  Station station(c, std::move(hooks));
  ASSERT_EQ(station.run({}), 0);
  auto records = asrun("2011-11-26");
  ASSERT_GE(records.size(), 1u);
  EXPECT_EQ(records[0]["status"], "failed") << dump(records);
  EXPECT_NE(records[0]["detail"].get<std::string>().find("silent"), std::string::npos) << dump(records);
  EXPECT_LT(records[0]["played_s"].get<double>(), 3.0) << dump(records);
  bool next = false;
  for (const auto& j : records) next |= j["source"] == "next.wav";
  EXPECT_TRUE(next) << dump(records);
  EXPECT_TRUE(station.alarms().is_active(AlarmKind::item_failed)) << station.alarms().active().dump();
}

TEST_F(StationTest, AirCheckFilesCoverTheAiredHours) {
  tone("a.wav", 440, 30);
  schedule("2011-11-26.yaml", "programs:\n  - {id: p, at: \"10:59:50\", items: [{file: a.wav}]}\n");
  StationHooks hooks;
  hooks.output = output(false);
  hooks.virtual_start = local(D, 10h + 59min + 50s);
  hooks.run_frames = 20 * kRate;
  auto c = config();
  c.aircheck = AirCheckConfig{dir / "aircheck", AirCheckFormat::mp3, 96, 30};
  Station station(c, std::move(hooks));
  ASSERT_EQ(station.run({}), 0);
  for (const char* hour : {"10", "11"}) {
    const auto file = dir / ("aircheck/2011-11-26/" + std::string(hour) + ".mp3");
    ASSERT_TRUE(std::filesystem::exists(file)) << file;
    auto probe = capture("ffprobe -v error -show_entries format=duration -of csv=p=0 " + shell_quote(file.string()), false);
    ASSERT_EQ(probe.exit_code, 0);
    EXPECT_NEAR(std::stod(probe.output), 10.0, 0.1) << hour;
  }
}

TEST_F(StationTest, ControlOperationsOnAir) {
  tone("a.wav", 440, 10);
  tone("b.wav", 550, 10);
  tone("alert.wav", 880, 1);
  tone("extra.wav", 330, 1);
  schedule("2011-11-26.yaml",
           "programs:\n  - {id: p, at: \"06:00\", items: [{file: a.wav}, {file: b.wav}]}\n");
  StationHooks hooks;
  hooks.output = output(true);
  hooks.virtual_start = local(D, 6h);
  hooks.run_frames = 9 * kRate;
  hooks.monitor_period = 50ms;
  Station station(config(), std::move(hooks));
  std::jthread operator_([&] {
    std::this_thread::sleep_for(1000ms);
    auto st = station.status();
    EXPECT_EQ(st["on_air"]["title"], "a.wav") << st.dump();
    EXPECT_EQ(station.insert_next({"extra.wav", "Extra", 0, 1}), "");
    EXPECT_NE(station.insert_next({"../etc/passwd", "", 0, 1}), "");
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(station.skip(), "");  // a ends now, the inserted item follows
    std::this_thread::sleep_for(2000ms);
    EXPECT_EQ(station.break_in({"alert.wav", "Cảnh báo bão", 0, 2}), "");
  });
  ASSERT_EQ(station.run({}), 0);
  operator_.join();
  auto records = asrun("2011-11-26");
  std::vector<std::string> seq;
  for (const auto& j : records) seq.push_back(j["source"].get<std::string>() + ":" + j["status"].get<std::string>());
  ASSERT_GE(seq.size(), 5u) << dump(records);
  EXPECT_EQ(seq[0], "a.wav:cut") << dump(records);
  EXPECT_EQ(seq[1], "extra.wav:played") << dump(records);
  EXPECT_EQ(seq[2], "b.wav:cut") << dump(records);  // cut by the break-in
  EXPECT_EQ(seq[3], "alert.wav:played") << dump(records);
  EXPECT_EQ(seq[4], "alert.wav:played") << dump(records);
  // The inserted item and the break-ins are measured on the output like scheduled ones.
  for (std::size_t i : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{4}}) {
    const auto& j = records[i];
    ASSERT_TRUE(j.contains("lufs") && j["lufs"].is_number()) << i << ": " << j.dump();
    ASSERT_TRUE(j.contains("true_peak_db") && j["true_peak_db"].is_number()) << i << ": " << j.dump();
    EXPECT_GT(j["lufs"].get<double>(), -40.0) << j.dump();
    EXPECT_LT(j["true_peak_db"].get<double>(), 0.0) << j.dump();
  }
  // After the break-in, b is rejoined at the offset the schedule has then.
  bool rejoined = false;
  for (std::size_t i = 5; i < seq.size(); ++i) rejoined |= seq[i].rfind("b.wav:", 0) == 0;
  EXPECT_TRUE(rejoined) << dump(records);
}

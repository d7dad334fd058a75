// Station operations: an alarm stays raised while its condition lasts and clears once with
// its duration; inserted items all air, in order, and survive reloads.
#include "daemon/station_fixture.hpp"
#include "station/inserts.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

namespace {
const auto D = date::year(2011) / 11 / 26;
const auto D1 = date::year(2011) / 11 / 27;

std::vector<std::string> sequence(const std::vector<nlohmann::json>& records) {
  std::vector<std::string> seq;
  for (const auto& j : records) seq.push_back(j["source"].get<std::string>());
  return seq;
}
}  // namespace

TEST_F(StationTest, SilenceAlarmIsRaisedOnceAndClearedOnceWithItsDuration) {
  silence_wav("dead.wav", 8);
  tone("next.wav", 440, 3);
  schedule("2011-11-26.yaml",
           "programs:\n  - {id: p, at: \"06:00\", items: [{file: dead.wav}, {file: next.wav}]}\n");
  StationHooks hooks;
  hooks.output = output(true);
  hooks.virtual_start = local(D, 6h);
  hooks.run_frames = 10 * kRate;
  hooks.monitor_period = 50ms;
  auto c = config();
  c.silence.action = SilenceAction::alarm;
  c.silence.after = 1000ms;
  Station station(c, std::move(hooks));
  int polls = 0, raised = 0;
  std::atomic<bool> done{false};
  std::jthread poller([&] {
    // While the item is silent (2..7 s in), every poll shows the alarm.
    std::this_thread::sleep_for(2500ms);
    for (int i = 0; i < 20 && !done; ++i, std::this_thread::sleep_for(200ms)) {
      ++polls;
      raised += station.alarms().is_active(AlarmKind::silence);
    }
  });
  ASSERT_EQ(station.run({}), 0);
  done = true;
  poller.join();
  EXPECT_EQ(raised, polls);
  EXPECT_FALSE(station.alarms().is_active(AlarmKind::silence));
  std::vector<nlohmann::json> silences;
  for (const auto& j : station.alarms().resolved())
    if (j["kind"] == "silence") silences.push_back(j);
  ASSERT_EQ(silences.size(), 1u) << station.alarms().resolved().dump();
  // Raised 1 s into the 8 s of silence, cleared when next.wav sounds.
  EXPECT_NEAR(silences[0]["duration_s"].get<double>(), 7.0, 0.6) << silences[0].dump();
  EXPECT_NE(silences[0]["resolution"].get<std::string>().find("s of silence"), std::string::npos);
}

TEST_F(StationTest, FiveInsertsInABurstAllAirInOrder) {
  tone("a.wav", 440, 4);
  tone("b.wav", 550, 4);
  for (int i = 1; i <= 5; ++i) tone("x" + std::to_string(i) + ".wav", 300 + 50 * i, 0.5);
  schedule("2011-11-26.yaml", "programs:\n  - {id: p, at: \"06:00\", items: [{file: a.wav}, {file: b.wav}]}\n");
  StationHooks hooks;
  hooks.output = output(true);
  hooks.virtual_start = local(D, 6h);
  hooks.run_frames = 8 * kRate;
  hooks.monitor_period = 50ms;
  Station station(config(), std::move(hooks));
  std::jthread operator_([&] {
    std::this_thread::sleep_for(1000ms);
    for (int i = 1; i <= 5; ++i) EXPECT_EQ(station.insert_next({"x" + std::to_string(i) + ".wav", "", 0, 1}), "");
  });
  ASSERT_EQ(station.run({}), 0);
  operator_.join();
  const auto seq = sequence(asrun("2011-11-26"));
  EXPECT_EQ(seq, (std::vector<std::string>{"a.wav", "x1.wav", "x2.wav", "x3.wav", "x4.wav", "x5.wav", "b.wav"}))
      << dump(asrun("2011-11-26"));
}

TEST_F(StationTest, InsertedItemSurvivesReloadsAndASaveOfTomorrow) {
  tone("a.wav", 440, 4);
  tone("b.wav", 550, 4);
  tone("x.wav", 330, 1);
  schedule("2011-11-26.yaml", "programs:\n  - {id: p, at: \"06:00\", items: [{file: a.wav}, {file: b.wav}]}\n");
  StationHooks hooks;
  hooks.output = output(true);
  hooks.virtual_start = local(D, 6h);
  hooks.run_frames = 7 * kRate;
  hooks.monitor_period = 50ms;
  Station station(config(), std::move(hooks));
  std::jthread operator_([&] {
    std::this_thread::sleep_for(1000ms);
    EXPECT_EQ(station.insert_next({"x.wav", "X", 0, 1}), "");
    station.request_reload();  // SIGHUP
    std::this_thread::sleep_for(300ms);
    schedule("2011-11-27.yaml", "programs:\n  - {id: q, at: \"06:00\", items: [{file: b.wav}]}\n");
    EXPECT_EQ(station.reload(), "");  // the API, after tomorrow's file was saved
    std::this_thread::sleep_for(300ms);
    station.request_reload();
  });
  ASSERT_EQ(station.run({}), 0);
  operator_.join();
  const auto seq = sequence(asrun("2011-11-26"));
  EXPECT_EQ(seq, (std::vector<std::string>{"a.wav", "x.wav", "b.wav"})) << dump(asrun("2011-11-26"));
  (void)D1;
}

TEST_F(StationTest, InsertsBeyondTheQueueBoundAreRefusedWithAReason) {
  tone("a.wav", 440, 4);
  tone("x.wav", 330, 0.5);
  schedule("2011-11-26.yaml", "programs:\n  - {id: p, at: \"06:00\", items: [{file: a.wav}]}\n");
  StationHooks hooks;
  hooks.output = output(true);
  hooks.virtual_start = local(D, 6h);
  hooks.run_frames = 2 * kRate;
  hooks.monitor_period = 50ms;
  Station station(config(), std::move(hooks));
  std::string refused;
  std::jthread operator_([&] {
    std::this_thread::sleep_for(800ms);
    for (std::size_t i = 0; i < StationInserts::kMaxWaiting; ++i) EXPECT_EQ(station.insert_next({"x.wav", "", 0, 1}), "");
    refused = station.insert_next({"x.wav", "", 0, 1});
  });
  ASSERT_EQ(station.run({}), 0);
  operator_.join();
  EXPECT_NE(refused.find("already wait to air"), std::string::npos) << refused;
}

// A break-in cannot be measured ahead (it airs at once): with the station's `loudness:` on,
// the master AGC brings a hot announcement down toward the target while it airs.
TEST_F(StationTest, AHotBreakInIsLevelledByTheAgc) {
  tone("a.wav", 440, 30);
  ASSERT_EQ(run("ffmpeg -hide_banner -loglevel error -y -f lavfi -i anoisesrc=color=pink:amplitude=0.9:duration=8:seed=5 "
                "-af volume=9dB -ac 2 -ar 48000 -c:a pcm_f32le " + shell_quote((dir / "media/alert.wav").string())),
            0);  // about -6.5 LUFS
  schedule("2011-11-26.yaml", "programs:\n  - {id: p, at: \"06:00\", items: [{file: a.wav}]}\n");
  StationConfig c = config();
  c.loudness = LoudnessSpec{};
  c.loudness->target = -16;
  StationHooks hooks;
  hooks.output = output(true);
  hooks.virtual_start = local(D, 6h);
  hooks.run_frames = 10 * kRate;
  hooks.monitor_period = 50ms;
  Station station(c, std::move(hooks));
  double deepest = 0;
  std::jthread operator_([&] {
    std::this_thread::sleep_for(1000ms);
    EXPECT_EQ(station.break_in({"alert.wav", "Thông báo khẩn", 0, 1}), "");
    const auto until = std::chrono::steady_clock::now() + 8s;
    while (std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(200ms);
      const auto st = station.status();
      if (st.contains("loudness") && st["loudness"]["agc_gain_db"].is_number())
        deepest = std::min(deepest, st["loudness"]["agc_gain_db"].get<double>());
    }
  });
  ASSERT_EQ(station.run({}), 0);
  operator_.join();
  EXPECT_LT(deepest, -3.0) << "the AGC did not act on the hot break-in";
}

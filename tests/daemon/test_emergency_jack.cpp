// An emergency bulletin on a real-time device (the JACK dummy server): from the accepted
// request to the bulletin's first frame at the DAC (as the as-run stamps it from the card's
// clock) is printed (the measurement) and bounded loosely; then the programme it cut is
// joined at its offset.
#include <atomic>

#include "daemon/station_fixture.hpp"
#include "station/broadcast_days.hpp"
#include "support/jack_server.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

TEST_F(StationTest, AnEmergencyOnTheSoundCardAirsWithinHalfASecond) {
  JackServer jack(48000);
  if (!jack.error().empty()) GTEST_SKIP() << jack.error();
  zone = "UTC";
  tone("a.wav", 440, 30);
  tone("alert.wav", 1000, 2);
  const auto start = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const auto day = date::floor<date::days>(start);
  auto tod = [&](std::chrono::seconds later) { return date::format("%T", start + later - day); };
  schedule(date::format("%F", day) + ".yaml",
           "timezone: UTC\nprograms:\n  - {id: a, at: \"" + tod(1s) + "\", items: [{file: a.wav}]}\n");
  auto c = config();
  c.output = "pa:system";
  StationHooks hooks;
  hooks.run_frames = 10 * kRate;
  hooks.monitor_period = 50ms;
  Station station(c, std::move(hooks));
  std::string id, error = "not asked";
  std::chrono::system_clock::time_point accepted{};
  std::jthread ask([&](std::stop_token stop) {
    for (int i = 0; i < 50 && !stop.stop_requested(); ++i) std::this_thread::sleep_for(100ms);  // a airs from +1 s
    BulletinRequest b;
    b.file = "alert.wav";
    b.level = BulletinLevel::emergency;
    b.title = "Cảnh báo lũ";
    error = station.add_bulletin(b, id);
    accepted = std::chrono::system_clock::now();
  });
  ASSERT_EQ(station.run({}), 0);
  ask.join();
  ASSERT_EQ(error, "");
  auto records = asrun(date::format("%F", day));
  const nlohmann::json* alert = nullptr;
  for (const auto& j : records)
    if (j.value("bulletin", "") == id) alert = &j;
  ASSERT_NE(alert, nullptr) << dump(records);
  EXPECT_EQ((*alert)["level"], "emergency");
  // Its start as the card's clock has it, against when the request was accepted.
  std::string why;
  const auto parsed = parse_when((*alert)["started"].get<std::string>(), LocalDay("UTC", date::year_month_day(day)), why);
  ASSERT_TRUE(parsed) << why;
  const auto started = *parsed;
  const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(started - accepted);
  RecordProperty("emergency_delay_ms", static_cast<int>(delay.count()));
  std::cout << "emergency: first frame at the DAC " << delay.count() << " ms after the accepted request\n";
  // The figure is the measurement (≤ 0.5 s on an idle machine: ~0.45 s, of which the cut
  // fade is 0.3 s); the bound only says it did not wait behind the render-ahead plus a busy
  // or sanitized machine's slack, so the test cannot flake on timing.
  EXPECT_LE(delay, 1500ms) << dump(records);
  bool joined = false;
  for (const auto& j : records) joined = joined || (j["program"] == "a" && j["status"] == "joined");
  EXPECT_TRUE(joined || records.back()["program"] == "a") << dump(records);
}

// The sound card stalls mid-programme (JACK dummy server stopped with SIGSTOP, then
// continued): the device-lost alarm is raised and cleared, and the timeline is kept — the
// next hard start still airs on time.
#include <signal.h>

#include <atomic>

#include "daemon/station_fixture.hpp"
#include "support/jack_server.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

TEST_F(StationTest, DeviceLossAndRecoveryKeepTheTimeline) {
  JackServer jack(48000);
  if (!jack.error().empty()) GTEST_SKIP() << jack.error();
  zone = "UTC";
  tone("a.wav", 440, 30);
  tone("b.wav", 660, 3);
  const auto start = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const auto day = date::floor<date::days>(start);
  auto tod = [&](std::chrono::seconds later) { return date::format("%T", start + later - day); };
  schedule(date::format("%F", day) + ".yaml", "timezone: UTC\nprograms:\n  - {id: a, at: \"" + tod(1s) +
                                                  "\", items: [{file: a.wav}]}\n  - {id: b, at: \"" + tod(10s) +
                                                  "\", items: [{file: b.wav}]}\n");
  auto c = config();
  c.output = "pa:system";
  StationHooks hooks;
  hooks.run_frames = 13 * kRate;
  hooks.monitor_period = 50ms;
  Station station(c, std::move(hooks));
  std::atomic<bool> lost{false};
  std::jthread stall([&](std::stop_token stop) {
    std::this_thread::sleep_for(3s);
    jack.signal(SIGSTOP);
    for (int i = 0; i < 40 && !stop.stop_requested(); ++i) {
      std::this_thread::sleep_for(100ms);
      lost = lost || station.alarms().is_active(AlarmKind::device_lost);
    }
    jack.signal(SIGCONT);
    while (!stop.stop_requested()) {
      lost = lost || station.alarms().is_active(AlarmKind::device_lost);
      std::this_thread::sleep_for(50ms);
    }
  });
  ASSERT_EQ(station.run({}), 0);
  stall.request_stop();
  stall.join();
  EXPECT_TRUE(lost.load());
  EXPECT_FALSE(station.alarms().is_active(AlarmKind::device_lost)) << station.alarms().active().dump();
  auto records = asrun(date::format("%F", day));
  bool b_on_time = false;
  for (const auto& j : records)
    if (j["program"] == "b") b_on_time = std::abs(j["offset_ms"].get<int>()) <= 20;
  EXPECT_TRUE(b_on_time) << dump(records);
}

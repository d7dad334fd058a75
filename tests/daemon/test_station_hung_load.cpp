// A schedule load that hangs (a file on a hung network share) must not freeze the station:
// the monitor keeps raising alarms (silence here), `schedule_stuck` is raised while the load
// lasts, the last good schedule stays on air, and once the load returns the edit applies.
#include <atomic>
#include <condition_variable>
#include <mutex>

#include "daemon/station_fixture.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

namespace {
const auto D = date::year(2011) / 11 / 26;
}  // namespace

TEST_F(StationTest, AHungLoadKeepsAlarmsComingAndItsEditAppliesWhenItReturns) {
  silence_wav("dead.wav", 6);
  tone("b.wav", 550, 3);
  tone("c.wav", 660, 3);
  schedule("2011-11-26.yaml", "programs:\n  - {id: p, at: \"06:00\", items: [{file: dead.wav}, {file: b.wav}]}\n");

  std::mutex mutex;
  std::condition_variable cv;
  bool armed = false, hanging = false, released = false;
  StationHooks hooks;
  hooks.output = output(true);
  hooks.virtual_start = local(D, 6h);
  hooks.run_frames = 9 * kRate;
  hooks.monitor_period = 50ms;
  hooks.load_timeout = 500ms;
  hooks.before_load = [&] {  // on the loader thread: the share stops answering
    std::unique_lock lock(mutex);
    if (!armed) return;
    armed = false;
    hanging = true;
    cv.notify_all();
    cv.wait_for(lock, 30s, [&] { return released; });
  };
  auto c = config();
  c.silence.after = 1000ms;
  c.silence.action = SilenceAction::alarm;
  Station station(c, std::move(hooks));

  std::atomic<bool> stuck_seen{false}, silence_seen_while_stuck{false};
  std::jthread editor([&] {
    std::this_thread::sleep_for(300ms);
    schedule("2011-11-26.yaml", "programs:\n  - {id: p, at: \"06:00\", items: [{file: dead.wav}, {file: c.wav}]}\n");
    {
      std::lock_guard lock(mutex);
      armed = true;
    }
    station.request_reload();
    {
      std::unique_lock lock(mutex);
      cv.wait_for(lock, 10s, [&] { return hanging; });
    }
    // While the load hangs: both alarms come (the monitor thread never waits for the loader).
    for (int i = 0; i < 1500 && !(stuck_seen && silence_seen_while_stuck); ++i) {
      stuck_seen = stuck_seen || station.alarms().is_active(AlarmKind::schedule_stuck);
      silence_seen_while_stuck =
          silence_seen_while_stuck || (stuck_seen && station.alarms().is_active(AlarmKind::silence));
      std::this_thread::sleep_for(10ms);
    }
    std::lock_guard lock(mutex);
    released = true;
    cv.notify_all();
  });
  ASSERT_EQ(station.run({}), 0);
  editor.join();

  EXPECT_TRUE(stuck_seen) << station.alarms().active().dump();
  EXPECT_TRUE(silence_seen_while_stuck) << station.alarms().active().dump();
  EXPECT_FALSE(station.alarms().is_active(AlarmKind::schedule_stuck)) << "cleared once the load returned";
  auto records = asrun("2011-11-26");
  std::vector<std::string> sources;
  for (const auto& j : records)
    if (j["program"] == "p") sources.push_back(j["source"]);
  // The edit made during the hang aired (c, not b).
  EXPECT_EQ(sources, (std::vector<std::string>{"dead.wav", "c.wav"})) << dump(records);
}

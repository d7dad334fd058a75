// The sound card goes away (the JACK server is terminated mid-programme) and comes back later
// (restarted under the same name): the device-lost alarm is raised, the engine keeps its
// timeline in real time while audio is dropped (the next hard start is recorded on time),
// and the station stops promptly although PortAudio is still stuck tearing the dead stream
// down. Known limitation, measured here: Debian's PortAudio (19.6) JACK backend waits 10
// minutes in Pa_AbortStream after the server died, holding PortAudio's lock, so the device
// does not reopen within the test (see docs/outputs.md, "Faults"). The scenario therefore
// runs in a forked child (a death test) that exits afterwards: the stuck teardown must not
// block the PortAudio users that run after it in this executable.
#include <signal.h>

#include <atomic>

#include "daemon/station_fixture.hpp"
#include "support/jack_server.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

namespace {

void check(bool ok, const std::string& what) {
  if (ok) return;
  std::fprintf(stderr, "CHECK FAILED: %s\n", what.c_str());
  std::_Exit(1);
}

// SIGTERM to the server (the test process's child, not ours: we are the forked scenario), then
// waits until it has exited (a zombie to its parent), so a restart can take its name.
void terminate(pid_t pid) {
  ::kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string pid_s, comm, state;
    if (!(stat >> pid_s >> comm >> state) || state == "Z") return;
    std::this_thread::sleep_for(20ms);
  }
  check(false, "jackd did not exit on SIGTERM");
}

}  // namespace

class DeviceVanish : public StationTest {
 protected:
  void scenario(JackServer& jack);
};

void DeviceVanish::scenario(JackServer& jack) {
  zone = "UTC";
  tone("a.wav", 440, 30);
  tone("b.wav", 660, 3);
  const auto start = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const auto day = date::floor<date::days>(start);
  auto tod = [&](std::chrono::seconds later) { return date::format("%T", start + later - day); };
  schedule(date::format("%F", day) + ".yaml", "timezone: UTC\nprograms:\n  - {id: a, at: \"" + tod(1s) +
                                                  "\", items: [{file: a.wav}]}\n  - {id: b, at: \"" + tod(12s) +
                                                  "\", items: [{file: b.wav}]}\n");
  auto c = config();
  c.output = "pa:system";
  StationHooks hooks;
  hooks.run_frames = 16 * kRate;
  hooks.monitor_period = 50ms;
  Station station(c, std::move(hooks));
  std::atomic<bool> lost{false}, restarted{false};
  std::atomic<double> lost_after{-1};
  std::jthread vanish([&](std::stop_token stop) {
    std::this_thread::sleep_for(3s);
    const auto gone = std::chrono::steady_clock::now();
    terminate(jack.pid());  // the device disappears
    auto watch = [&] {
      if (!lost && station.alarms().is_active(AlarmKind::device_lost)) {
        lost = true;
        lost_after = std::chrono::duration<double>(std::chrono::steady_clock::now() - gone).count();
      }
    };
    for (int i = 0; i < 60 && !stop.stop_requested(); ++i) {  // 3 s without a server
      watch();
      std::this_thread::sleep_for(50ms);
    }
    if (stop.stop_requested()) return;
    jack.start();  // back under the same name
    restarted = jack.error().empty();
    while (!stop.stop_requested()) {
      watch();
      std::this_thread::sleep_for(50ms);
    }
  });
  const auto run_start = std::chrono::steady_clock::now();
  check(station.run({}) == 0, "the station ran");
  const double run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
  vanish.request_stop();
  vanish.join();

  check(lost.load(), "device_lost was never raised");
  check(restarted.load(), "jackd did not restart: " + jack.error());
  // 16 s of programme in real time; the run must not wait for PortAudio's 10-minute teardown.
  check(run_s < 35.0, "the run (and the station's stop) took " + std::to_string(run_s) + " s");
  auto records = asrun(date::format("%F", day));
  bool b_on_time = false;
  for (const auto& j : records)
    if (j["program"] == "b") b_on_time = j["status"] != "failed" && std::abs(j["offset_ms"].get<int>()) <= 20;
  check(b_on_time, "b not recorded on time:\n" + dump(records));
  const bool still_lost = station.alarms().is_active(AlarmKind::device_lost);
  std::fprintf(stderr, "device_lost raised %.2f s after the server died; run took %.1f s; device %s by the end of the run\n",
              lost_after.load(), run_s, still_lost ? "NOT reopened (PortAudio JACK teardown)" : "reopened");
  jack.stop(SIGTERM);  // the restarted server is this child's
  std::fprintf(stderr, "SCENARIO OK\n");
  std::_Exit(0);
}

TEST_F(DeviceVanish, ServerTerminatedKeepsTheTimelineAndTheStationStopsPromptly) {
  JackServer jack(48000);
  if (!jack.error().empty()) GTEST_SKIP() << jack.error();
  GTEST_FLAG_SET(death_test_style, "fast");  // fork: the child shares the running server
  EXPECT_EXIT(scenario(jack), ::testing::ExitedWithCode(0), "SCENARIO OK");
}

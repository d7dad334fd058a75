#pragma once
// The station daemon (`onair run`): plays continuously across days, builds each day from
// its file or template, checks tomorrow ahead of midnight, applies schedule edits at the
// next item boundary, serves the control API, raises alarms, records the air-check.
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>

#include "station/alarms.hpp"
#include "station/config.hpp"
#include "station/control.hpp"
#include "player/engine/engine.hpp"
#include "player/output/real_clock.hpp"

namespace onair {

// What tests replace: the clock, the output, and time itself.
struct StationHooks {
  const WallClock* wall = nullptr;            // default: the system clocks
  std::unique_ptr<Output> output;             // default: make_output(config.output)
  std::optional<TimePoint> virtual_start;     // run free on a virtual clock from here
  FrameCount run_frames = Engine::kForever;   // stop after this much audio
  std::chrono::milliseconds monitor_period{250};
  // Schedules load on a loader thread; one that takes longer raises schedule_stuck while
  // the monitor (silence, alarms) goes on and the last good schedule stays on air.
  std::chrono::milliseconds load_timeout{10'000};
  // Tests: runs on the loader thread at the start of each load (to simulate a hung share).
  std::function<void()> before_load;
};

class Station final : public StationControl {
 public:
  Station(StationConfig config, StationHooks hooks = {});
  ~Station() override;

  // Plays until `stop`; returns the exit code.
  int run(std::stop_token stop);
  // Re-reads the schedules (inotify, SIGHUP, the API).
  void request_reload();

  nlohmann::json status() override;
  std::string skip() override;
  std::string stop_after_current(bool enable) override;
  std::string insert_next(const ItemRequest& item) override;
  std::string break_in(const ItemRequest& item) override;
  std::string reload() override;
  std::string add_bulletin(const BulletinRequest& b, std::string& id) override;
  nlohmann::json bulletins() override;
  std::string cancel_bulletin(const std::string& id) override;
  std::string place_bulletin(const std::string& id, const std::string& program, int position) override;

  Alarms& alarms() { return *alarms_; }

 private:
  struct Impl;
  // Alarms first, so it goes last: the station's threads (the as-run writer) raise and
  // clear alarms until the Impl that owns them is gone.
  std::unique_ptr<Alarms> alarms_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace onair

#pragma once
// The daemon's days: loads each date from its file or template, keeps the last good
// version of each, re-checks them on reload (a bad edit keeps the old version and raises
// an alarm; a good one is logged with what changed), and builds the timeline window the
// engine plays (yesterday, today, tomorrow, chosen by scheduler/day_window).
#include <map>
#include <memory>
#include <mutex>

#include "station/alarms.hpp"
#include "station/config.hpp"
#include "player/engine/engine.hpp"
#include "scheduler/timeline.hpp"
#include "player/speech/speech_cache.hpp"

namespace onair {

struct DayCheck {
  bool missing = false;
  std::filesystem::path file;
  std::string origin;
  std::string errors;  // the first few error lines, "" if none
  std::size_t programs = 0;
};

class StationDays {
 public:
  StationDays(const StationConfig& config, MediaProber& prober, Alarms& alarms);

  std::shared_ptr<const Timeline> window(date::year_month_day today);
  void reload();
  DayCheck check_day(date::year_month_day day);
  // The renderer behind the days' spoken items, for the engine's spoken time (thread-safe).
  SpeechRenderer& speech() { return speech_; }

 private:
  struct Loaded {
    BroadcastDay day;
    std::size_t fingerprint = 0;
    std::filesystem::path file;
  };
  std::optional<Loaded> load(date::year_month_day day, Diagnostics& diags, std::string& origin);
  std::size_t fingerprint(const std::filesystem::path& file, const Schedule* schedule) const;
  void log_changes(const Schedule& before, const Schedule& after) const;

  const StationConfig& config_;
  MediaProber& prober_;
  SpeechCache speech_;  // renders every day's say: items ahead of air
  Alarms& alarms_;
  std::mutex mutex_;
  std::map<std::string, Loaded> days_;  // by YYYY-MM-DD
};

}  // namespace onair

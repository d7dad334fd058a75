#pragma once
// What the control API (and its CLI client) can ask of a running station. The daemon
// implements it on top of the engine; tests use fakes. Every request is validated by the
// API layer before it gets here; methods return an empty string on success, else a clear
// reason that the API reports as a 4xx.
#include <nlohmann/json.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "scheduler/bulletin.hpp"

namespace onair {

struct ItemRequest {
  std::string file;       // relative to the media root (validated: exists, inside the root)
  std::string title;      // for the as-run log; default: the file name
  double gain_db = 0.0;   // -60 .. +20
  int repeat = 1;         // break-in: how many times to air it (1 .. 10)
};

// A bulletin as the API took it (docs/bulletins.md); the station resolves and checks the
// rest (the file against the media root, the text through the speech engine, `until`).
struct BulletinRequest {
  std::string file;    // relative to the media root; or empty, with `text`
  std::string text;    // spoken by the station's speech engine
  BulletinLevel level = BulletinLevel::normal;
  std::string title;   // default: the file name, or the text's first words
  double gain_db = 0.0;
  int repeat = 1;      // airings in all (1 .. 20)
  std::optional<std::chrono::seconds> every;  // between airings (1 min .. 24 h)
  std::string until;   // "HH:MM[:SS]" (the next such time) or an ISO date-time; "" = none
  bool tone = false;   // the attention signal first (emergency)
};

class StationControl {
 public:
  virtual ~StationControl() = default;
  // Status snapshot: on air (title, programme, source, started, position_s, remaining_s),
  // next item, next hard start, buffer fill, underruns, drift_ppm, alarms.
  virtual nlohmann::json status() = 0;
  virtual std::string skip() = 0;                          // end the item on air now
  virtual std::string stop_after_current(bool enable) = 0; // hold after the item on air
  virtual std::string insert_next(const ItemRequest& item) = 0;
  virtual std::string break_in(const ItemRequest& item) = 0;  // at once, then rejoin the schedule
  virtual std::string reload() = 0;                        // re-read the schedules now
  // Bulletins: accepted (its id in `id`), listed, cancelled, placed (normal ones).
  virtual std::string add_bulletin(const BulletinRequest& b, std::string& id) = 0;
  virtual nlohmann::json bulletins() = 0;
  virtual std::string cancel_bulletin(const std::string& id) = 0;
  virtual std::string place_bulletin(const std::string& id, const std::string& program, int position) = 0;
};

}  // namespace onair

#pragma once
// The station's bulletins (docs/bulletins.md): every one accepted gets an id, is listed with
// its airings, and can be cancelled. The board decides; the station carries out:
//   - emergency: its first airing is due at once (the engine's break-in);
//   - priority: due at once, at the next item boundary (an insert after the item on air);
//   - normal: waits for the producers to place it (`onair bulletin place`).
// `repeat` airings back to back, or one every `every` (the board says when each is due);
// none after `until`. The as-run's records of its airings (`"bulletin"`) are kept here as
// the proof of what aired. Times are given, never read: tests run a day in a moment.
// Thread-safe (the control API, the monitor and the as-run writer all call it).
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "player/asrun/log.hpp"
#include "scheduler/bulletin.hpp"
#include "scheduler/local_day.hpp"

namespace onair {

// A bulletin as accepted: validated and resolved (its audio exists and has a length).
struct BulletinSpec {
  BulletinLevel level = BulletinLevel::normal;
  std::string title;
  std::string source;          // absolute: the recording, or the rendered speech
  std::string display_source;  // as the operator gave it ("say: …" for a text)
  std::string text;            // spoken, when it is a text bulletin
  Duration length{0};
  double gain_db = 0.0;
  int repeat = 1;                  // airings in all
  std::optional<Duration> every;   // between airings; none: back to back
  std::optional<TimePoint> until;  // no airing starts after this
  bool tone = false;               // the attention signal first (emergency)
};

enum class BulletinState { waiting, placed, on_schedule, done, cancelled, expired };
const char* to_string(BulletinState state) noexcept;

// One airing as the as-run recorded it.
struct BulletinAiring {
  int airing = 1;
  std::string program;
  TimePoint scheduled, started, ended;
  Duration played{0};
  AsRunStatus status = AsRunStatus::played;
  std::string detail;
};

// What the station is to air now: airings `first` … `first + count - 1` of bulletin `id`.
struct BulletinDue {
  std::string id;
  BulletinSpec spec;
  int first = 1, count = 1;
};

class BulletinBoard {
 public:
  static constexpr std::size_t kMaxKept = 500;  // listed; the oldest ended ones are forgotten
  static constexpr std::size_t kMaxOpen = 50;   // waiting or still to air: more are refused

  // Accepts `spec` at `now`; "" and `id` set, or why not. Emergency and priority bulletins
  // have their first airing(s) due at once (take them with due()).
  std::string add(BulletinSpec spec, TimePoint now, const LocalDay& zone, std::string& id);
  // The airings due at `now`, marked as issued (the next one, with `every`, is due later).
  std::vector<BulletinDue> due(TimePoint now);
  // A normal bulletin placed in a programme: all its airings are issued there.
  std::string place(const std::string& id, const std::string& program, BulletinDue& out);
  // Stops its airings still to come; "" or why not.
  std::string cancel(const std::string& id);
  // An as-run record of an airing (records without a bulletin are ignored).
  void record(const AsRunRecord& r);

  nlohmann::json list(const LocalDay& zone) const;
  std::optional<BulletinState> state(const std::string& id) const;
  std::size_t size() const;

 private:
  struct Entry {
    std::string id;
    BulletinSpec spec;
    TimePoint accepted;
    BulletinState state = BulletinState::waiting;
    int issued = 0;                 // airings handed to the station
    std::optional<TimePoint> next;  // when the next one is due
    std::string placed_in;
    std::vector<BulletinAiring> airings;
  };
  Entry* find(const std::string& id);
  const Entry* find(const std::string& id) const;
  void forget_old();

  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
  std::string last_stamp_;
  int same_stamp_ = 0;
};

}  // namespace onair

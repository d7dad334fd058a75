#pragma once
// The station's alarm registry. An alarm of a kind is raised (logged at error level on the
// "alarm" logger, kept in the active list for the status API, and announced through the
// optional configured command) and later cleared (logged as resolved).
//
// The command is run with arguments, never through a shell: argv = command..., KIND,
// MESSAGE, with ONAIR_ALARM_KIND and ONAIR_ALARM_MESSAGE in its environment. It runs per
// kind at most once per `min_interval` (measured on the injected clock), is killed (with its
// process group) after `timeout`, and never blocks the caller: a worker thread spawns and
// reaps it. Every method is thread-safe.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "scheduler/local_day.hpp"  // TimePoint

namespace onair {

enum class AlarmKind {
  silence,             // the output is silent while something should be on air
  device_lost,         // the sound card went away (cleared when it is back)
  underrun,            // the output ran out of rendered audio
  relay_failure,       // a relay stream could not be opened or dropped
  item_failed,         // a scheduled file could not be played
  schedule_not_ready,  // tomorrow's schedule is missing (found at next_day_check)
  schedule_invalid,    // a schedule (tomorrow's or an edit) has errors or missing media
  disk_low,            // a station folder's disk is nearly full
  asrun_write,         // the as-run log cannot be written
  aircheck,            // the air-check recorder failed
  schedule_stuck,      // loading schedules has not finished in time (a file on a hung share)
  stream_down,         // a stream output has had no server (icecast://) for alarms.stream_down_after
  output_behind,       // a following output (a stream, a second card) fell behind: its queue dropped audio
};

// "silence", "device_lost", ... (the name used in logs, JSON and the command's arguments).
std::string_view to_string(AlarmKind kind);
std::optional<AlarmKind> alarm_kind_from_string(std::string_view name);
const std::vector<AlarmKind>& all_alarm_kinds();

using AlarmClock = std::function<TimePoint()>;

struct AlarmOptions {
  std::vector<std::string> command;  // empty = no command (program first; PATH is searched)
  std::chrono::microseconds min_interval = std::chrono::seconds(300);
  std::chrono::microseconds timeout = std::chrono::seconds(10);
  AlarmClock clock;                  // empty = the system clock
  const date::time_zone* zone = nullptr;  // times in active(); nullptr = the machine's zone
  std::size_t max_running = 8;       // commands running at once; more wait in a queue
  std::size_t max_queued = 64;       // beyond this, notifications are dropped (logged)
};

struct AlarmCommandStats {
  std::uint64_t started = 0;     // spawned
  std::uint64_t succeeded = 0;   // exited 0
  std::uint64_t failed = 0;      // could not start, exited non-zero or died of a signal
  std::uint64_t timed_out = 0;   // killed after the timeout (also counted in failed)
  std::uint64_t suppressed = 0;  // not run because of min_interval
  std::uint64_t dropped = 0;     // not run because the queue was full
};

class Alarms {
 public:
  explicit Alarms(AlarmOptions options = {});
  // Waits for commands already started or queued (each bounded by the timeout).
  ~Alarms();
  Alarms(const Alarms&) = delete;
  Alarms& operator=(const Alarms&) = delete;

  // Raises (or re-raises) an alarm: logs it, updates the active entry (first/last time,
  // count, latest message) and runs the command unless it ran for this kind less than
  // min_interval ago.
  void raise(AlarmKind kind, const std::string& message);
  // Clears an active alarm, logging it as resolved with how long it was raised (and `how`,
  // e.g. "sound is back after 20.0 s of silence"); it goes to the recently resolved list.
  // Returns false if it was not active.
  bool clear(AlarmKind kind, const std::string& how = {});

  bool is_active(AlarmKind kind) const;
  // For the status API: [{kind, message, first, last, count, notified}], oldest first;
  // times are ISO-8601 local time with offset; `notified` is the last time the command ran
  // for this kind (null if never).
  // Each also has `duration_s`, how long it has been raised.
  nlohmann::json active() const;
  // The latest resolved alarms (at most 20), newest first: [{kind, message, first, cleared,
  // duration_s, count, resolution}].
  nlohmann::json resolved() const;

  // Waits until no command is queued or running; false on timeout. For tests and shutdown.
  bool wait_idle(std::chrono::milliseconds timeout);
  AlarmCommandStats command_stats() const;

 private:
  struct Entry {
    std::string message;
    TimePoint first{};
    TimePoint last{};
    std::uint64_t count = 0;
    std::uint64_t order = 0;  // raise order, for a stable listing
  };
  struct Job {
    std::vector<std::string> argv;
    std::string kind;
    std::string message;
  };
  struct Child {
    int pid = -1;
    int out_fd = -1;  // the command's merged stdout/stderr (read to log on failure)
    std::string kind;
    std::string output;
    std::chrono::steady_clock::time_point deadline;
    bool terminated = false;  // SIGTERM sent; SIGKILL follows after a grace period
    std::chrono::steady_clock::time_point kill_at;
  };

  TimePoint now() const;
  std::string format_time(TimePoint t) const;
  void enqueue(Job job);
  void worker();
  void spawn(Job job);
  bool poll_children();  // reaps, reads output, enforces timeouts; true if any left

  AlarmOptions options_;
  mutable std::mutex mutex_;
  std::map<AlarmKind, Entry> active_;
  std::map<AlarmKind, TimePoint> last_notified_;
  std::deque<nlohmann::json> resolved_;  // newest first
  std::uint64_t next_order_ = 0;

  // Worker state (guarded by mutex_ except `children_`, owned by the worker thread).
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Job> queue_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  AlarmCommandStats stats_;
  std::vector<Child> children_;
  std::thread thread_;
};

}  // namespace onair

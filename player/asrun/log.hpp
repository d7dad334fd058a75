#pragma once
// The as-run log, the station's broadcast record (DESIGN.md): one JSON object per line,
// appended and fsync'd; a "start" line when an item starts so a crash leaves a trace,
// and the full record when it ends. On open, an item left started without an end (a
// crash, kill -9, power loss) is recorded as `interrupted`.
//
// Writing never throws and never loses a record: a line that cannot be written (disk full,
// read-only, folder gone, file replaced by a folder) waits in memory, in order, and is
// written first by the next append or retry(). A partial write is cut back, so the file
// never holds a torn line from us. Only a backlog past `max_pending` drops (the oldest),
// loudly, and a "lost" line saying how many is written when writing resumes.
#include <cstdio>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "player/asrun/status.hpp"
#include "scheduler/bulletin.hpp"
#include "scheduler/frame_clock.hpp"
#include "scheduler/local_day.hpp"

namespace onair {

struct AsRunRecord {
  std::string day;      // broadcast day, YYYY-MM-DD
  std::string program;  // programme id ("" between programmes)
  std::size_t item = 0;
  std::string title, source;
  TimePoint scheduled, started, ended;
  Duration planned{0}, played{0};
  AsRunStatus status = AsRunStatus::played;
  std::string detail;
  bool relay = false;  // a network stream (from the schedule's model, not its URL): its failure is a relay failure
  // Measured on the output over the item (player/monitor/loudness_meter): "lufs" and
  // "true_peak_db" of the ended record; -inf (silence) is written as null.
  std::optional<double> lufs, true_peak_db;
  // For the output meter, not written: the segment and its output frames [start, end);
  // `aired` when the item had a start line (it went to air, however briefly).
  std::uint64_t uid = 0;
  FrameCount start_frame = 0, end_frame = 0;
  bool aired = false;
  std::optional<BulletinTag> bulletin;  // "bulletin" (its id), "level", "airing"
};

// Something that happened to the station rather than to an item: a stream output lost or
// found its server. A line of its own ("event": "output_disconnected", …) in the day's log.
enum class AsRunEventKind { output_connected, output_disconnected };
const char* to_string(AsRunEventKind kind);

struct AsRunEvent {
  AsRunEventKind kind = AsRunEventKind::output_connected;
  TimePoint at;
  std::string output;  // the output's name (never a password or token)
  std::string detail;
};

// Whether everything handed to a log is in its file.
struct AsRunHealth {
  bool ok = true;
  std::size_t pending = 0;     // lines waiting in memory to be written
  std::size_t lost = 0;        // lines dropped so far because the backlog was full
  std::string error;           // the latest failure ("" when ok)
  std::filesystem::path file;  // the file that cannot be written
};

// Where the engine sends its records: one log file, or a folder of per-day files.
class AsRunSink {
 public:
  virtual ~AsRunSink() = default;
  virtual void started(const AsRunRecord& r) = 0;  // the trace line
  virtual void ended(const AsRunRecord& r) = 0;    // the record
  virtual void event(const AsRunEvent& e) = 0;     // any thread; links pass it on
  // Writes what is waiting (the station calls it from its tick). Never throws.
  virtual void retry() {}
  virtual AsRunHealth health() const { return {}; }
};

struct AsRunLogOptions {
  // Throw from the constructor when the file cannot be opened (the CLI's usage error). When
  // false the log starts anyway and keeps trying, holding its records.
  bool must_open = true;
  std::size_t max_pending = 4096;  // lines held in memory at most (about a day of records)
  // How a batch is made durable (::fsync when empty); tests inject a slow disk here.
  std::function<int(int fd)> sync;
};

class AsRunLog final : public AsRunSink {
 public:
  // Opens (creating) the file for appending; records times in `zone`'s local time.
  // Throws std::runtime_error when the file cannot be opened and options.must_open.
  AsRunLog(std::filesystem::path path, const LocalDay& zone_and_day, AsRunLogOptions options = {});
  // Tries a last time; what still cannot be written is logged line by line (not lost).
  ~AsRunLog() override;
  AsRunLog(const AsRunLog&) = delete;
  AsRunLog& operator=(const AsRunLog&) = delete;

  void started(const AsRunRecord& r) override;
  void ended(const AsRunRecord& r) override;
  void event(const AsRunEvent& e) override;
  void retry() override;
  AsRunHealth health() const override;

  // Items started but never ended in an existing log (for recovery; also used by tests).
  static std::vector<nlohmann::json> unfinished(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return path_; }
  // Failed write attempts so far (the log keeps trying; playout never stops for it).
  std::size_t failures() const;

 private:
  void append(const nlohmann::json& j);
  void recover();
  // asrun_write.cpp; called with mutex_ held.
  void queue_locked(const nlohmann::json& j);
  void flush_locked();
  int open_for_append(std::string& error);
  bool write_line(int fd, const std::string& line, std::string& error);
  void note_failure(const std::string& error);

  std::filesystem::path path_;
  const LocalDay& local_;
  AsRunLogOptions options_;
  mutable std::mutex mutex_;
  std::deque<std::string> pending_;  // whole lines with their '\n', oldest first
  std::size_t unreported_lost_ = 0;  // dropped lines not yet noted in the file
  std::size_t lost_ = 0;
  std::size_t failures_ = 0;
  std::string error_;  // non-empty while writing fails
};

// One as-run file per broadcast day, FOLDER/YYYY-MM-DD.jsonl, chosen by each record's day.
// Files are opened on first use (recovering items a crash left in flight). A day's file that
// cannot be created (at midnight, say) never stops playout: its records wait in memory.
class AsRunFolder final : public AsRunSink {
 public:
  AsRunFolder(std::filesystem::path folder, const LocalDay& zone);
  void started(const AsRunRecord& r) override;
  void ended(const AsRunRecord& r) override;
  // In the file of the local date the event happened on.
  void event(const AsRunEvent& e) override;
  void retry() override;
  AsRunHealth health() const override;
  // Opens (and so recovers) the file of `day` now.
  void open(const std::string& day);
  std::filesystem::path file_for(const std::string& day) const { return folder_ / (day + ".jsonl"); }

 private:
  AsRunLog& log_for(const std::string& day);  // with mutex_ held
  std::filesystem::path folder_;
  const LocalDay& zone_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<AsRunLog>> logs_;
};

}  // namespace onair

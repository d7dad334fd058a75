#pragma once
// The as-run log, the station's broadcast record (DESIGN.md): one JSON object per line,
// appended and fsync'd; a "start" line when an item starts so a crash leaves a trace,
// and the full record when it ends. On open, an item left started without an end (a
// crash, kill -9, power loss) is recorded as `interrupted`.
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "scheduler/local_day.hpp"

namespace onair {

struct AsRunRecord {
  std::string day;      // broadcast day, YYYY-MM-DD
  std::string program;  // programme id ("" between programmes)
  std::size_t item = 0;
  std::string title, source;
  TimePoint scheduled, started, ended;
  Duration planned{0}, played{0};
  std::string status;   // played | cut | joined | skipped | failed | fill | silence | interrupted
  std::string detail;
};

// Where the engine sends its records: one log file, or a folder of per-day files.
class AsRunSink {
 public:
  virtual ~AsRunSink() = default;
  virtual void started(const AsRunRecord& r) = 0;  // the trace line
  virtual void ended(const AsRunRecord& r) = 0;    // the record
};

class AsRunLog final : public AsRunSink {
 public:
  // Opens (creating) the file for appending; records times in `zone`'s local time.
  // Throws std::runtime_error when the file cannot be opened.
  AsRunLog(std::filesystem::path path, const LocalDay& zone_and_day);
  ~AsRunLog() override;
  AsRunLog(const AsRunLog&) = delete;
  AsRunLog& operator=(const AsRunLog&) = delete;

  void started(const AsRunRecord& r) override;
  void ended(const AsRunRecord& r) override;

  // Items started but never ended in an existing log (for recovery; also used by tests).
  static std::vector<nlohmann::json> unfinished(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return path_; }
  // Write failures so far (the log keeps trying; playout never stops for it).
  std::size_t failures() const;

 private:
  void append(const nlohmann::json& j);
  void recover();

  std::filesystem::path path_;
  const LocalDay& local_;
  mutable std::mutex mutex_;
  int fd_ = -1;
  std::size_t failures_ = 0;
};

}  // namespace onair

namespace onair {

// One as-run file per broadcast day, FOLDER/YYYY-MM-DD.jsonl, chosen by each record's day.
// Files are opened on first use (recovering items a crash left in flight).
class AsRunFolder final : public AsRunSink {
 public:
  AsRunFolder(std::filesystem::path folder, const LocalDay& zone);
  void started(const AsRunRecord& r) override { log_for(r.day).started(r); }
  void ended(const AsRunRecord& r) override { log_for(r.day).ended(r); }
  // Opens (and so recovers) the file of `day` now.
  void open(const std::string& day) { log_for(day); }
  std::filesystem::path file_for(const std::string& day) const { return folder_ / (day + ".jsonl"); }

 private:
  AsRunLog& log_for(const std::string& day);
  std::filesystem::path folder_;
  const LocalDay& zone_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<AsRunLog>> logs_;
};

}  // namespace onair

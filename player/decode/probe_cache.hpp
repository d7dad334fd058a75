#pragma once
// A MediaProber decorator that remembers results across runs. An entry is valid while
// the file keeps its absolute path, size and modification time (ns), so a warm lookup
// costs one stat() and a hash lookup; only new or changed files reach the inner prober.
// Persisted as JSON; a missing or corrupt cache file just starts empty.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "scheduler/media_info.hpp"

namespace onair {

class ProbeCache final : public MediaProber {
 public:
  ProbeCache(std::unique_ptr<MediaProber> inner, std::filesystem::path cache_file);
  // Saves if anything changed (errors are logged, never thrown from here).
  ~ProbeCache() override;
  ProbeCache(const ProbeCache&) = delete;
  ProbeCache& operator=(const ProbeCache&) = delete;

  // Thread-safe; the inner prober runs outside the lock. Results that may be transient
  // (timeouts) and files that cannot be stat()ed are not cached.
  MediaInfo probe(const std::filesystem::path& file) override;
  // Loudness of a cue range, kept in the file's entry beside its duration (so a changed
  // file is measured again). Probes first when the entry is missing or stale.
  std::optional<LoudnessMeasure> measure(const std::filesystem::path& file, CueRange range) override;

  // Writes the cache atomically (temp file, fsync, rename). Throws std::runtime_error.
  void save();

  struct Counters {
    std::int64_t hits = 0, misses = 0;
    std::int64_t measure_hits = 0, measure_misses = 0;  // loudness: from the cache / scanned
  };
  Counters counters() const;
  std::size_t size() const;

 private:
  struct Entry {
    std::int64_t size = 0;
    std::int64_t mtime_ns = 0;
    MediaInfo info;
  };
  void load();
  struct Stat {
    std::filesystem::path abs;
    std::int64_t size = 0, mtime_ns = 0;
    bool ok = false;
  };
  static Stat stat_of(const std::filesystem::path& file);

  std::unique_ptr<MediaProber> inner_;
  std::filesystem::path file_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // by absolute path
  bool dirty_ = false;
  Counters counters_;
};

}  // namespace onair

#pragma once
// Free space on the disks the station writes to (as-run, logs, air-check recordings).
// The daemon polls it every `alarms.disk_check_interval` and raises or clears `disk_low`.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "station/alarms.hpp"

namespace onair {

class DiskMonitor {
 public:
  // `min_free_bytes` 0 disables the check.
  DiskMonitor(Alarms& alarms, std::vector<std::filesystem::path> paths, std::uint64_t min_free_bytes)
      : alarms_(alarms), paths_(std::move(paths)), min_free_bytes_(min_free_bytes) {}

  // One message per filesystem with less than `min_free_bytes` available (or nearly no free
  // inodes), naming the path(s) on it; also a message for a path whose space cannot be
  // read. A path that does not exist yet is checked on its nearest existing parent.
  static std::vector<std::string> check(const std::vector<std::filesystem::path>& paths,
                                        std::uint64_t min_free_bytes);

  // Checks and raises `disk_low` with the problems joined by "; " (when it starts or the
  // number of problems changes, not on every poll while the disk stays full), or clears it.
  // Returns the problems.
  std::vector<std::string> poll();

 private:
  Alarms& alarms_;
  std::vector<std::filesystem::path> paths_;
  std::uint64_t min_free_bytes_;
  std::size_t last_count_ = 0;
};

}  // namespace onair

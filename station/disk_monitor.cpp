#include "station/disk_monitor.hpp"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <map>

namespace onair {
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kMinFreeInodes = 100;

std::string megabytes(std::uint64_t bytes) {
  return fmt::format("{:.0f} MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

// The path itself, or its nearest parent that exists (folders created later).
fs::path existing_ancestor(const fs::path& p) {
  std::error_code ec;
  fs::path cur = p.is_relative() ? fs::absolute(p, ec) : p;
  while (!cur.empty() && !fs::exists(cur, ec)) {
    const fs::path parent = cur.parent_path();
    if (parent == cur) break;
    cur = parent;
  }
  return cur.empty() ? fs::path("/") : cur;
}

}  // namespace

std::vector<std::string> DiskMonitor::check(const std::vector<fs::path>& paths, std::uint64_t min_free_bytes) {
  std::vector<std::string> problems;
  if (min_free_bytes == 0) return problems;
  struct Fs {
    std::vector<std::string> names;
    struct statvfs st {};
  };
  std::map<dev_t, Fs> filesystems;
  std::vector<dev_t> order;
  for (const auto& p : paths) {
    const fs::path probe = existing_ancestor(p);
    struct stat sb {};
    struct statvfs vfs {};
    if (::stat(probe.c_str(), &sb) != 0 || ::statvfs(probe.c_str(), &vfs) != 0) {
      problems.push_back(fmt::format("cannot read the free space of {}: {}", p.string(), std::strerror(errno)));
      continue;
    }
    auto [it, inserted] = filesystems.try_emplace(sb.st_dev);
    if (inserted) {
      it->second.st = vfs;
      order.push_back(sb.st_dev);
    }
    it->second.names.push_back(p.string());
  }
  for (dev_t dev : order) {
    const Fs& f = filesystems[dev];
    std::string names = f.names.front();
    if (f.names.size() > 1) names += fmt::format(" (and {} on the same disk)", fmt::join(f.names.begin() + 1, f.names.end(), ", "));
    const std::uint64_t avail = static_cast<std::uint64_t>(f.st.f_bavail) * f.st.f_frsize;
    const std::uint64_t total = static_cast<std::uint64_t>(f.st.f_blocks) * f.st.f_frsize;
    if (avail < min_free_bytes) {
      problems.push_back(fmt::format("{}: {} free of {}, below the minimum of {}", names, megabytes(avail),
                                     megabytes(total), megabytes(min_free_bytes)));
    } else if (f.st.f_files > 0 && f.st.f_favail < kMinFreeInodes) {
      problems.push_back(fmt::format("{}: only {} free inodes left (files cannot be created)", names,
                                     static_cast<std::uint64_t>(f.st.f_favail)));
    }
  }
  return problems;
}

std::vector<std::string> DiskMonitor::poll() {
  auto problems = check(paths_, min_free_bytes_);
  if (problems.empty()) {
    alarms_.clear(AlarmKind::disk_low);
  } else if (!alarms_.is_active(AlarmKind::disk_low) || problems.size() != last_count_) {
    // Raised when it starts or what is affected changes, not on every poll.
    alarms_.raise(AlarmKind::disk_low, fmt::format("disk nearly full: {}", fmt::join(problems, "; ")));
  }
  last_count_ = problems.size();
  return problems;
}

}  // namespace onair

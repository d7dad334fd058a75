#include "player/asrun_log.hpp"
#include "player/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <spdlog/spdlog.h>
#include <stdexcept>

namespace onair {
namespace {

double seconds(Duration d) { return static_cast<double>(d.count()) / 1e6; }

std::shared_ptr<spdlog::logger> asrun_log() { return named_logger("asrun"); }

std::string key_of(const nlohmann::json& j) {
  return j.value("day", "") + "|" + j.value("program", "") + "|" + std::to_string(j.value("item", 0)) + "|" +
         j.value("source", "") + "|" + j.value("started", "");
}

}  // namespace

AsRunLog::AsRunLog(std::filesystem::path path, const LocalDay& local) : path_(std::move(path)), local_(local) {
  if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path());
  recover();
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot open as-run log " + path_.string() + ": " + std::strerror(errno));
  // Records that the recovery found are appended now that the file is open.
}

AsRunLog::~AsRunLog() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<nlohmann::json> AsRunLog::unfinished(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::map<std::string, nlohmann::json> open;
  std::vector<std::string> order;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;  // a torn last line after a crash
    const std::string key = key_of(j);
    if (j.value("event", "") == "start") {
      open[key] = j;
      order.push_back(key);
    } else {
      open.erase(key);
    }
  }
  std::vector<nlohmann::json> out;
  for (const auto& k : order)
    if (auto it = open.find(k); it != open.end()) {
      out.push_back(it->second);
      open.erase(it);
    }
  return out;
}

void AsRunLog::recover() {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) return;
  auto left = unfinished(path_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) return;
  // A torn last line (a crash mid-write) would glue onto our next record: end it.
  {
    std::ifstream in(path_, std::ios::binary | std::ios::ate);
    const auto size = static_cast<std::streamoff>(in.tellg());
    if (size > 0) {
      in.seekg(size - 1);
      char c = 0;
      in.get(c);
      if (c != '\n') (void)!::write(fd_, "\n", 1);
    }
  }
  if (left.empty()) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  for (auto& j : left) {
    j.erase("event");
    j["ended"] = nullptr;
    j["played_s"] = nullptr;
    j["status"] = "interrupted";
    j["detail"] = "the player stopped (crash, kill or power loss) while this item was on air; "
                  "it ended at an unknown time after it started";
    append(j);
    asrun_log()->warn("as-run: {} item {} '{}' was interrupted by a crash", j.value("program", ""),
                      j.value("item", 0), j.value("title", ""));
  }
  ::close(fd_);
  fd_ = -1;
}

void AsRunLog::append(const nlohmann::json& j) {
  std::lock_guard lock(mutex_);
  const std::string line = j.dump() + "\n";
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      ++failures_;
      asrun_log()->error("as-run log {}: write failed: {}", path_.string(), std::strerror(errno));
      return;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd_) != 0) {
    ++failures_;
    asrun_log()->error("as-run log {}: fsync failed: {}", path_.string(), std::strerror(errno));
  }
}

void AsRunLog::started(const AsRunRecord& r) {
  append({{"event", "start"},
          {"day", r.day},
          {"program", r.program},
          {"item", r.item},
          {"title", r.title},
          {"source", r.source},
          {"scheduled", local_.iso(r.scheduled)},
          {"started", local_.iso(r.started)},
          {"offset_ms", std::chrono::duration_cast<std::chrono::milliseconds>(r.started - r.scheduled).count()},
          {"planned_s", seconds(r.planned)}});
}

void AsRunLog::ended(const AsRunRecord& r) {
  append({{"day", r.day},
          {"program", r.program},
          {"item", r.item},
          {"title", r.title},
          {"source", r.source},
          {"scheduled", local_.iso(r.scheduled)},
          {"started", local_.iso(r.started)},
          {"ended", local_.iso(r.ended)},
          {"offset_ms", std::chrono::duration_cast<std::chrono::milliseconds>(r.started - r.scheduled).count()},
          {"planned_s", seconds(r.planned)},
          {"played_s", seconds(r.played)},
          {"status", r.status},
          {"detail", r.detail}});
}

std::size_t AsRunLog::failures() const {
  std::lock_guard lock(mutex_);
  return failures_;
}

AsRunFolder::AsRunFolder(std::filesystem::path folder, const LocalDay& zone) : folder_(std::move(folder)), zone_(zone) {
  std::filesystem::create_directories(folder_);
}

AsRunLog& AsRunFolder::log_for(const std::string& day) {
  std::lock_guard lock(mutex_);
  auto& log = logs_[day.empty() ? std::string("unknown-day") : day];
  if (!log) {
    log = std::make_unique<AsRunLog>(file_for(day.empty() ? "unknown-day" : day), zone_);
    // Keep the two most recent days open; older ones are done.
    while (logs_.size() > 3) logs_.erase(logs_.begin());
  }
  return *log;
}

}  // namespace onair

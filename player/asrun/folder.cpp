// One as-run file per broadcast day. Opening a day's file never throws (it is done on the
// engine thread, e.g. at midnight): a file that cannot be made holds its records in memory.
#include <spdlog/spdlog.h>

#include "player/asrun/log.hpp"
#include "player/log.hpp"

namespace onair {

AsRunFolder::AsRunFolder(std::filesystem::path folder, const LocalDay& zone) : folder_(std::move(folder)), zone_(zone) {
  std::error_code ec;
  std::filesystem::create_directories(folder_, ec);
  if (ec)
    named_logger("asrun")->error("as-run folder {} cannot be made ({}); records wait in memory until it can",
                                 folder_.string(), ec.message());
}

void AsRunFolder::started(const AsRunRecord& r) {
  std::lock_guard lock(mutex_);
  log_for(r.day).started(r);
}

void AsRunFolder::ended(const AsRunRecord& r) {
  std::lock_guard lock(mutex_);
  log_for(r.day).ended(r);
}

void AsRunFolder::event(const AsRunEvent& e) {
  const auto local = zone_.zone()->to_local(e.at);
  const std::string day = date::format("%F", date::floor<date::days>(local));
  std::lock_guard lock(mutex_);
  log_for(day).event(e);
}

void AsRunFolder::open(const std::string& day) {
  std::lock_guard lock(mutex_);
  log_for(day);
}

void AsRunFolder::retry() {
  std::lock_guard lock(mutex_);
  for (auto& [day, log] : logs_) log->retry();
}

AsRunHealth AsRunFolder::health() const {
  std::lock_guard lock(mutex_);
  AsRunHealth all;
  for (const auto& [day, log] : logs_) {
    const AsRunHealth h = log->health();
    all.pending += h.pending;
    all.lost += h.lost;
    if (!h.ok && all.ok) {  // name the oldest file in trouble
      all.ok = false;
      all.error = h.error;
      all.file = h.file;
    }
  }
  return all;
}

AsRunLog& AsRunFolder::log_for(const std::string& day) {
  const std::string name = day.empty() ? std::string("unknown-day") : day;
  auto& log = logs_[name];
  if (!log) {
    AsRunLogOptions options;
    options.must_open = false;
    log = std::make_unique<AsRunLog>(file_for(name), zone_, options);
    // Keep the most recent days open; an older one is done once all it holds is written.
    for (auto it = logs_.begin(); logs_.size() > 3 && it != logs_.end();) {
      if (it->first != name && it->second->health().ok) it = logs_.erase(it);
      else ++it;
    }
  }
  return *log;
}

}  // namespace onair

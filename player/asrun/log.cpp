#include "player/asrun/log.hpp"
#include "player/log.hpp"

#include <unistd.h>

#include <cmath>
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

AsRunLog::AsRunLog(std::filesystem::path path, const LocalDay& local, AsRunLogOptions options)
    : path_(std::move(path)), local_(local), options_(options) {
  std::lock_guard lock(mutex_);
  std::string error;
  const int fd = open_for_append(error);  // creates the folder and file, ends a torn last line
  if (fd >= 0) {
    ::close(fd);
  } else if (options_.must_open) {
    throw std::runtime_error("cannot open as-run log " + path_.string() + ": " + error);
  } else {
    note_failure(error);
  }
  recover();
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
    } else if (!j.contains("event")) {  // a record ends its start; other events belong to no item
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
  if (!std::filesystem::is_regular_file(path_, ec)) return;
  for (auto& j : unfinished(path_)) {
    j.erase("event");
    j["ended"] = nullptr;
    j["played_s"] = nullptr;
    j["status"] = to_string(AsRunStatus::interrupted);
    j["detail"] = "the player stopped (crash, kill or power loss) while this item was on air; "
                  "it ended at an unknown time after it started";
    queue_locked(j);
    asrun_log()->warn("as-run: {} item {} '{}' was interrupted by a crash", j.value("program", ""),
                      j.value("item", 0), j.value("title", ""));
  }
  flush_locked();
}

void AsRunLog::append(const nlohmann::json& j) {
  std::lock_guard lock(mutex_);
  try {
    queue_locked(j);
    flush_locked();
  } catch (const std::exception& e) {  // out of memory: say so, but never stop playout
    asrun_log()->error("as-run log {}: record not kept ({}): {}", path_.string(), e.what(),
                       j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

namespace {

void add_bulletin(nlohmann::json& j, const AsRunRecord& r) {
  if (!r.bulletin) return;
  j["bulletin"] = r.bulletin->id;
  j["level"] = to_string(r.bulletin->level);
  j["airing"] = r.bulletin->airing;
}

}  // namespace

void AsRunLog::started(const AsRunRecord& r) {
  nlohmann::json j{{"event", "start"},
          {"day", r.day},
          {"program", r.program},
          {"item", r.item},
          {"title", r.title},
          {"source", r.source},
          {"scheduled", local_.iso(r.scheduled)},
          {"started", local_.iso(r.started)},
          {"offset_ms", std::chrono::duration_cast<std::chrono::milliseconds>(r.started - r.scheduled).count()},
          {"planned_s", seconds(r.planned)}};
  add_bulletin(j, r);
  append(j);
}

void AsRunLog::ended(const AsRunRecord& r) {
  nlohmann::json j{{"day", r.day},
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
          {"status", to_string(r.status)},
          {"detail", r.detail}};
  // One decimal: a meter reads to 0.1 LU; silence (-inf) has no loudness.
  auto level = [](double v) { return std::isfinite(v) ? nlohmann::json(std::round(v * 10.0) / 10.0) : nlohmann::json(nullptr); };
  if (r.lufs) j["lufs"] = level(*r.lufs);
  if (r.true_peak_db) j["true_peak_db"] = level(*r.true_peak_db);
  add_bulletin(j, r);
  append(j);
}

const char* to_string(AsRunEventKind kind) {
  switch (kind) {
    case AsRunEventKind::output_connected: return "output_connected";
    case AsRunEventKind::output_disconnected: return "output_disconnected";
  }
  return "?";
}

void AsRunLog::event(const AsRunEvent& e) {
  append({{"event", to_string(e.kind)}, {"at", local_.iso(e.at)}, {"output", e.output}, {"detail", e.detail}});
}

std::size_t AsRunLog::failures() const {
  std::lock_guard lock(mutex_);
  return failures_;
}

}  // namespace onair

#include "scheduler/timeline.hpp"

#include <stdexcept>

#include "scheduler/media_paths.hpp"

namespace onair {
namespace {

std::string absolute_source(const Schedule& s, const std::string& source) {
  if (source.empty()) return source;
  return resolve_media_path(s.media_root, source).path.string();
}

LocalDay first_local(const std::vector<BroadcastDay>& days) {
  if (days.empty()) throw std::invalid_argument("a timeline needs at least one day");
  return LocalDay(days.front().schedule.timezone, days.front().schedule.date);
}

}  // namespace

Timeline::Timeline(std::vector<BroadcastDay> days) : days_(std::move(days)), local_(first_local(days_)) {
  const auto first = date::sys_days(days_.front().schedule.date);
  merged_ = days_.front().schedule;
  merged_.programs.clear();
  merged_.media_root = "/";  // sources below are absolute
  for (std::size_t d = 0; d < days_.size(); ++d) {
    const Schedule& s = days_[d].schedule;
    const auto offset = std::chrono::duration_cast<Duration>(date::sys_days(s.date) - first);
    for (std::size_t i = 0; i < s.programs.size(); ++i) {
      Program p = s.programs[i];
      p.at += offset;
      if (p.end) *p.end += offset;
      for (std::size_t k = 0; k < p.items.size(); ++k) {
        Item& item = p.items[k];
        item.uid = std::hash<std::string>{}(date::format("%F", date::sys_days(s.date)) + "/" + s.programs[i].id + "/" +
                                             std::to_string(k));
        if (item.kind == ItemKind::file && !item.generated) item.source = absolute_source(s, item.source);
        item.fallback = absolute_source(s, item.fallback);
        if (item.until) *item.until += offset;
        uids_.insert(item.uid);
      }
      merged_.programs.push_back(std::move(p));
      program_day_.push_back(d);
      program_index_.push_back(i);
    }
  }
}

Plan Timeline::plan(const PlayFacts* facts) const {
  auto lookup = [this](const Item& item) -> std::optional<Duration> {
    if (item.kind != ItemKind::file) return std::nullopt;
    return media_duration(item.source);
  };
  return make_plan(merged_, local_, lookup, nullptr, facts);
}

std::optional<Duration> Timeline::media_duration(const std::string& absolute_path) const {
  for (const auto& d : days_) {
    auto it = d.media.files.find(absolute_path);
    if (it != d.media.files.end()) {
      if (!it->second.ok) return std::nullopt;
      return it->second.duration;
    }
  }
  return std::nullopt;
}

std::string Timeline::date_of(std::size_t program) const {
  return date::format("%F", date::sys_days(days_[program_day_[program]].schedule.date));
}

}  // namespace onair

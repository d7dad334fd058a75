#pragma once
// Consecutive broadcast days joined into one schedule, so a programme running past
// midnight keeps playing and the next day continues the timeline without a gap or jump.
#include <unordered_set>
#include <vector>

#include "scheduler/plan.hpp"
#include "scheduler/validator.hpp"

namespace onair {

struct BroadcastDay {
  Schedule schedule;
  MediaTable media;
};

class Timeline {
 public:
  // `days` must be consecutive dates, earliest first, at least one.
  explicit Timeline(std::vector<BroadcastDay> days);

  // Plans the joined days; facts are keyed by merged programme index.
  Plan plan(const PlayFacts* facts = nullptr) const;

  const Schedule& merged() const { return merged_; }
  const LocalDay& local() const { return local_; }
  const BroadcastDay& day(std::size_t index) const { return days_[index]; }
  std::size_t day_count() const { return days_.size(); }
  // Which day a merged programme comes from, and its index in that day's schedule.
  std::size_t day_of(std::size_t program) const { return program_day_[program]; }
  std::size_t index_in_day(std::size_t program) const { return program_index_[program]; }
  // The date of a merged programme's broadcast day, YYYY-MM-DD.
  std::string date_of(std::size_t program) const;
  // An item of this timeline has this uid (what the engine remembers of others can go).
  bool has_item(std::uint64_t uid) const { return uids_.contains(uid); }
  // A file's duration (absolute path) as probed, if known.
  std::optional<Duration> media_duration(const std::string& absolute_path) const;

 private:
  std::vector<BroadcastDay> days_;
  Schedule merged_;
  LocalDay local_;
  std::vector<std::size_t> program_day_, program_index_;
  std::unordered_set<std::uint64_t> uids_;  // made with the timeline, not where it is used
};

}  // namespace onair

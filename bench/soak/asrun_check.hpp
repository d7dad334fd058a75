#pragma once
// Checks the station's as-run folder against what the soak's schedules air: every scheduled
// item of the simulated span has exactly one record, aired in full at its scheduled time;
// nothing failed, was skipped or cut; fill days have no dead air between records.
#include <filesystem>
#include <string>
#include <vector>

#include "soak/soak_schedule.hpp"
#include "scheduler/local_day.hpp"

namespace onair::soak {

struct AsRunSummary {
  std::size_t records = 0, programme_items = 0, fill = 0, silence = 0, interrupted = 0;
  std::vector<std::string> problems;  // empty = sane; at most a few dozen kept
};

// `end` is the simulated time the run stopped at: items that would end later are not expected.
AsRunSummary check_asrun(const std::filesystem::path& folder, const std::vector<ExpectedDay>& days,
                         const std::string& zone, TimePoint end);

}  // namespace onair::soak

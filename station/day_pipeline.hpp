#pragma once
// Load → validate media → plan: the pipeline shared by check, plan and (later) render/play.
#include <memory>
#include <optional>

#include "scheduler/loader.hpp"
#include "scheduler/local_day.hpp"
#include "scheduler/plan.hpp"
#include "scheduler/validator.hpp"

namespace onair {

struct LoadedDay {
  Schedule schedule;
  std::unique_ptr<LocalDay> day;  // null when the time zone is unusable
  MediaTable media;
  Plan plan;
};

// Runs as far as the schedule allows; every problem is in `diags`. nullopt only when
// nothing could be built (unreadable file, no date, not a mapping).
std::optional<LoadedDay> load_day(const std::filesystem::path& file, const LoadOptions& options, MediaProber& prober,
                                  Diagnostics& diags);

}  // namespace onair

#pragma once
// Loads a day's schedule from YAML: the v1 core of DESIGN.md plus templates
// (docs/schedule-format.md). Problems are reported to `diags`; nothing throws.
#include <cstdint>
#include <filesystem>
#include <optional>

#include "scheduler/diagnostics.hpp"
#include "scheduler/model.hpp"

namespace onair {

struct LoadOptions {
  std::optional<std::filesystem::path> media_root;  // --media-root; beats the file's own
  std::optional<date::year_month_day> date;         // build this day (e.g. from a template)
  std::uintmax_t max_file_bytes = 4 * 1024 * 1024;  // schedules are small; refuse runaway files
};

// Returns the schedule when it could be built, even with errors in some entries (so
// `check` reports everything at once); callers must look at diags.has_errors().
std::optional<Schedule> load_schedule(const std::filesystem::path& file, const LoadOptions& options,
                                      Diagnostics& diags);

}  // namespace onair

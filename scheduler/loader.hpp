#pragma once
// Loads a day's schedule from YAML: the v1 core of DESIGN.md plus templates
// (docs/schedule-format.md). Problems are reported to `diags`; nothing throws.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>

#include "scheduler/diagnostics.hpp"
#include "scheduler/model.hpp"

namespace onair {

struct LoadOptions {
  std::optional<std::filesystem::path> media_root;  // --media-root; beats the file's own
  std::optional<date::year_month_day> date;         // build this day (e.g. from a template)
  std::optional<LoudnessSpec> loudness;             // the station config's `loudness:` (below templates)
  std::uintmax_t max_file_bytes = 4 * 1024 * 1024;  // schedules are small; refuse runaway files
  // Per day (and per file): far above what a station airs (one programme every 9 s, all day),
  // low enough that a runaway or hostile file is refused before it costs time and memory.
  std::size_t max_programs = 10'000;
  std::size_t max_items = 100'000;
  // Renders `say:` items ahead of air (player/speech: espeak-ng behind its cache); without
  // one, spoken items are errors.
  SpeechRenderer* speech = nullptr;
};

// Returns the schedule when it could be built, even with errors in some entries (so
// `check` reports everything at once); callers must look at diags.has_errors().
std::optional<Schedule> load_schedule(const std::filesystem::path& file, const LoadOptions& options,
                                      Diagnostics& diags);

}  // namespace onair

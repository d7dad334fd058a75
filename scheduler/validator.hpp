#pragma once
// The checks of `onair check` that need the media: paths, decodability, cue points,
// fades and crossfades against real durations, the fill pool.
#include <map>
#include <string>
#include <vector>

#include "scheduler/media_info.hpp"
#include "scheduler/model.hpp"
#include "scheduler/plan.hpp"

namespace onair {

// Media facts for a schedule, keyed by the absolute path of each file.
struct MediaTable {
  std::map<std::filesystem::path, MediaInfo> files;
  std::vector<std::filesystem::path> fill;  // decodable fill files, sorted by name

  // Lookup for the planner: a file item's media duration, if known.
  MediaDurationLookup durations(const Schedule& schedule) const;
};

// Probes every file the schedule names (each once) and reports problems to diags.
MediaTable validate_media(const Schedule& schedule, MediaProber& prober, Diagnostics& diags);

// Audio file extensions taken from a fill folder.
bool looks_like_audio(const std::filesystem::path& file);

}  // namespace onair

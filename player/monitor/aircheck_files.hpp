#pragma once
// Air-check file naming, local hours and retention (no audio; used by AirCheckRecorder
// and directly by tests).
//
// Layout: ROOT/YYYY-MM-DD/HH.EXT, the local date and hour of the recording. When HH.EXT
// already exists (a restart within the hour, or the repeated hour when daylight saving
// time ends) the new file is HH_MMSS.EXT (local minute and second of its first frame),
// then HH_MMSS_2.EXT, ... so an earlier recording is never overwritten.
#include <date/date.h>
#include <date/tz.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/local_day.hpp"

namespace onair::aircheck {

// The local clock hour an instant belongs to, as a span of instants.
struct HourSlot {
  date::local_seconds local_hour;  // local date and time of the hour (HH:00:00)
  TimePoint start;                 // first instant of the slot
  TimePoint end;                   // first instant of the next slot (next hour or a UTC
                                   // offset change, whichever comes first)
};
HourSlot hour_slot(const date::time_zone& zone, TimePoint t);

// Local date-time of an instant in a zone, to the second (floored).
date::local_seconds local_seconds_of(const date::time_zone& zone, TimePoint t);

// ROOT/YYYY-MM-DD for a local date.
std::filesystem::path day_folder(const std::filesystem::path& root, date::local_days day);

// A file name for a new recording of `hour` starting at `first_frame` (local) that does not
// exist yet in ROOT/YYYY-MM-DD (which is not created here). `ext` without the dot.
std::filesystem::path new_hour_file(const std::filesystem::path& root, date::local_seconds hour,
                                    date::local_seconds first_frame, std::string_view ext);

// The local hour of an air-check file given its day folder name and file name, or nullopt
// when the names do not follow the pattern (such files are never touched).
std::optional<date::local_seconds> parse_hour_file(std::string_view day_folder_name,
                                                   std::string_view file_name);

struct RetentionReport {
  int files_deleted = 0;
  int folders_deleted = 0;
  std::vector<std::string> deleted;  // paths, for the log
  std::vector<std::string> errors;   // one message per failure
};

// Deletes hour files whose whole hour ended at least `retention_days` days before
// `now_local`, then day folders that are left empty and lie wholly before that cutoff.
// Only names following the pattern are deleted; anything else (and any folder still
// holding something) is kept. retention_days <= 0 deletes nothing. Never throws.
RetentionReport apply_retention(const std::filesystem::path& root, date::local_seconds now_local,
                                int retention_days);

}  // namespace onair::aircheck

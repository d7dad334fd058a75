#include "station/day_files.hpp"

#include "scheduler/placeholders.hpp"

namespace onair {

namespace fs = std::filesystem;

std::string iso_date(date::year_month_day day) { return date::format("%F", date::sys_days(day)); }

std::optional<DayScheduleFile> find_day_schedule(const fs::path& schedules, date::year_month_day day) {
  std::error_code ec;
  const fs::path day_file = schedules / (iso_date(day) + ".yaml");
  if (fs::is_regular_file(day_file, ec)) return DayScheduleFile{day_file, "day file"};
  const std::string weekday = weekday_name(date::weekday(date::sys_days(day))) + ".yaml";
  const fs::path weekday_file = schedules / "templates" / weekday;
  if (fs::is_regular_file(weekday_file, ec)) return DayScheduleFile{weekday_file, "weekday template " + weekday};
  const fs::path fallback = schedules / "templates" / "default.yaml";
  if (fs::is_regular_file(fallback, ec)) return DayScheduleFile{fallback, "default template"};
  return std::nullopt;
}

}  // namespace onair

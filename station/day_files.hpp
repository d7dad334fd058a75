#pragma once
// Which file schedules a date: `SCHEDULES/YYYY-MM-DD.yaml`, else the weekday template
// `SCHEDULES/templates/monday.yaml` … `sunday.yaml`, else `SCHEDULES/templates/default.yaml`.
#include <date/date.h>

#include <filesystem>
#include <optional>
#include <string>

namespace onair {

struct DayScheduleFile {
  std::filesystem::path file;
  std::string origin;  // "day file", "weekday template monday.yaml", "default template"
};

std::optional<DayScheduleFile> find_day_schedule(const std::filesystem::path& schedules, date::year_month_day day);

std::string iso_date(date::year_month_day day);

}  // namespace onair

#pragma once
// A broadcast day in its time zone: maps the schedule's local times of day to instants.
//
// Daylight-saving policy (docs/schedule-format.md): a local time that does not exist
// (skipped by a spring-forward change) airs at the same distance after the change,
// i.e. shifted forward by the gap (02:30 → 03:30 CEST), as java.time and mktime do.
// A local time that occurs twice (fall back) airs at its first occurrence.
// `check` warns about both.
#include <chrono>
#include <date/date.h>
#include <date/tz.h>
#include <string>

#include "scheduler/timecode.hpp"

namespace onair {

using TimePoint = std::chrono::sys_time<std::chrono::microseconds>;

enum class LocalTimeKind { unique, nonexistent, ambiguous };

struct ResolvedTime {
  TimePoint time;
  LocalTimeKind kind = LocalTimeKind::unique;
};

class LocalDay {
 public:
  // An empty zone name means the machine's local zone. Throws std::runtime_error for an
  // unknown zone (the loader has reported it already).
  LocalDay(const std::string& zone_name, date::year_month_day day);

  // The instant of a local time of day on this date; `time_of_day` may exceed 24 h to
  // mean the following days.
  ResolvedTime at(Duration time_of_day) const;
  // The first instant at or after `not_before` whose local time of day is `time_of_day`.
  ResolvedTime next_at(Duration time_of_day, TimePoint not_before) const;

  // ISO-8601 local time with offset, millisecond precision: 2011-11-26T05:30:00.000+07:00
  std::string iso(TimePoint t) const;
  // "HH:MM:SS.mmm" local clock time; a "+1" suffix on later days.
  std::string clock(TimePoint t) const;

  date::year_month_day day() const { return day_; }
  const date::time_zone* zone() const { return zone_; }
  TimePoint midnight() const { return at(Duration{0}).time; }

 private:
  const date::time_zone* zone_;
  date::year_month_day day_;
};

}  // namespace onair

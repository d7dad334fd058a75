#include "scheduler/local_day.hpp"

#include <fmt/format.h>

#include <sstream>

namespace onair {

LocalDay::LocalDay(const std::string& zone_name, date::year_month_day day)
    : zone_(zone_name.empty() ? date::current_zone() : date::locate_zone(zone_name)), day_(day) {}

ResolvedTime LocalDay::at(Duration time_of_day) const {
  const auto local = date::local_days(day_) + time_of_day;
  const auto info = zone_->get_info(date::floor<std::chrono::seconds>(local));
  using LI = date::local_info;
  switch (info.result) {
    case LI::unique:
      return {TimePoint(local.time_since_epoch() - info.first.offset), LocalTimeKind::unique};
    case LI::nonexistent:
      // Use the offset in force before the gap: lands the same distance past the change.
      return {TimePoint(local.time_since_epoch() - info.first.offset), LocalTimeKind::nonexistent};
    case LI::ambiguous:
    default:
      return {TimePoint(local.time_since_epoch() - info.first.offset), LocalTimeKind::ambiguous};
  }
}

ResolvedTime LocalDay::next_at(Duration time_of_day, TimePoint not_before) const {
  for (int days = 0; days < 3; ++days) {
    auto r = at(time_of_day + std::chrono::hours(24 * days));
    if (r.time >= not_before) return r;
  }
  return at(time_of_day + std::chrono::hours(72));
}

std::string LocalDay::iso(TimePoint t) const {
  const auto ms = date::round<std::chrono::milliseconds>(t);
  const auto info = zone_->get_info(ms);
  const auto local = ms + info.offset;
  const auto off = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
  std::ostringstream out;
  out << date::format("%FT%T", local);
  return out.str() + fmt::format("{}{:02}:{:02}", off < 0 ? '-' : '+', std::abs(off) / 60, std::abs(off) % 60);
}

std::string LocalDay::clock(TimePoint t) const {
  const auto ms = date::round<std::chrono::milliseconds>(t);
  const auto local = ms + zone_->get_info(ms).offset;
  const auto day = date::floor<date::days>(local);
  const auto tod = local - day;
  std::string out = format_time_of_day(std::chrono::duration_cast<Duration>(tod));
  const auto diff = (day - date::sys_days(day_)).count();
  if (diff != 0) out += fmt::format("{:+}", diff);
  return out;
}

}  // namespace onair

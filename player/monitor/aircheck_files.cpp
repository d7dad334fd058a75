#include "player/monitor/aircheck_files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <system_error>

namespace onair::aircheck {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

TimePoint to_time_point(date::sys_seconds s) { return TimePoint(s.time_since_epoch()); }

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

bool known_extension(std::string_view ext) { return ext == "mp3" || ext == "opus"; }

}  // namespace

HourSlot hour_slot(const date::time_zone& zone, TimePoint t) {
  const auto secs = date::floor<seconds>(t);
  const date::sys_info info = zone.get_info(secs);
  const date::local_seconds local{secs.time_since_epoch() + info.offset};
  const auto hour = date::floor<hours>(local);
  date::sys_seconds start{(hour - info.offset).time_since_epoch()};
  date::sys_seconds end{(hour + hours(1) - info.offset).time_since_epoch()};
  // A UTC offset change inside the hour (daylight saving time) ends the slot there.
  if (info.begin > start) start = info.begin;
  if (info.end < end) end = info.end;
  return HourSlot{date::local_seconds(hour), to_time_point(start), to_time_point(end)};
}

date::local_seconds local_seconds_of(const date::time_zone& zone, TimePoint t) {
  const auto secs = date::floor<seconds>(t);
  return date::local_seconds{secs.time_since_epoch() + zone.get_info(secs).offset};
}

std::filesystem::path day_folder(const std::filesystem::path& root, date::local_days day) {
  const date::year_month_day ymd{day};
  return root / fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                            static_cast<unsigned>(ymd.day()));
}

std::filesystem::path new_hour_file(const std::filesystem::path& root, date::local_seconds hour,
                                    date::local_seconds first_frame, std::string_view ext) {
  const auto day = date::floor<date::days>(hour);
  const auto folder = day_folder(root, day);
  const auto hh = date::floor<hours>(hour - day).count();
  std::error_code ec;
  auto candidate = folder / fmt::format("{:02}.{}", hh, ext);
  if (!std::filesystem::exists(candidate, ec)) return candidate;
  // Minute and second of the first frame within its hour.
  const auto into_hour = std::clamp<seconds::rep>((first_frame - hour).count(), 0, 3599);
  const auto mmss = fmt::format("{:02}_{:02}{:02}", hh, into_hour / 60, into_hour % 60);
  candidate = folder / fmt::format("{}.{}", mmss, ext);
  for (int n = 2; std::filesystem::exists(candidate, ec) && n < 100000; ++n)
    candidate = folder / fmt::format("{}_{}.{}", mmss, n, ext);
  return candidate;
}

std::optional<date::local_seconds> parse_hour_file(std::string_view day_name, std::string_view file_name) {
  // YYYY-MM-DD
  if (day_name.size() != 10 || day_name[4] != '-' || day_name[7] != '-') return std::nullopt;
  if (!all_digits(day_name.substr(0, 4)) || !all_digits(day_name.substr(5, 2)) || !all_digits(day_name.substr(8, 2)))
    return std::nullopt;
  const date::year_month_day ymd{date::year(to_int(day_name.substr(0, 4))),
                                 date::month(static_cast<unsigned>(to_int(day_name.substr(5, 2)))),
                                 date::day(static_cast<unsigned>(to_int(day_name.substr(8, 2))))};
  if (!ymd.ok()) return std::nullopt;

  // HH[_MMSS[_N]].(mp3|opus)
  const auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos || !known_extension(file_name.substr(dot + 1))) return std::nullopt;
  const std::string_view stem = file_name.substr(0, dot);
  if (stem.size() < 2 || !all_digits(stem.substr(0, 2))) return std::nullopt;
  const int hh = to_int(stem.substr(0, 2));
  if (hh > 23) return std::nullopt;
  std::string_view rest = stem.substr(2);
  if (!rest.empty()) {
    if (rest.size() < 5 || rest[0] != '_' || !all_digits(rest.substr(1, 4))) return std::nullopt;
    if (to_int(rest.substr(1, 2)) > 59 || to_int(rest.substr(3, 2)) > 59) return std::nullopt;
    rest = rest.substr(5);
    if (!rest.empty() && (rest[0] != '_' || !all_digits(rest.substr(1)))) return std::nullopt;
  }
  return date::local_seconds(date::local_days(ymd)) + hours(hh);
}

RetentionReport apply_retention(const std::filesystem::path& root, date::local_seconds now_local,
                                int retention_days) {
  namespace fs = std::filesystem;
  RetentionReport report;
  if (retention_days <= 0) return report;
  const date::local_seconds cutoff = now_local - date::days(retention_days);
  std::error_code ec;
  std::vector<fs::path> days;
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_directory(type_ec) && !it->is_symlink(type_ec)) days.push_back(it->path());
  }
  // A missing root (or a file in its place) holds nothing to delete; opening the next
  // recording reports it.
  if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory)
    report.errors.push_back(fmt::format("cannot list {}: {}", root.string(), ec.message()));

  for (const auto& day : days) {
    const std::string day_name = day.filename().string();
    // The day must follow the pattern itself (any file name would do for the check).
    if (!parse_hour_file(day_name, "00.mp3")) continue;
    std::vector<fs::path> doomed;
    std::error_code list_ec;
    for (fs::directory_iterator it(day, list_ec), end; !list_ec && it != end; it.increment(list_ec)) {
      std::error_code type_ec;
      if (!it->is_regular_file(type_ec)) continue;
      const auto hour = parse_hour_file(day_name, it->path().filename().string());
      if (hour && *hour + hours(1) <= cutoff) doomed.push_back(it->path());
    }
    if (list_ec) {
      report.errors.push_back(fmt::format("cannot list {}: {}", day.string(), list_ec.message()));
      continue;
    }
    for (const auto& f : doomed) {
      std::error_code rm_ec;
      if (fs::remove(f, rm_ec)) {
        ++report.files_deleted;
        report.deleted.push_back(f.string());
      } else if (rm_ec) {
        report.errors.push_back(fmt::format("cannot delete {}: {}", f.string(), rm_ec.message()));
      }
    }
    const auto day_start = parse_hour_file(day_name, "00.mp3");
    std::error_code empty_ec;
    if (*day_start + date::days(1) <= cutoff && fs::is_empty(day, empty_ec) && !empty_ec) {
      std::error_code rm_ec;
      if (fs::remove(day, rm_ec)) {
        ++report.folders_deleted;
        report.deleted.push_back(day.string());
      } else if (rm_ec) {
        report.errors.push_back(fmt::format("cannot delete {}: {}", day.string(), rm_ec.message()));
      }
    }
  }
  return report;
}

}  // namespace onair::aircheck

#include "station/broadcast_days.hpp"

#include <algorithm>
#include <iostream>
#include <regex>

namespace onair {

namespace fs = std::filesystem;

std::optional<Timeline> load_timeline(const fs::path& file, const LoadOptions& options, MediaProber& prober,
                                      Diagnostics& diags, int days_before, int days_after) {
  auto main_day = load_day(file, options, prober, diags);
  if (!main_day || !main_day->day) return std::nullopt;
  const auto date = main_day->schedule.date;
  auto sibling = [&](int offset) -> std::optional<BroadcastDay> {
    const auto d = date::year_month_day(date::sys_days(date) + date::days(offset));
    const fs::path path = file.parent_path() / (date::format("%F", date::sys_days(d)) + ".yaml");
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return std::nullopt;
    LoadOptions o = options;
    o.date = d;
    auto loaded = load_day(path, o, prober, diags);
    if (!loaded || !loaded->day) return std::nullopt;
    return BroadcastDay{std::move(loaded->schedule), std::move(loaded->media)};
  };
  std::vector<BroadcastDay> days;
  for (int k = 1; k <= days_before; ++k) {
    auto d = sibling(-k);
    if (!d) break;
    days.insert(days.begin(), std::move(*d));
  }
  days.push_back({std::move(main_day->schedule), std::move(main_day->media)});
  for (int k = 1; k <= days_after; ++k) {
    auto d = sibling(k);
    if (!d) break;
    days.push_back(std::move(*d));
  }
  return Timeline(std::move(days));
}

std::optional<Timeline> load_timeline_for_playout(const std::string& schedule,
                                                  const std::optional<fs::path>& media_root, MediaProber& prober,
                                                  const char* verb) {
  Diagnostics diags;
  LoadOptions options;
  options.media_root = media_root;
  auto timeline = load_timeline(schedule, options, prober, diags, 1, 2);
  for (const auto& d : diags.items())
    if (d.severity == Severity::error) std::cerr << d.format() << "\n";
  if (!timeline) std::cerr << "onair: cannot " << verb << " " << schedule << ": the schedule could not be loaded\n";
  return timeline;
}

std::optional<TimePoint> parse_when(const std::string& text, const LocalDay& day, std::string& error) {
  static const std::regex iso(R"(^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(Z|[+-]\d{2}:?\d{2})?$)");
  std::smatch m;
  if (std::regex_match(text, m, iso)) {
    const date::year_month_day ymd{date::year(std::stoi(m[1].str())), date::month(std::stoul(m[2].str())),
                                   date::day(std::stoul(m[3].str()))};
    if (!ymd.ok()) {
      error = "invalid date in '" + text + "'";
      return std::nullopt;
    }
    const date::sys_days d(ymd);
    auto tod = parse_time_of_day(m[4].str());
    if (!tod.value) {
      error = "invalid time in '" + text + "': " + tod.error;
      return std::nullopt;
    }
    if (m[5].matched) {
      std::string off = m[5].str();
      Duration offset{0};
      if (off != "Z") {
        off.erase(std::remove(off.begin(), off.end(), ':'), off.end());
        const int h = std::stoi(off.substr(1, 2)), mi = std::stoi(off.substr(3, 2));
        offset = std::chrono::hours(h) + std::chrono::minutes(mi);
        if (off[0] == '-') offset = -offset;
      }
      return TimePoint(d.time_since_epoch() + *tod.value - offset);
    }
    const auto days_from = (d - date::sys_days(day.day())).count();
    return day.at(*tod.value + std::chrono::hours(24 * days_from)).time;
  }
  auto tod = parse_time_of_day(text);
  if (!tod.value) {
    error = "invalid time '" + text + "': expected HH:MM[:SS[.mmm]] or YYYY-MM-DDTHH:MM[:SS]";
    return std::nullopt;
  }
  return day.at(*tod.value).time;
}

}  // namespace onair

#include "station/broadcast_days.hpp"

#include <algorithm>
#include <iostream>
#include <regex>
#include <utility>

#include "station/day_files.hpp"
#include "station/day_pipeline.hpp"
#include "scheduler/day_window.hpp"
#include "scheduler/timecode.hpp"

namespace onair {

namespace fs = std::filesystem;

std::optional<PlayoutTimeline> load_timeline_for_playout(const std::string& schedule,
                                                         const std::optional<fs::path>& media_root,
                                                         MediaProber& prober, const char* verb,
                                                         SpeechRenderer* speech) {
  Diagnostics diags;
  LoadOptions options;
  options.media_root = media_root;
  options.speech = speech;
  const fs::path file = schedule;
  std::optional<PlayoutTimeline> result;
  if (auto main = load_day(file, options, prober, diags); main && main->day) {
    const auto today = main->schedule.date;
    // Templates take the given day's media root (unless --media-root names one), and every
    // day its zone where it names none, as the daemon's days take its config's: a
    // template's default `../media` would be beside templates/, and the timeline plans in
    // its first day's zone. A day file keeps its own `media_root:`.
    const fs::path main_root = main->schedule.media_root;
    const std::string zone = main->schedule.timezone;
    std::optional<BroadcastDay> main_day = BroadcastDay{std::move(main->schedule), std::move(main->media)};
    auto load = [&](date::year_month_day day) -> std::optional<BroadcastDay> {
      if (day == today) return std::exchange(main_day, std::nullopt);
      const auto found = find_day_schedule(file.parent_path(), day);
      if (!found) return std::nullopt;
      // The given file is today's by its `date:`. Named for another date, it is found for
      // that date too, and would air on both: that day is a hole instead.
      std::error_code ec;
      if (fs::equivalent(found->file, file, ec)) {
        std::cerr << "onair: " << file.string() << " is the schedule of " << iso_date(today) << " (its date:), not of "
                  << iso_date(day) << " as its name says; " << iso_date(day) << " is left out\n";
        return std::nullopt;
      }
      LoadOptions o = options;
      if (!o.media_root && found->origin != "day file") o.media_root = main_root;
      o.date = day;
      auto loaded = load_day(found->file, o, prober, diags);
      if (!loaded || !loaded->day) return std::nullopt;
      if (loaded->schedule.timezone.empty()) loaded->schedule.timezone = zone;
      return BroadcastDay{std::move(loaded->schedule), std::move(loaded->media)};
    };
    auto window = window_days(today, kPlayoutDayWindow, load);  // today is always there: main_day
    result.emplace(PlayoutTimeline{Timeline(std::move(window.days)), window.today.value_or(0)});
  }
  for (const auto& d : diags.items())
    if (d.severity == Severity::error) std::cerr << d.format() << "\n";
  if (!result) std::cerr << "onair: cannot " << verb << " " << schedule << ": the schedule could not be loaded\n";
  return result;
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

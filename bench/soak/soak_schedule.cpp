#include "soak/soak_schedule.hpp"

#include <fmt/format.h>

#include <fstream>
#include <random>
#include <stdexcept>

namespace onair::soak {

namespace fs = std::filesystem;
using std::chrono::microseconds;
using namespace std::chrono_literals;

namespace {

std::string seconds(microseconds d) { return fmt::format("{:.3f}", static_cast<double>(d.count()) / 1e6); }

std::string iso(date::year_month_day d) { return date::format("%F", date::sys_days(d)); }

const char* weekday_name(date::year_month_day d) {
  static constexpr const char* kNames[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  return kNames[date::weekday(date::sys_days(d)).c_encoding()];
}

}  // namespace

ExpectedDay write_day(const fs::path& schedules, date::year_month_day day, int index, const Library& lib) {
  std::mt19937 rng(static_cast<unsigned>(index) * 7919u + 1);
  auto pick = [&](const std::vector<MediaFile>& v) -> const MediaFile& {
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
  };
  auto roll = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  ExpectedDay out;
  out.date = day;
  out.day = iso(day);
  out.fill = index % 3 != 2;
  std::string yaml = fmt::format("title: \"Soak day {} ({})\"\nbetween: {}\nfill: {{dir: fill, order: shuffle}}\nprograms:\n",
                                 index, out.day, out.fill ? "fill" : "silence");
  for (int hour = 0; hour < 24; ++hour) {
    for (const bool soft : {false, true}) {
      const std::string id = fmt::format("{}{:02d}", soft ? "s" : "h", hour);
      const microseconds at = std::chrono::hours(hour) + (soft ? 30min : 0min);
      yaml += fmt::format("  - id: {}\n    at: \"{:02d}:{:02d}\"\n{}    items:\n", id, hour, soft ? 30 : 0,
                          soft ? "    start: soft\n" : "");
      // Hard: jingle + 3-5 items (< 7 min); soft: 2-3 items (< 4 min); both end well before
      // the next programme, so every item must air in full and on time.
      const int count = soft ? 2 + roll(2) : 4 + roll(3);
      microseconds t = at;
      for (int i = 0; i < count; ++i) {
        ExpectedItem e{out.day, id, static_cast<std::size_t>(i), t, 0us, false};
        const bool last = i + 1 == count;
        microseconds overlap{0};
        if (!soft && i == 0) {
          const MediaFile& f = pick(lib.jingles);
          yaml += fmt::format("      - {{file: {}, title: \"Jingle\"}}\n", f.rel);
          e.length = f.length;
        } else if (roll(8) == 0) {
          yaml += "      - {silence: 2}\n";
          e.length = 2s;
          e.silence = true;
        } else {
          const MediaFile& f = pick(lib.items);
          std::string extra;
          e.length = f.length;
          switch (roll(4)) {
            case 0:  // cue points: the planner airs out − in
            {
              const microseconds out_point = std::chrono::floor<std::chrono::milliseconds>(f.length - 1s);
              extra = fmt::format(", in: 1.5, out: {}", seconds(out_point));
              e.length = out_point - 1500ms;
            }
              break;
            case 1:
              extra = ", fade_in: 0.5, fade_out: 1.5, gain: -3";
              break;
            case 2:
              if (!last) {
                extra = ", crossfade: 2";
                overlap = 2s;
              }
              break;
            default:
              break;
          }
          yaml += fmt::format("      - {{file: {}, title: \"{} item {}\"{}}}\n", f.rel, id, i, extra);
        }
        out.items.push_back(e);
        t += e.length - overlap;
      }
    }
  }
  // The seventh day comes from its weekday template (the daemon's fallback when there is no
  // dated file); the others are dated files.
  const fs::path file = index == 6 ? schedules / "templates" / (std::string(weekday_name(day)) + ".yaml")
                                       : schedules / (out.day + ".yaml");
  fs::create_directories(file.parent_path());
  std::ofstream(file) << yaml;
  if (!fs::exists(file)) throw std::runtime_error("cannot write " + file.string());
  return out;
}

}  // namespace onair::soak

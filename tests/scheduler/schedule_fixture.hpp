#pragma once
// Shared helpers for scheduler tests: write YAML to a temp folder, load, validate with a
// fake prober, plan; find diagnostics by text.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "scheduler/loader.hpp"
#include "scheduler/plan.hpp"
#include "scheduler/validator.hpp"
#include "support/test_media.hpp"

namespace onair::test {

// Media durations without FFmpeg: files exist on disk (empty), durations come from here.
class FakeProber : public MediaProber {
 public:
  std::map<std::string, MediaInfo> by_name;  // key: file name
  int calls = 0;
  MediaInfo probe(const std::filesystem::path& file) override {
    ++calls;
    auto it = by_name.find(file.filename().string());
    if (it != by_name.end()) return it->second;
    MediaInfo info;
    info.error = "fake: unknown";
    return info;
  }
  // Loudness by file name; files not listed cannot be measured.
  std::map<std::string, LoudnessMeasure> loudness;
  std::vector<CueRange> measured;  // ranges asked for, in order
  std::optional<LoudnessMeasure> measure(const std::filesystem::path& file, CueRange range) override {
    measured.push_back(range);
    auto it = loudness.find(file.filename().string());
    if (it == loudness.end()) return std::nullopt;
    return it->second;
  }
  void add(const std::string& name, double seconds) {
    MediaInfo info;
    info.ok = true;
    info.duration = Duration(static_cast<std::int64_t>(seconds * 1e6));
    by_name[name] = info;
  }
};

struct Loaded {
  Diagnostics diags;
  std::optional<Schedule> schedule;
  MediaTable media;
  std::optional<LocalDay> day;
  Plan plan;

  bool has(const std::string& needle, Severity sev, int line = -1, int column = -1) const {
    for (const auto& d : diags.items())
      if (d.severity == sev && d.message.find(needle) != std::string::npos && (line < 0 || d.mark.line == line) &&
          (column < 0 || d.mark.column == column))
        return true;
    return false;
  }
  bool has_error(const std::string& needle, int line = -1, int column = -1) const {
    return has(needle, Severity::error, line, column);
  }
  bool has_warning(const std::string& needle, int line = -1, int column = -1) const {
    return has(needle, Severity::warning, line, column);
  }
  std::string dump() const {
    std::string out;
    for (const auto& d : diags.items()) out += d.format() + "\n";
    return out;
  }
};

class ScheduleTest : public ::testing::Test {
 protected:
  TempDir dir;
  FakeProber prober;

  // Creates media/<rel> (empty file) with a fake duration.
  void media(const std::string& rel, double seconds) {
    write_file(dir / ("media/" + rel), "");
    prober.add(std::filesystem::path(rel).filename().string(), seconds);
  }

  Loaded load(const std::string& yaml, const std::string& name = "schedules/2011-11-26.yaml",
              LoadOptions options = {}) {
    write_file(dir / name, yaml);
    Loaded l;
    l.schedule = load_schedule(dir / name, options, l.diags);
    if (l.schedule) {
      l.media = validate_media(*l.schedule, prober, l.diags);
      try {
        l.day.emplace(l.schedule->timezone, l.schedule->date);
        l.plan = make_plan(*l.schedule, *l.day, l.media.durations(*l.schedule), &l.diags);
      } catch (const std::exception&) {
      }
    }
    return l;
  }
};

// "HH:MM:SS.mmm" local clock of a plan time.
inline std::string clock(const Loaded& l, TimePoint t) { return l.day->clock(t); }

}  // namespace onair::test

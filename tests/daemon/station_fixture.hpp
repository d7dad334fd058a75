#pragma once
// Daemon tests: a station configured in a temp folder, run on a virtual clock (free or
// paced in real time) with tones made here as float WAV files.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <thread>

#include "station/station.hpp"
#include "engine/engine_fixture.hpp"
#include "player/output/null.hpp"

namespace onair::test {

class StationTest : public ::testing::Test {
 protected:
  TempDir dir;
  std::string zone = "Asia/Ho_Chi_Minh";

  void tone(const std::string& rel, double freq, double seconds) { write_sine_wav(dir / ("media/" + rel), freq, seconds); }
  void silence_wav(const std::string& rel, double seconds) { write_sine_wav(dir / ("media/" + rel), 440, seconds, 0.0); }
  void schedule(const std::string& name, const std::string& yaml) { write_file(dir / ("schedules/" + name), yaml); }

  StationConfig config() {
    std::filesystem::create_directories(dir / "media");
    std::filesystem::create_directories(dir / "schedules/templates");
    StationConfig c;
    c.file = dir / "onair.yaml";
    c.base_dir = dir.path();
    c.output = "null";
    c.media_root = dir / "media";
    c.schedules = dir / "schedules";
    c.timezone = zone;
    c.asrun_dir = dir / "asrun";
    c.log_dir = dir / "log";
    c.alarms.disk_min_free_bytes = 0;
    std::filesystem::create_directories(c.log_dir);
    return c;
  }

  TimePoint local(date::year_month_day day, Duration tod) const { return LocalDay(zone, day).at(tod).time; }

  // Paced in real time (a null output), or free-running.
  static std::unique_ptr<Output> output(bool paced) {
    NullOutputOptions o;
    o.realtime = paced;
    return std::make_unique<NullOutput>(o);
  }

  std::vector<nlohmann::json> asrun(const std::string& day) const {
    auto out = read_json_lines(dir / ("asrun/" + day + ".jsonl"));
    std::erase_if(out, [](const nlohmann::json& j) { return j.contains("event"); });  // start lines
    return out;
  }
  static std::string dump(const std::vector<nlohmann::json>& records) {
    std::string s;
    for (const auto& j : records) s += j.dump() + "\n";
    return s;
  }
};

}  // namespace onair::test

// `onair play` in real time on the JACK dummy device: a hard start a few seconds after
// launch must air within 5 ms of its time according to the as-run log (whose times come
// from the output frames through the fitted device clock).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <date/date.h>
#include <fstream>

#include "support/jack_server.hpp"

using namespace onair::test;
using namespace std::chrono;

TEST(PlayJack, HardStartAirsOnTime) {
  JackServer jack(48000);
  if (!jack.error().empty()) GTEST_SKIP() << jack.error();
  TempDir dir;
  make_tone(dir / "media/tone.wav", 440, 2);
  make_tone(dir / "media/two.mp3", 660, 1.5, "-c:a libmp3lame -b:a 128k");
  const auto at = time_point_cast<milliseconds>(system_clock::now() + seconds(5));
  const auto day = date::floor<date::days>(at);
  const std::string date_text = date::format("%F", day);
  const std::string time_text = date::format("%T", at - day);  // HH:MM:SS.mmm, UTC
  const auto second = at + seconds(3);
  const std::string second_text = date::format("%T", second - date::floor<date::days>(second));
  write_file(dir / ("schedules/" + date_text + ".yaml"),
             "timezone: UTC\nprograms:\n  - id: test\n    at: \"" + time_text +
                 "\"\n    items: [{file: tone.wav}]\n  - id: second\n    at: \"" + second_text +
                 "\"\n    items: [{file: two.mp3}]\n");
  const auto asrun = dir / "asrun.jsonl";
  auto r = capture("timeout 40 " + std::string(ONAIR_BINARY) + " play " +
                   shell_quote((dir / ("schedules/" + date_text + ".yaml")).string()) +
                   " --output pa:system --log-level info --asrun " + shell_quote(asrun.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream in(asrun);
  std::string line;
  int records = 0;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    if (j.contains("event") || j["program"] == "") continue;  // start lines; the silent gap
    ++records;
    EXPECT_EQ(j["status"], "played") << line;
    EXPECT_LE(std::abs(j["offset_ms"].get<int>()), 5) << line << "\n" << r.output;
  }
  EXPECT_EQ(records, 2) << r.output;
}

// `onair render` and `onair play` take their days as the daemon does: the day file given,
// and around it the folder's day files, else its weekday or default template.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "support/test_media.hpp"

using namespace onair::test;

namespace {

struct PlayoutDays : ::testing::Test {
  TempDir dir;
  std::string path(const std::string& rel) { return shell_quote((dir / rel).string()); }
  // The records of items that ended (start lines left out).
  std::vector<nlohmann::json> ended(const std::string& rel) {
    std::vector<nlohmann::json> out;
    for (auto& j : read_json_lines(dir / rel))
      if (!j.contains("event")) out.push_back(std::move(j));
    return out;
  }
  std::string text(const std::string& rel) {
    std::ifstream in(dir / rel);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

const nlohmann::json* find_program(const std::vector<nlohmann::json>& records, const std::string& id) {
  for (const auto& j : records)
    if (j.value("program", "") == id) return &j;
  return nullptr;
}

}  // namespace

TEST_F(PlayoutDays, RenderCrossesMidnightIntoTheDefaultTemplate) {
  make_tone(dir / "media/late.wav", 440, 4);
  make_tone(dir / "media/early.wav", 660, 3);
  write_file(dir / "schedules/2011-11-26.yaml",
             "timezone: Asia/Ho_Chi_Minh\nprograms:\n  - {id: late, at: \"23:59:58\", items: [{file: late.wav}]}\n");
  // No zone and no media root of its own: it takes the day file's, as the daemon's days take
  // its config's (else yesterday, the timeline's first day, would bring in the machine's zone,
  // and media would be looked for in schedules/media, ../media from templates/).
  write_file(dir / "schedules/templates/default.yaml",
             "programs:\n  - {id: early, at: \"00:00:03\", items: [{file: early.wav}]}\n");
  auto r = capture("ONAIR_CACHE_DIR=" + path("cache") + " " + ONAIR_BINARY + " render " +
                   path("schedules/2011-11-26.yaml") + " --from 23:59:56 --to 2011-11-27T00:00:08 --out " +
                   path("out.wav") + " --asrun " + path("asrun.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("error"), std::string::npos) << r.output;
  const auto records = ended("asrun.jsonl");
  const auto* late = find_program(records, "late");
  const auto* early = find_program(records, "early");
  ASSERT_TRUE(late && early) << text("asrun.jsonl");
  EXPECT_EQ(late->at("status"), "played") << *late;
  EXPECT_EQ(late->at("day"), "2011-11-26");
  EXPECT_EQ(late->at("ended"), "2011-11-27T00:00:02.000+07:00") << *late;
  // The template's programme on the next day's date, its media found (else `failed`).
  EXPECT_EQ(early->at("status"), "played") << *early;
  EXPECT_EQ(early->at("day"), "2011-11-27");
  EXPECT_EQ(early->at("started"), "2011-11-27T00:00:03.000+07:00") << *early;
}

// A template makes yesterday too; `--from` still names a time on the given day's date.
TEST_F(PlayoutDays, PlayFromIsOnTheGivenDayWhenATemplateMakesYesterday) {
  make_tone(dir / "media/long.wav", 440, 60);
  write_file(dir / "schedules/2011-11-26.yaml",
             "timezone: UTC\nprograms:\n  - {id: day, at: \"06:00\", items: [{file: long.wav}]}\n");
  write_file(dir / "schedules/templates/default.yaml",
             "programs:\n  - {id: template, at: \"06:00\", items: [{file: long.wav}]}\n");
  const std::string sched = (dir / "schedules/2011-11-26.yaml").string();
  const std::string asrun = (dir / "asrun.jsonl").string();
  const std::string log = (dir / "play.log").string();
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(out, 2);
    execl(ONAIR_BINARY, ONAIR_BINARY, "play", sched.c_str(), "--from", "06:00:02", "--output", "null", "--asrun",
          asrun.c_str(), "--no-probe-cache", nullptr);
    _exit(127);
  }
  const bool started = wait_for_lines(asrun, 1);
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(started) << "onair play never started the item: " << text("play.log");
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << text("play.log");
  const auto lines = read_json_lines(asrun);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].value("event", ""), "start") << lines[0];
  EXPECT_EQ(lines[0].value("program", ""), "day") << lines[0];
  EXPECT_EQ(lines[0].value("day", ""), "2011-11-26") << lines[0];
}

// A day file whose `date:` differs from its name is today's by its `date:`. Found again for
// the date of its name (yesterday here), it would air twice; that day is left out, and said so.
TEST_F(PlayoutDays, AFileNamedForAnotherDateAirsOnlyOnItsOwnDate) {
  make_tone(dir / "media/late.wav", 440, 4);
  write_file(dir / "schedules/2011-11-26.yaml",
             "date: 2011-11-27\ntimezone: UTC\nprograms:\n  - {id: late, at: \"23:59:58\", items: [{file: late.wav}]}\n");
  const std::string render = "ONAIR_CACHE_DIR=" + path("cache") + " " + ONAIR_BINARY + " render " +
                             path("schedules/2011-11-26.yaml") + " --out " + path("out.wav");
  auto own = capture(render + " --from 23:59:56 --to 2011-11-28T00:00:04 --asrun " + path("own.jsonl"));
  ASSERT_EQ(own.exit_code, 0) << own.output;
  const auto records = ended("own.jsonl");
  const auto* late = find_program(records, "late");
  ASSERT_TRUE(late) << text("own.jsonl");
  EXPECT_EQ(late->at("status"), "played") << *late;
  EXPECT_EQ(late->at("day"), "2011-11-27");
  EXPECT_EQ(late->at("started"), "2011-11-27T23:59:58.000+00:00") << *late;

  auto named = capture(render + " --from 2011-11-26T23:59:56 --to 2011-11-27T00:00:04 --asrun " + path("named.jsonl"));
  ASSERT_EQ(named.exit_code, 0) << named.output;
  EXPECT_NE(named.output.find("is the schedule of 2011-11-27 (its date:), not of 2011-11-26 as its name says; "
                              "2011-11-26 is left out"),
            std::string::npos)
      << named.output;
  EXPECT_FALSE(find_program(ended("named.jsonl"), "late")) << text("named.jsonl");
}

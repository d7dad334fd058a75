// `onair run` as a process: after kill -9 it rejoins what should be on air within 2 s at
// the right offset, and the as-run log records the interrupted item.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <date/date.h>
#include <fstream>
#include <thread>

#include "support/processes.hpp"
#include "support/test_media.hpp"

using namespace onair::test;
using namespace std::chrono;

namespace {

int stop(pid_t pid, int sig) {
  kill(pid, sig);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// "2026-11-28T05:12:03.123+00:00" (the test's zone is UTC).
system_clock::time_point parse_iso(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d.%d", &y, &mo, &d, &h, &mi, &sec, &ms);
  const auto day = date::sys_days(date::year(y) / static_cast<unsigned>(mo) / static_cast<unsigned>(d));
  return day + hours(h) + minutes(mi) + seconds(sec) + milliseconds(ms);
}


}  // namespace

TEST(DaemonProcess, KillNineThenRestartRejoinsWithinTwoSeconds) {
  TempDir dir;
  make_tone(dir / "media/long.wav", 440, 120);
  const auto at = time_point_cast<milliseconds>(system_clock::now() - seconds(3));
  const auto day = date::floor<date::days>(at);
  write_file(dir / ("schedules/" + date::format("%F", day) + ".yaml"),
             "timezone: UTC\nprograms:\n  - id: long\n    at: \"" + date::format("%T", at - day) +
                 "\"\n    items: [{file: long.wav}]\n");
  std::filesystem::create_directories(dir / "schedules/templates");
  const std::string port = std::to_string(free_port());  // the kernel's pick: PID-made ports collided
  write_file(dir / "onair.yaml", "output: null\nmedia_root: media\nschedules: schedules\ntimezone: UTC\n"
                                 "asrun_dir: asrun\nlog_dir: log\ncontrol:\n  listen: \"127.0.0.1:" + port +
                                 "\"\nalarms:\n  disk_min_free_mb: 0\n");
  const auto asrun = dir / ("asrun/" + date::format("%F", day) + ".jsonl");
  pid_t first = start_daemon(dir / "onair.yaml");
  EXPECT_TRUE(wait_for_lines(asrun, 1)) << "the first daemon never started the item";
  std::this_thread::sleep_for(1000ms);
  stop(first, SIGKILL);
  const auto restarted = system_clock::now();
  pid_t second = start_daemon(dir / "onair.yaml");
  // The interrupted record, then the start line of the rejoined item.
  EXPECT_TRUE(wait_for_lines(asrun, 3)) << "the restarted daemon never rejoined";
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(stop(second, SIGTERM), 0);

  auto all = read_json_lines(asrun);
  std::vector<nlohmann::json> starts, ends;
  for (const auto& j : all) (j.contains("event") ? starts : ends).push_back(j);
  ASSERT_EQ(starts.size(), 2u) << all.size();
  ASSERT_GE(ends.size(), 2u);
  // The item the crash cut off, recorded on restart.
  EXPECT_EQ(ends[0]["status"], "interrupted");
  EXPECT_EQ(ends[0]["started"], starts[0]["started"]);
  // The restart joined the same item within 2 s, at the offset the schedule had then.
  const auto rejoined = parse_iso(starts[1]["started"]);
  EXPECT_LT(duration_cast<milliseconds>(rejoined - restarted).count(), 2000) << starts[1].dump();
  const auto offset = starts[1]["offset_ms"].get<long>();
  EXPECT_NEAR(static_cast<double>(offset), static_cast<double>(duration_cast<milliseconds>(rejoined - at).count()), 5.0);
  EXPECT_GT(offset, 4000);  // the item began 3 s before the first start, which then ran 1 s
  EXPECT_EQ(ends.back()["status"], "interrupted");  // SIGTERM ended the second run
}

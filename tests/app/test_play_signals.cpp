// `onair play` ends cleanly on SIGINT (the item on air recorded `interrupted`), and after a
// kill -9 the next start records the item left in flight as `interrupted`.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <date/date.h>
#include <fstream>
#include <thread>

#include "support/test_media.hpp"

using namespace onair::test;
using namespace std::chrono;

namespace {

// Starts `onair play` on the null output (paced in real time) with a programme that began
// 2 s ago, so it joins at once.
struct PlayProcess {
  pid_t pid = -1;
  explicit PlayProcess(const TempDir& dir) {
    const auto at = time_point_cast<milliseconds>(system_clock::now() - seconds(2));
    const auto day = date::floor<date::days>(at);
    const std::string sched = (dir / ("schedules/" + date::format("%F", day) + ".yaml")).string();
    write_file(sched, "timezone: UTC\nprograms:\n  - id: long\n    at: \"" + date::format("%T", at - day) +
                          "\"\n    items: [{file: long.wav}]\n");
    const std::string asrun = (dir / "asrun.jsonl").string();
    pid = fork();
    if (pid == 0) {
      const int null = ::open("/dev/null", O_WRONLY);
      dup2(null, 2);
      execl(ONAIR_BINARY, ONAIR_BINARY, "play", sched.c_str(), "--output", "null", "--asrun", asrun.c_str(),
            "--no-probe-cache", nullptr);
      _exit(127);
    }
  }
  int wait_exit() {
    int status = 0;
    waitpid(pid, &status, 0);
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  ~PlayProcess() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
};


}  // namespace

TEST(PlaySignals, SigintRecordsTheItemOnAirAsInterrupted) {
  TempDir dir;
  make_tone(dir / "media/long.wav", 440, 60);
  PlayProcess p(dir);
  ASSERT_TRUE(wait_for_lines(dir / "asrun.jsonl", 1)) << "onair play never started the item";
  std::this_thread::sleep_for(1000ms);
  kill(p.pid, SIGINT);
  EXPECT_EQ(p.wait_exit(), 0);
  auto r = read_json_lines(dir / "asrun.jsonl");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0]["event"], "start");
  EXPECT_EQ(r[1]["status"], "interrupted");
  // About the second it ran after its start line (which is written ahead of the audio by
  // the output's latency), with room for a slow machine.
  EXPECT_GE(r[1]["played_s"].get<double>(), 0.7);
  EXPECT_LE(r[1]["played_s"].get<double>(), 5.0);
  EXPECT_GE(r[1]["offset_ms"].get<int>(), 1900);  // joined about 2 s into the item
}

TEST(PlaySignals, KillNineLeavesATraceThatTheNextStartRecords) {
  TempDir dir;
  make_tone(dir / "media/long.wav", 440, 60);
  {
    PlayProcess p(dir);
    EXPECT_TRUE(wait_for_lines(dir / "asrun.jsonl", 1)) << "onair play never started the item";
    std::this_thread::sleep_for(500ms);
    kill(p.pid, SIGKILL);
    p.wait_exit();
  }
  auto before = read_json_lines(dir / "asrun.jsonl");
  ASSERT_EQ(before.size(), 1u);  // the start line survived (fsync'd)
  EXPECT_EQ(before[0]["event"], "start");
  PlayProcess again(dir);
  // The interrupted record, then the start line of the item it rejoins.
  EXPECT_TRUE(wait_for_lines(dir / "asrun.jsonl", 3)) << "the restarted onair play never rejoined";
  std::this_thread::sleep_for(500ms);
  kill(again.pid, SIGTERM);
  EXPECT_EQ(again.wait_exit(), 0);
  auto after = read_json_lines(dir / "asrun.jsonl");
  ASSERT_GE(after.size(), 4u);
  EXPECT_EQ(after[1]["status"], "interrupted");
  EXPECT_EQ(after[1]["started"], before[0]["started"]);
  EXPECT_TRUE(after[1]["ended"].is_null());
}

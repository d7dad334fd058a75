// `onair run` as a process: one station per as-run folder; the schedules folder stays
// watched after it is removed and made again.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <date/date.h>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/processes.hpp"
#include "support/test_media.hpp"

using namespace onair::test;
using namespace std::chrono;

namespace {

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string slurp(const std::filesystem::path& f) {
  std::ifstream in(f);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

bool wait_for_text(const std::filesystem::path& f, const std::string& what, std::size_t times = 1) {
  for (auto until = steady_clock::now() + 60s; steady_clock::now() < until; std::this_thread::sleep_for(100ms))
    if (count_of(slurp(f), what) >= times) return true;
  return false;
}

// Stops the daemon however the test ends (an ASSERT returns early).
struct Daemon {
  pid_t pid;
  ~Daemon() {
    if (pid > 0 && ::kill(pid, SIGKILL) == 0) waitpid(pid, nullptr, 0);
  }
};

struct Folders {
  TempDir dir;
  std::string day;
  int control_port = 0;
  // The control port is one the kernel says is free (ports made from PIDs collided with
  // another test's daemon now and then in CI: PIDs of tests started together are close).
  Folders() {
    make_tone(dir / "media/long.wav", 440, 120);
    const auto at = time_point_cast<milliseconds>(system_clock::now() - seconds(3));
    const auto d = date::floor<date::days>(at);
    day = date::format("%F", d);
    write_file(dir / ("schedules/" + day + ".yaml"), program("long", date::format("%T", at - d)));
    std::filesystem::create_directories(dir / "schedules/templates");
    control_port = free_port();
    config("onair.yaml", control_port);
  }
  static std::string program(const std::string& id, const std::string& at) {
    return "timezone: UTC\nprograms:\n  - id: " + id + "\n    at: \"" + at + "\"\n    items: [{file: long.wav}]\n";
  }
  void config(const std::string& name, int port) {
    write_file(dir / name, "output: null\nmedia_root: media\nschedules: schedules\ntimezone: UTC\n"
                           "asrun_dir: asrun\nlog_dir: log\ncontrol:\n  listen: \"127.0.0.1:" + std::to_string(port) +
                               "\"\nalarms:\n  disk_min_free_mb: 0\n");
  }
};

}  // namespace

TEST(DaemonOps, ASecondStationOnTheSameAsRunFolderRefusesToStart) {
  Folders f;
  int second_port = free_port();
  while (second_port == f.control_port) second_port = free_port();
  f.config("second.yaml", second_port);  // its own control port
  Daemon guard{start_daemon(f.dir / "onair.yaml", f.dir / "first.err")};
  const pid_t first = guard.pid;
  const auto asrun = f.dir / ("asrun/" + f.day + ".jsonl");
  ASSERT_TRUE(wait_for_lines(asrun, 1)) << "the first daemon never started the item";
  const pid_t second = start_daemon(f.dir / "second.yaml", f.dir / "second.err");
  EXPECT_EQ(wait_exit(second), 2);
  const std::string err = slurp(f.dir / "second.err");
  EXPECT_NE(err.find("another station is already running on the as-run folder " + (f.dir / "asrun").string()),
            std::string::npos) << err;
  EXPECT_NE(err.find("pid " + std::to_string(first)), std::string::npos) << err;
  // The first plays on, alone: one start line, and it is still running.
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(::kill(first, 0), 0);
  EXPECT_EQ(read_json_lines(asrun).size(), 1u);
  // kill -9: the kernel drops the lock, a new station starts.
  kill(first, SIGKILL);
  wait_exit(first);
  guard.pid = -1;
  Daemon third_guard{start_daemon(f.dir / "second.yaml", f.dir / "third.err")};
  const pid_t third = third_guard.pid;
  EXPECT_TRUE(wait_for_lines(asrun, 3)) << slurp(f.dir / "third.err");
  kill(third, SIGTERM);
  EXPECT_EQ(wait_exit(third), 0);
  third_guard.pid = -1;
}

TEST(DaemonOps, TheSchedulesFolderIsWatchedAgainAfterItIsRemovedAndMadeAgain) {
  Folders f;
  Daemon daemon{start_daemon(f.dir / "onair.yaml", f.dir / "err")};
  const pid_t pid = daemon.pid;
  const auto log = f.dir / "err";  // the daemon's stderr: its log, unbuffered
  ASSERT_TRUE(wait_for_lines(f.dir / ("asrun/" + f.day + ".jsonl"), 1)) << slurp(log);
  const auto schedules = f.dir / "schedules";
  std::filesystem::rename(schedules, f.dir / "old-schedules");
  ASSERT_TRUE(wait_for_text(log, "watching for it to come back")) << slurp(log);
  std::filesystem::remove_all(f.dir / "old-schedules");
  std::filesystem::create_directories(schedules / "templates");
  ASSERT_TRUE(wait_for_text(log, "schedules is back")) << slurp(log);
  // An edit in the folder made again, then one in its templates/.
  const std::string today = f.day + ".yaml";
  write_file(schedules / today, Folders::program("long", "00:00:01") +
                                    "  - id: later\n    at: \"23:59:00\"\n    items: [{file: long.wav}]\n");
  EXPECT_TRUE(wait_for_text(log, "programme 'later' added")) << slurp(log);
  const auto changes = count_of(slurp(log), "schedule files changed");
  write_file(schedules / "templates/default.yaml", Folders::program("t", "06:00"));
  EXPECT_TRUE(wait_for_text(log, "schedule files changed", changes + 1)) << slurp(log);
  kill(pid, SIGTERM);
  EXPECT_EQ(wait_exit(pid), 0);
  daemon.pid = -1;
}

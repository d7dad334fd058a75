// The alarm registry: the active list, rate limiting on an injected clock, and the
// notification command really run (no shell, arguments and environment, timeout kill).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "station/alarms.hpp"
#include "support/test_media.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// The time the tests control.
struct FakeClock {
  TimePoint t = date::sys_days(date::year(2011) / 11 / 25) + 22h + 30min;  // 05:30 +07:00
  AlarmClock fn() {
    return [this] { return t; };
  }
};

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t count_of(const std::string& text, const std::string& word) {
  std::size_t n = 0;
  for (auto pos = text.find(word); pos != std::string::npos; pos = text.find(word, pos + word.size())) ++n;
  return n;
}

// A notify script: appends one record per run to the file given as its first argument.
fs::path make_recorder(const TempDir& dir) {
  const fs::path script = dir / "notify.sh";
  write_file(script, R"(#!/bin/sh
out="$1"
shift
{
  echo "CALL argc=$#"
  for a in "$@"; do printf 'ARG[%s]\n' "$a"; done
  printf 'KIND[%s]\n' "$ONAIR_ALARM_KIND"
  printf 'MSG[%s]\n' "$ONAIR_ALARM_MESSAGE"
} >> "$out"
)");
  ::chmod(script.c_str(), 0755);
  return script;
}

bool process_gone(int pid) {
  // A zombie that nobody reaps (no init in a container) counts as gone.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  return close != std::string::npos && close + 2 < text.size() && text[close + 2] == 'Z';
}

}  // namespace

TEST(Alarms, KindNames) {
  for (AlarmKind k : all_alarm_kinds()) EXPECT_EQ(alarm_kind_from_string(to_string(k)), k);
  EXPECT_EQ(to_string(AlarmKind::schedule_not_ready), "schedule_not_ready");
  EXPECT_EQ(to_string(AlarmKind::disk_low), "disk_low");
  EXPECT_FALSE(alarm_kind_from_string("fire"));
}

TEST(Alarms, RaiseKeepsAnActiveEntryWithCountAndTimesAndClearRemovesIt) {
  FakeClock clock;
  AlarmOptions o;
  o.clock = clock.fn();
  o.zone = date::locate_zone("Asia/Ho_Chi_Minh");
  Alarms alarms(o);
  EXPECT_EQ(alarms.active(), nlohmann::json::array());

  alarms.raise(AlarmKind::silence, "no audio for 10 s");
  clock.t += 1500ms;
  alarms.raise(AlarmKind::device_lost, "pa:system disappeared");
  clock.t += 2s;
  alarms.raise(AlarmKind::silence, "no audio for 13.5 s");

  EXPECT_TRUE(alarms.is_active(AlarmKind::silence));
  EXPECT_FALSE(alarms.is_active(AlarmKind::underrun));
  const auto a = alarms.active();
  ASSERT_EQ(a.size(), 2u) << a.dump(2);
  EXPECT_EQ(a[0]["kind"], "silence");
  EXPECT_EQ(a[0]["message"], "no audio for 13.5 s");
  EXPECT_EQ(a[0]["count"], 2);
  EXPECT_EQ(a[0]["first"], "2011-11-26T05:30:00.000+07:00");
  EXPECT_EQ(a[0]["last"], "2011-11-26T05:30:03.500+07:00");
  EXPECT_TRUE(a[0]["notified"].is_null());  // no command configured
  EXPECT_EQ(a[1]["kind"], "device_lost");
  EXPECT_EQ(a[1]["count"], 1);
  EXPECT_EQ(a[1]["first"], "2011-11-26T05:30:01.500+07:00");

  EXPECT_TRUE(alarms.clear(AlarmKind::silence));
  EXPECT_FALSE(alarms.clear(AlarmKind::silence));
  EXPECT_FALSE(alarms.is_active(AlarmKind::silence));
  const auto b = alarms.active();
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0]["kind"], "device_lost");

  // Raised again later: a fresh entry.
  clock.t += 60s;
  alarms.raise(AlarmKind::silence, "again");
  const auto c = alarms.active();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[1]["kind"], "silence");
  EXPECT_EQ(c[1]["count"], 1);
  EXPECT_EQ(c[1]["first"], "2011-11-26T05:31:03.500+07:00");
}

TEST(Alarms, CommandRunsWithKindAndMessageAsArgumentsAndInTheEnvironment) {
  TempDir dir;
  const fs::path out = dir / "calls.txt";
  AlarmOptions o;
  o.command = {make_recorder(dir).string(), out.string(), "--to", "ops"};
  Alarms alarms(o);
  alarms.raise(AlarmKind::schedule_not_ready, "no schedule for 2011-11-27");
  ASSERT_TRUE(alarms.wait_idle(10s));
  EXPECT_EQ(read_text(out),
            "CALL argc=4\n"
            "ARG[--to]\nARG[ops]\nARG[schedule_not_ready]\nARG[no schedule for 2011-11-27]\n"
            "KIND[schedule_not_ready]\nMSG[no schedule for 2011-11-27]\n");
  const auto s = alarms.command_stats();
  EXPECT_EQ(s.started, 1u);
  EXPECT_EQ(s.succeeded, 1u);
  EXPECT_EQ(s.failed, 0u);
  EXPECT_FALSE(alarms.active()[0]["notified"].is_null());
}

TEST(Alarms, MessageIsNeverInterpretedByAShell) {
  TempDir dir;
  const fs::path out = dir / "calls.txt";
  const fs::path victim = dir / "victim";
  fs::create_directories(victim);
  write_file(victim / "keep.txt", "precious");
  const std::string message = "relay down\"; rm -rf " + victim.string() + "; echo '$(touch " +
                              (dir / "pwned1").string() + ")' `touch " + (dir / "pwned2").string() +
                              "` $HOME && touch " + (dir / "pwned3").string() + " | cat > " +
                              (dir / "pwned4").string() + " *";
  AlarmOptions o;
  o.command = {make_recorder(dir).string(), out.string()};
  Alarms alarms(o);
  alarms.raise(AlarmKind::relay_failure, message);
  ASSERT_TRUE(alarms.wait_idle(10s));
  const std::string text = read_text(out);
  EXPECT_NE(text.find("ARG[" + message + "]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("MSG[" + message + "]\n"), std::string::npos) << text;
  EXPECT_TRUE(fs::exists(victim / "keep.txt"));
  for (const char* f : {"pwned1", "pwned2", "pwned3", "pwned4"}) EXPECT_FALSE(fs::exists(dir / f)) << f;
}

TEST(Alarms, RateLimitedPerKindOnTheInjectedClock) {
  TempDir dir;
  const fs::path out = dir / "calls.txt";
  FakeClock clock;
  AlarmOptions o;
  o.command = {make_recorder(dir).string(), out.string()};
  o.min_interval = 300s;
  o.clock = clock.fn();
  Alarms alarms(o);

  alarms.raise(AlarmKind::underrun, "first");
  ASSERT_TRUE(alarms.wait_idle(10s));
  clock.t += 100s;
  alarms.raise(AlarmKind::underrun, "within the interval");
  clock.t += 199s;
  alarms.raise(AlarmKind::underrun, "still within");
  alarms.raise(AlarmKind::disk_low, "another kind is not limited by the first");
  ASSERT_TRUE(alarms.wait_idle(10s));
  std::string text = read_text(out);
  EXPECT_EQ(count_of(text, "CALL"), 2u) << text;
  EXPECT_EQ(count_of(text, "ARG[first]"), 1u) << text;
  EXPECT_EQ(count_of(text, "within"), 0u) << text;
  EXPECT_EQ(count_of(text, "ARG[disk_low]"), 1u) << text;
  EXPECT_EQ(alarms.command_stats().suppressed, 2u);

  // Clearing does not reset the limit (a flapping alarm must not flood the operators).
  alarms.clear(AlarmKind::underrun);
  alarms.raise(AlarmKind::underrun, "flap");
  clock.t += 1s;  // exactly min_interval after the first run
  alarms.raise(AlarmKind::underrun, "after the interval");
  ASSERT_TRUE(alarms.wait_idle(10s));
  text = read_text(out);
  EXPECT_EQ(count_of(text, "CALL"), 3u) << text;
  EXPECT_EQ(count_of(text, "ARG[flap]"), 0u) << text;
  EXPECT_EQ(count_of(text, "ARG[after the interval]"), 1u) << text;
  const auto active = alarms.active();
  ASSERT_EQ(active.size(), 2u);
  EXPECT_EQ(active[0]["kind"], "disk_low");
  EXPECT_EQ(active[1]["kind"], "underrun");
  EXPECT_EQ(active[1]["count"], 2);

  // A clock set backwards does not mute alarms.
  clock.t -= 3600s;
  alarms.raise(AlarmKind::underrun, "clock went back");
  ASSERT_TRUE(alarms.wait_idle(10s));
  EXPECT_EQ(count_of(read_text(out), "CALL"), 4u);
}

TEST(Alarms, HangingCommandIsKilledAfterTheTimeoutWithoutBlockingTheCaller) {
  TempDir dir;
  const fs::path pidfile = dir / "pids";
  const fs::path script = dir / "hang.sh";
  // The shell and a child of it: both must go (the command's whole process group).
  write_file(script, "#!/bin/sh\nsleep 60 &\necho \"$$ $!\" > " + shell_quote(pidfile.string()) + "\nwait\n");
  ::chmod(script.c_str(), 0755);
  AlarmOptions o;
  o.command = {script.string()};
  o.timeout = 300ms;
  Alarms alarms(o);

  const auto t0 = std::chrono::steady_clock::now();
  alarms.raise(AlarmKind::device_lost, "gone");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 200ms) << "raise() must not wait for the command";
  EXPECT_FALSE(alarms.wait_idle(100ms)) << "the command should still be running";
  ASSERT_TRUE(alarms.wait_idle(10s));
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(elapsed, 300ms);
  EXPECT_LT(elapsed, 5s);
  const auto s = alarms.command_stats();
  EXPECT_EQ(s.timed_out, 1u);
  EXPECT_EQ(s.failed, 1u);
  EXPECT_EQ(s.succeeded, 0u);

  int shell_pid = 0, sleep_pid = 0;
  std::istringstream(read_text(pidfile)) >> shell_pid >> sleep_pid;
  ASSERT_GT(shell_pid, 0);
  ASSERT_GT(sleep_pid, 0);
  EXPECT_TRUE(process_gone(shell_pid));
  // The grandchild got the signal with its group; give it a moment to die.
  for (int i = 0; i < 100 && !process_gone(sleep_pid); ++i) std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(process_gone(sleep_pid));
  if (!process_gone(sleep_pid)) ::kill(sleep_pid, SIGKILL);
}

TEST(Alarms, CommandFailuresAreCountedAndNeverThrow) {
  TempDir dir;
  {
    AlarmOptions o;
    o.command = {(dir / "does-not-exist").string()};
    Alarms alarms(o);
    EXPECT_NO_THROW(alarms.raise(AlarmKind::asrun_write, "disk error"));
    ASSERT_TRUE(alarms.wait_idle(10s));
    EXPECT_EQ(alarms.command_stats().failed, 1u);
    EXPECT_TRUE(alarms.is_active(AlarmKind::asrun_write));
  }
  {
    const fs::path script = dir / "fail.sh";
    write_file(script, "#!/bin/sh\necho 'smtp refused' >&2\nexit 3\n");
    ::chmod(script.c_str(), 0755);
    AlarmOptions o;
    o.command = {script.string()};
    Alarms alarms(o);
    alarms.raise(AlarmKind::schedule_invalid, "bad edit");
    ASSERT_TRUE(alarms.wait_idle(10s));
    EXPECT_EQ(alarms.command_stats().failed, 1u);
    EXPECT_EQ(alarms.command_stats().succeeded, 0u);
  }
}

TEST(Alarms, DestructorWaitsForQueuedCommands) {
  TempDir dir;
  const fs::path out = dir / "calls.txt";
  {
    AlarmOptions o;
    o.command = {make_recorder(dir).string(), out.string()};
    o.max_running = 1;
    Alarms alarms(o);
    for (AlarmKind k : all_alarm_kinds()) alarms.raise(k, "shutting down");
  }
  EXPECT_EQ(count_of(read_text(out), "CALL"), all_alarm_kinds().size());
}

TEST(Alarms, ThreadSafe) {
  TempDir dir;
  const fs::path out = dir / "calls.txt";
  FakeClock clock;  // never advances: one run per kind
  AlarmOptions o;
  o.command = {make_recorder(dir).string(), out.string()};
  o.clock = clock.fn();
  Alarms alarms(o);
  std::vector<std::thread> threads;
  std::atomic<int> reads{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        alarms.raise(t % 2 ? AlarmKind::underrun : AlarmKind::relay_failure, "thread " + std::to_string(t));
        if (i % 50 == 0) {
          (void)alarms.active();
          ++reads;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(alarms.wait_idle(10s));
  const auto a = alarms.active();
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0]["count"].get<int>() + a[1]["count"].get<int>(), 800);
  EXPECT_EQ(count_of(read_text(out), "CALL"), 2u);
  EXPECT_EQ(alarms.command_stats().suppressed, 798u);
  EXPECT_EQ(reads.load(), 16);
}

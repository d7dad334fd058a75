#include "station/alarms.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <date/tz.h>
#include <fmt/format.h>
#include <sstream>

#include "station/logging.hpp"

extern char** environ;

namespace onair {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kMaxOutput = 2000;       // command output kept for the log
constexpr std::size_t kMaxArgument = 4000;     // the message as passed to the command
constexpr auto kKillGrace = std::chrono::seconds(1);  // SIGTERM → SIGKILL
constexpr auto kPollInterval = std::chrono::milliseconds(20);
constexpr std::size_t kMaxResolved = 20;  // resolved alarms kept for the status

std::shared_ptr<spdlog::logger> alarm_log() { return logger("alarm"); }

const std::vector<std::pair<AlarmKind, std::string_view>>& kind_names() {
  static const std::vector<std::pair<AlarmKind, std::string_view>> names = {
      {AlarmKind::silence, "silence"},
      {AlarmKind::device_lost, "device_lost"},
      {AlarmKind::underrun, "underrun"},
      {AlarmKind::relay_failure, "relay_failure"},
      {AlarmKind::item_failed, "item_failed"},
      {AlarmKind::schedule_not_ready, "schedule_not_ready"},
      {AlarmKind::schedule_invalid, "schedule_invalid"},
      {AlarmKind::disk_low, "disk_low"},
      {AlarmKind::asrun_write, "asrun_write"},
      {AlarmKind::aircheck, "aircheck"},
      {AlarmKind::schedule_stuck, "schedule_stuck"},
      {AlarmKind::stream_down, "stream_down"},
      {AlarmKind::output_behind, "output_behind"},
  };
  return names;
}

// An argument or environment value: no NUL bytes (they would cut it short), bounded.
std::string argument_text(const std::string& s) {
  std::string out = s.substr(0, kMaxArgument);
  std::replace(out.begin(), out.end(), '\0', ' ');
  return out;
}

std::string one_line(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  for (auto& ch : s)
    if (ch == '\n' || ch == '\r') ch = ' ';
  return s;
}

double seconds_of(std::chrono::microseconds d) { return static_cast<double>(d.count()) / 1e6; }

}  // namespace

std::string_view to_string(AlarmKind kind) {
  for (const auto& [k, name] : kind_names())
    if (k == kind) return name;
  return "unknown";
}

std::optional<AlarmKind> alarm_kind_from_string(std::string_view name) {
  for (const auto& [k, n] : kind_names())
    if (n == name) return k;
  return std::nullopt;
}

const std::vector<AlarmKind>& all_alarm_kinds() {
  static const std::vector<AlarmKind> kinds = [] {
    std::vector<AlarmKind> out;
    for (const auto& [k, name] : kind_names()) out.push_back(k);
    return out;
  }();
  return kinds;
}

Alarms::Alarms(AlarmOptions options) : options_(std::move(options)) {
  if (!options_.zone) {
    try {
      options_.zone = date::current_zone();
    } catch (const std::exception&) {
      options_.zone = nullptr;  // UTC
    }
  }
  if (options_.max_running == 0) options_.max_running = 1;
  if (!options_.command.empty()) thread_ = std::thread([this] { worker(); });
}

Alarms::~Alarms() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

TimePoint Alarms::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

std::string Alarms::format_time(TimePoint t) const {
  const auto ms = date::round<std::chrono::milliseconds>(t);
  std::chrono::seconds offset{0};
  if (options_.zone) offset = options_.zone->get_info(ms).offset;
  const auto local = ms + offset;
  const auto off = std::chrono::duration_cast<std::chrono::minutes>(offset).count();
  std::ostringstream out;
  out << date::format("%FT%T", local);
  return out.str() + fmt::format("{}{:02}:{:02}", off < 0 ? '-' : '+', std::abs(off) / 60, std::abs(off) % 60);
}

void Alarms::raise(AlarmKind kind, const std::string& message) {
  const TimePoint t = now();
  std::uint64_t count = 0;
  TimePoint first{};
  bool notify = false, suppressed = false, dropped = false;
  {
    std::lock_guard lock(mutex_);
    Entry& e = active_[kind];
    if (e.count == 0) {
      e.first = t;
      e.order = next_order_++;
    }
    e.last = t;
    e.message = message;
    count = ++e.count;
    first = e.first;
    if (!options_.command.empty()) {
      auto it = last_notified_.find(kind);
      // A clock that went backwards (time set on the machine) does not silence alarms.
      notify = it == last_notified_.end() || t < it->second || t - it->second >= options_.min_interval;
      if (notify) {
        if (queue_.size() >= options_.max_queued) {
          dropped = true;
          ++stats_.dropped;
        } else {
          last_notified_[kind] = t;
          Job job;
          job.argv = options_.command;
          job.kind = std::string(to_string(kind));
          job.message = argument_text(message);
          job.argv.push_back(job.kind);
          job.argv.push_back(job.message);
          queue_.push_back(std::move(job));
          ++running_;
        }
      } else {
        suppressed = true;
        ++stats_.suppressed;
      }
    }
  }
  if (notify && !dropped) wake_.notify_all();

  auto log = alarm_log();
  if (count == 1) {
    log->error("ALARM {}: {}", to_string(kind), message);
  } else {
    log->error("ALARM {}: {} (raised {} times since {}{})", to_string(kind), message, count, format_time(first),
               suppressed ? "; command not run again within min_interval" : "");
  }
  if (dropped) log->warn("alarm command for {} not run: {} commands already waiting", to_string(kind), options_.max_queued);
}

bool Alarms::clear(AlarmKind kind, const std::string& how) {
  const TimePoint t = now();
  Entry e;
  {
    std::lock_guard lock(mutex_);
    auto it = active_.find(kind);
    if (it == active_.end()) return false;
    e = it->second;
    active_.erase(it);
    nlohmann::json j;
    j["kind"] = std::string(to_string(kind));
    j["message"] = e.message;
    j["first"] = format_time(e.first);
    j["cleared"] = format_time(t);
    j["duration_s"] = seconds_of(t - e.first);
    j["count"] = e.count;
    j["resolution"] = how;
    resolved_.push_front(std::move(j));
    if (resolved_.size() > kMaxResolved) resolved_.pop_back();
  }
  // Warn level, so the resolution shows wherever the alarm itself showed.
  alarm_log()->warn("alarm {} resolved after {:.1f} s{}{} (raised {} time{}; last: {})", to_string(kind),
                    seconds_of(t - e.first), how.empty() ? "" : ": ", how, e.count, e.count == 1 ? "" : "s", e.message);
  return true;
}

nlohmann::json Alarms::resolved() const {
  std::lock_guard lock(mutex_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& j : resolved_) out.push_back(j);
  return out;
}

bool Alarms::is_active(AlarmKind kind) const {
  std::lock_guard lock(mutex_);
  return active_.count(kind) != 0;
}

nlohmann::json Alarms::active() const {
  std::vector<std::pair<AlarmKind, Entry>> entries;
  std::map<AlarmKind, TimePoint> notified;
  {
    std::lock_guard lock(mutex_);
    entries.assign(active_.begin(), active_.end());
    notified = last_notified_;
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.second.order < b.second.order; });
  nlohmann::json out = nlohmann::json::array();
  const TimePoint t = now();
  for (const auto& [kind, e] : entries) {
    nlohmann::json j;
    j["kind"] = std::string(to_string(kind));
    j["message"] = e.message;
    j["first"] = format_time(e.first);
    j["last"] = format_time(e.last);
    j["count"] = e.count;
    j["duration_s"] = seconds_of(t - e.first);
    auto n = notified.find(kind);
    j["notified"] = n == notified.end() ? nlohmann::json(nullptr) : nlohmann::json(format_time(n->second));
    out.push_back(std::move(j));
  }
  return out;
}

bool Alarms::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout, [this] { return running_ == 0; });
}

AlarmCommandStats Alarms::command_stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void Alarms::worker() {
  for (;;) {
    std::vector<Job> to_spawn;
    {
      std::unique_lock lock(mutex_);
      auto ready = [this] {
        return (stopping_ && children_.empty()) || (!queue_.empty() && children_.size() < options_.max_running);
      };
      if (children_.empty()) wake_.wait(lock, ready);
      else wake_.wait_for(lock, kPollInterval, ready);
      if (stopping_ && queue_.empty() && children_.empty()) break;
      while (!queue_.empty() && children_.size() + to_spawn.size() < options_.max_running) {
        to_spawn.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    for (auto& job : to_spawn) spawn(std::move(job));
    if (!children_.empty()) poll_children();
    {
      std::lock_guard lock(mutex_);
      running_ = queue_.size() + children_.size();
      if (running_ == 0) idle_.notify_all();
    }
  }
  std::lock_guard lock(mutex_);
  running_ = 0;
  idle_.notify_all();
}

void Alarms::spawn(Job job) {
  auto log = alarm_log();
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    log->warn("alarm command for {} not run: cannot create a pipe: {}", job.kind, std::strerror(errno));
    std::lock_guard lock(mutex_);
    ++stats_.failed;
    return;
  }
  ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so a timeout kills whatever it started too; a clean signal
  // mask and default handlers whatever the daemon's threads use.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attr, &empty);
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM})
    sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);

  std::vector<std::string> env_strings;
  for (char** e = environ; e && *e; ++e) {
    const std::string_view v(*e);
    if (v.rfind("ONAIR_ALARM_KIND=", 0) == 0 || v.rfind("ONAIR_ALARM_MESSAGE=", 0) == 0) continue;
    env_strings.emplace_back(v);
  }
  env_strings.push_back("ONAIR_ALARM_KIND=" + job.kind);
  env_strings.push_back("ONAIR_ALARM_MESSAGE=" + job.message);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<char*> argv;
  for (auto& s : job.argv) argv.push_back(s.data());
  argv.push_back(nullptr);

  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    log->warn("alarm command {} for {} cannot be started: {}", job.argv[0], job.kind, std::strerror(rc));
    std::lock_guard lock(mutex_);
    ++stats_.started;
    ++stats_.failed;
    return;
  }
  {
    std::lock_guard lock(mutex_);
    ++stats_.started;
  }
  log->debug("alarm command for {} started (pid {})", job.kind, pid);
  Child c;
  c.pid = pid;
  c.out_fd = fds[0];
  c.kind = job.kind;
  c.deadline = SteadyClock::now() + options_.timeout;
  children_.push_back(std::move(c));
}

bool Alarms::poll_children() {
  auto log = alarm_log();
  const auto now_steady = SteadyClock::now();
  for (auto it = children_.begin(); it != children_.end();) {
    Child& c = *it;
    auto drain = [&c] {
      if (c.out_fd < 0) return;
      char buf[512];
      for (;;) {
        const ssize_t n = ::read(c.out_fd, buf, sizeof buf);
        if (n > 0) {
          if (c.output.size() < kMaxOutput)
            c.output.append(buf, std::min<std::size_t>(static_cast<std::size_t>(n), kMaxOutput - c.output.size()));
          continue;
        }
        if (n < 0 && errno == EINTR) continue;
        break;  // EAGAIN, EOF or error
      }
    };
    drain();
    int status = 0;
    const pid_t r = ::waitpid(c.pid, &status, WNOHANG);
    if (r == c.pid || (r < 0 && errno == ECHILD)) {
      drain();
      if (c.out_fd >= 0) ::close(c.out_fd);
      const std::string output = one_line(c.output);
      const std::string shown = output.empty() ? "" : ": " + output;
      bool ok = false;
      if (r < 0) {
        log->debug("alarm command for {} (pid {}) was reaped elsewhere", c.kind, c.pid);
        ok = true;
      } else if (c.terminated) {
        // Already reported as timed out.
      } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        ok = true;
        log->debug("alarm command for {} done{}", c.kind, shown);
      } else if (WIFEXITED(status)) {
        log->warn("alarm command for {} exited with status {}{}", c.kind, WEXITSTATUS(status), shown);
      } else if (WIFSIGNALED(status)) {
        log->warn("alarm command for {} killed by signal {}{}", c.kind, WTERMSIG(status), shown);
      }
      {
        std::lock_guard lock(mutex_);
        if (ok) ++stats_.succeeded;
        else ++stats_.failed;
      }
      it = children_.erase(it);
      continue;
    }
    if (!c.terminated && now_steady >= c.deadline) {
      ::kill(-c.pid, SIGTERM);
      ::kill(c.pid, SIGTERM);
      c.terminated = true;
      c.kill_at = now_steady + kKillGrace;
      log->warn("alarm command for {} still running after {:.1f} s: killed{}", c.kind, seconds_of(options_.timeout),
                c.output.empty() ? "" : "; output: " + one_line(c.output));
      std::lock_guard lock(mutex_);
      ++stats_.timed_out;
    } else if (c.terminated && now_steady >= c.kill_at) {
      ::kill(-c.pid, SIGKILL);
      ::kill(c.pid, SIGKILL);
      c.kill_at = SteadyClock::time_point::max();
    }
    ++it;
  }
  return !children_.empty();
}

}  // namespace onair

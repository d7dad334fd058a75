// `onair run --config onair.yaml`: the station daemon.
#include "scheduler/media_paths.hpp"
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/inotify.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <vector>
#include <thread>

#include "cli/commands.hpp"
#include "station/control_server.hpp"
#include "station/instance_lock.hpp"
#include "station/logging.hpp"
#include "station/station.hpp"

namespace onair {
namespace {

// A watched folder. Removed or renamed away (an rsync --delete-after, a `git checkout` of
// the folder, rm -r and a copy back), its watch is gone with it: the nearest existing
// folder above it is watched instead until it is back, then it is watched again and the
// schedules are re-read (files may have changed meanwhile).
struct WatchedFolder {
  std::filesystem::path path;
  int wd = -1;         // on the folder itself
  int parent_wd = -1;  // on the nearest existing ancestor, while the folder is missing
};

constexpr auto kFolderMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_DELETE_SELF |
                             IN_MOVE_SELF;
constexpr auto kParentMask = IN_CREATE | IN_MOVED_TO | IN_ONLYDIR;

// Watches `w` (or, when it is missing, an ancestor). True when the folder itself is watched.
bool arm(int fd, WatchedFolder& w) {
  if (w.wd >= 0) return true;
  w.wd = inotify_add_watch(fd, w.path.c_str(), kFolderMask | IN_ONLYDIR);
  if (w.wd >= 0) {
    // The ancestor's watch stays: it may be another folder's (templates/ sits in schedules/),
    // and it only ever wakes this loop up.
    w.parent_wd = -1;
    return true;
  }
  for (auto up = w.path.parent_path(); !up.empty(); up = up.parent_path()) {
    // IN_MASK_ADD: a folder already watched (schedules/ for templates/) keeps its own events.
    w.parent_wd = inotify_add_watch(fd, up.c_str(), kParentMask | IN_MASK_ADD);
    if (w.parent_wd >= 0 || up == up.root_path()) break;
  }
  return false;
}

// Schedule edits (write, rename-over, an editor's swap file dance) become one reload,
// half a second after the last event.
void watch_schedules(const StationConfig& config, Station& station, std::stop_token stop) {
  auto log = logger("station");
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    log->error("inotify unavailable; edits are picked up on SIGHUP only");
    return;
  }
  std::vector<WatchedFolder> folders{{config.schedules}, {config.templates_dir()}};
  for (auto& w : folders)
    if (!arm(fd, w)) log->warn("{} does not exist; it is watched for again", w.path.string());
  bool pending = false;
  auto last = std::chrono::steady_clock::now();
  auto last_retry = last;
  auto touch = [&] {
    pending = true;
    last = std::chrono::steady_clock::now();
  };
  alignas(inotify_event) char buf[8192];
  while (!stop.stop_requested()) {
    pollfd p{fd, POLLIN, 0};
    bool rearm = false;
    if (poll(&p, 1, 100) > 0) {
      ssize_t n;
      while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (char* at = buf; at < buf + n;) {
          const auto* e = reinterpret_cast<const inotify_event*>(at);
          at += sizeof(inotify_event) + e->len;
          if (e->mask & IN_Q_OVERFLOW) {  // events were lost: re-read everything
            touch();
            rearm = true;
            continue;
          }
          const std::string name = e->len ? e->name : "";
          for (auto& w : folders) {
            if (e->wd == w.parent_wd && w.wd < 0) rearm = true;  // something appeared above it
            if (e->wd != w.wd) continue;
            if (e->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
              // Moved away, the watch would follow it elsewhere; removed, it is gone already.
              if (!(e->mask & IN_IGNORED)) inotify_rm_watch(fd, w.wd);
              w.wd = -1;
              log->warn("{} was removed or moved away; watching for it to come back", w.path.string());
              rearm = true;
              touch();
            } else if (name.ends_with(".yaml") || ((e->mask & IN_ISDIR) && name == "templates")) {
              touch();
              if (name == "templates") rearm = true;
            }
          }
        }
      }
    }
    // Also once a second: an ancestor watch cannot see a folder made deeper down at once.
    const auto now = std::chrono::steady_clock::now();
    if (now - last_retry > std::chrono::seconds(1)) {
      last_retry = now;
      for (const auto& w : folders) rearm |= w.wd < 0;
    }
    if (rearm) {
      for (auto& w : folders) {
        const bool was = w.wd >= 0;
        if (arm(fd, w) && !was) {
          log->info("{} is back: watched again", w.path.string());
          touch();
        }
      }
    }
    if (pending && std::chrono::steady_clock::now() - last > std::chrono::milliseconds(500)) {
      pending = false;
      log->info("schedule files changed");
      station.request_reload();
    }
  }
  close(fd);
}

}  // namespace

int cmd_run(const std::string& config_file, const std::optional<std::string>& log_level) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // taken synchronously below, in every thread

  Diagnostics diags;
  auto config = load_station_config(config_file, diags);
  for (const auto& d : diags.items()) std::cerr << d.format() << "\n";
  if (!config) return 2;
  std::filesystem::create_directories(config->log_dir);
  LogSettings log;
  log.level = log_level.value_or(config->log_level);
  log.file = config->log_file().string();
  std::string error;
  if (!setup_logging(log, error)) {
    std::cerr << "onair: " << error << "\n";
    return 2;
  }
  // One station per as-run folder: a second one would record every item twice.
  bool held_elsewhere = false;
  error.clear();
  auto lock = InstanceLock::acquire(config->asrun_dir, error, held_elsewhere);
  if (held_elsewhere) {
    std::cerr << "onair: " << error << "\n";
    logger("station")->critical("{}", error);
    return 2;
  }
  // A folder that cannot be written does not stop the station (it raises the as-run alarm).
  if (!error.empty()) logger("station")->warn("{}", error);
  set_extra_media_roots(config->extra_media_roots);
  Station station(*config);
  std::unique_ptr<ControlServer> control;
  try {
    ControlServerConfig c;
    c.address = config->control.listen;
    c.token = config->control.token;
    c.media_root = config->media_root;
    control = std::make_unique<ControlServer>(station, c);
    logger("station")->info("control API on http://{}/", control->address());
  } catch (const std::exception& e) {
    std::cerr << "onair: control API: " << e.what() << "\n";
    return 2;
  }
  std::stop_source stop;
  std::jthread watcher([&](std::stop_token t) { watch_schedules(*config, station, t); });
  std::jthread signals([&](std::stop_token own) {
    const timespec tick{0, 200'000'000};
    std::uint64_t watchdog_usec = 0;
    const bool watchdog = sd_watchdog_enabled(0, &watchdog_usec) > 0;
    auto last_ping = std::chrono::steady_clock::now();
    std::string last_now;
    while (!own.stop_requested()) {
      const int sig = sigtimedwait(&set, nullptr, &tick);
      if (sig == SIGHUP) {
        logger("station")->info("SIGHUP: reloading schedules");
        station.request_reload();
      } else if (sig == SIGINT || sig == SIGTERM) {
        logger("station")->warn("{}: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
        sd_notify(0, "STOPPING=1");
        stop.request_stop();
        return;
      }
      // The watchdog is fed only while the engine's time moves on.
      const auto st = station.status();
      const std::string now = st.value("now", "");
      if (!now.empty() && now != last_now) {
        if (last_now.empty()) sd_notify(0, "READY=1");
        last_now = now;
        const auto steady = std::chrono::steady_clock::now();
        if (watchdog && steady - last_ping > std::chrono::microseconds(watchdog_usec / 3)) {
          sd_notify(0, "WATCHDOG=1");
          last_ping = steady;
        }
      }
    }
  });
  const int code = station.run(stop.get_token());
  signals.request_stop();
  watcher.request_stop();
  return code;
}

}  // namespace onair

// `onair run --config onair.yaml`: the station daemon.
#include "scheduler/media_paths.hpp"
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/inotify.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <iostream>
#include <thread>

#include "cli/commands.hpp"
#include "station/control_server.hpp"
#include "station/logging.hpp"
#include "station/station.hpp"

namespace onair {
namespace {

// Schedule edits (write, rename-over, an editor's swap file dance) become one reload,
// half a second after the last event.
void watch_schedules(const StationConfig& config, Station& station, std::stop_token stop) {
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    logger("station")->error("inotify unavailable; edits are picked up on SIGHUP only");
    return;
  }
  const auto mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE;
  inotify_add_watch(fd, config.schedules.c_str(), mask);
  inotify_add_watch(fd, config.templates_dir().c_str(), mask);
  bool pending = false;
  auto last = std::chrono::steady_clock::now();
  alignas(inotify_event) char buf[8192];
  while (!stop.stop_requested()) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      ssize_t n;
      while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (char* at = buf; at < buf + n;) {
          const auto* e = reinterpret_cast<const inotify_event*>(at);
          const std::string name = e->len ? e->name : "";
          if (name.ends_with(".yaml")) {
            pending = true;
            last = std::chrono::steady_clock::now();
          }
          at += sizeof(inotify_event) + e->len;
        }
      }
    }
    if (pending && std::chrono::steady_clock::now() - last > std::chrono::milliseconds(500)) {
      pending = false;
      logger("station")->info("schedule files changed");
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

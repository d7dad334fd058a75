#include "station/logging.hpp"

#include "player/log.hpp"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <mutex>
#include <vector>

namespace onair {
namespace {

std::mutex g_mutex;
constexpr const char* kPattern = "%Y-%m-%d %H:%M:%S.%e [%n] %^%l%$: %v";

}  // namespace

// The convention across libraries: a subsystem's logger is a clone of spdlog's default
// logger, registered under its name. Here the default logger gets the session's sinks and
// level, and loggers cloned before that are moved onto them.
bool setup_logging(const LogSettings& settings, std::string& error) {
  const auto level = spdlog::level::from_str(settings.level);
  if (level == spdlog::level::off && settings.level != "off") {
    error = "unknown log level '" + settings.level + "' (trace, debug, info, warn, error, critical, off)";
    return false;
  }
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  if (settings.file) {
    try {
      // Headless operation runs for months: rotate at 10 MB, keep 5 files.
      sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(*settings.file, 10 * 1024 * 1024, 5));
    } catch (const spdlog::spdlog_ex& e) {
      error = "cannot open log file " + *settings.file + ": " + e.what();
      return false;
    }
  }
  std::lock_guard lock(g_mutex);
  auto main_logger = std::make_shared<spdlog::logger>("onair", sinks.begin(), sinks.end());
  main_logger->set_pattern(kPattern);
  spdlog::set_default_logger(main_logger);
  spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& l) {
    l->sinks() = sinks;
    l->set_pattern(kPattern);
  });
  spdlog::set_level(level);
  return true;
}

std::shared_ptr<spdlog::logger> logger(const std::string& name) { return named_logger(name); }

}  // namespace onair

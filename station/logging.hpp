#pragma once
// Named spdlog loggers per subsystem ("app", "schedule", "decode", "output", "engine"),
// all sharing the sinks set up here: the console (stderr) for interactive use and an
// optional file for headless use.
#include <memory>
#include <optional>
#include <spdlog/spdlog.h>
#include <string>

namespace onair {

struct LogSettings {
  std::string level = "warn";  // trace | debug | info | warn | error | critical | off
  std::optional<std::string> file;
};

// Returns false (with a reason) for a bad level or an unwritable file.
bool setup_logging(const LogSettings& settings, std::string& error);

// The named logger, created on the shared sinks if it does not exist yet.
std::shared_ptr<spdlog::logger> logger(const std::string& name);

}  // namespace onair

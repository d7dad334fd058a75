#pragma once
// Named spdlog loggers per subsystem ("decode", "output", "relay", "engine", "asrun",
// "aircheck", "station", ...): each is a clone of spdlog's default logger, registered under
// its name, so the sinks and level the app sets up (station/logging.cpp) apply to all of them.
#include <memory>
#include <spdlog/spdlog.h>
#include <string>

namespace onair {

// The logger `name`, created on first use. Thread-safe.
std::shared_ptr<spdlog::logger> named_logger(const std::string& name);

}  // namespace onair

#include "player/log.hpp"

#include <mutex>

namespace onair {

std::shared_ptr<spdlog::logger> named_logger(const std::string& name) {
  if (auto existing = spdlog::get(name)) return existing;
  static std::mutex create_mutex;
  std::lock_guard lock(create_mutex);
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = spdlog::default_logger()->clone(name);
  try {
    spdlog::register_logger(logger);
  } catch (const spdlog::spdlog_ex&) {
    if (auto existing = spdlog::get(name)) return existing;  // registered meanwhile
  }
  return logger;
}

}  // namespace onair

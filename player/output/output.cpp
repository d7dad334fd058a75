#include "player/output/output.hpp"
#include "player/log.hpp"

#include <spdlog/spdlog.h>

namespace onair {

std::shared_ptr<spdlog::logger> output_log() { return named_logger("output"); }

}  // namespace onair

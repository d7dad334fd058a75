#include "player/output/output.hpp"
#include "player/log.hpp"

#include <spdlog/spdlog.h>

namespace onair {

std::shared_ptr<spdlog::logger> output_log() { return named_logger("output"); }

void Output::collect_status(std::vector<OutputStatus>& into) const {
  OutputStatus s;
  s.name = describe();
  s.dropped_frames = stats().dropped_frames;
  into.push_back(std::move(s));
}

}  // namespace onair

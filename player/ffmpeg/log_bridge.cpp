#include "player/ffmpeg/log_bridge.hpp"
#include "player/log.hpp"

#include <cstdarg>
#include <cstring>
#include <mutex>
#include <string_view>

extern "C" {
#include <libavutil/log.h>
}

namespace onair {

std::shared_ptr<spdlog::logger> decode_log() { return named_logger("decode"); }

namespace ffmpeg {
namespace {

void log_callback(void* avcl, int level, const char* fmt, va_list args) {
  if (level > AV_LOG_INFO) return;  // verbose/debug chatter is never useful to a station
  const auto spd_level = level <= AV_LOG_FATAL ? spdlog::level::err
                         : level <= AV_LOG_WARNING ? spdlog::level::debug
                                                   : spdlog::level::trace;
  auto logger = decode_log();
  if (!logger->should_log(spd_level)) return;
  thread_local int print_prefix = 1;
  char line[1024];
  av_log_format_line2(avcl, level, fmt, args, line, sizeof line, &print_prefix);
  std::string_view text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (!text.empty()) logger->log(spd_level, "ffmpeg: {}", text);
}

}  // namespace

void install_log_bridge() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_callback(log_callback); });
}

}  // namespace ffmpeg
}  // namespace onair

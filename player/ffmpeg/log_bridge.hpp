#pragma once
// Logging for the decoding half: the named spdlog logger "decode", and a bridge that
// sends FFmpeg's own av_log output there instead of raw stderr (a headless station
// logs to files; FFmpeg's per-frame complaints about corrupt media would flood stderr).
#include <memory>

#include <spdlog/spdlog.h>

namespace onair {

// The "decode" logger. If the application has not registered one, it is created from
// the default logger's sinks so it follows the app's log configuration.
std::shared_ptr<spdlog::logger> decode_log();

namespace ffmpeg {
// Installs the av_log bridge once per process (idempotent, thread-safe). FFmpeg errors
// and warnings go to "decode" at debug level: onair reports what matters itself.
void install_log_bridge();
}  // namespace ffmpeg

}  // namespace onair

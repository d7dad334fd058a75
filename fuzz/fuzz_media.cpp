// libFuzzer entry: arbitrary bytes as a media file (scripts/fuzz.sh runs it).
extern "C" {
#include <libavutil/log.h>
}
#include <spdlog/spdlog.h>

#include "fuzz/targets.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  av_log_set_level(AV_LOG_QUIET);  // FFmpeg's own complaints about the bytes, millions of times
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  onair::fuzz::media_input({data, size});
  return 0;
}

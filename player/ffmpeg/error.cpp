#include "player/ffmpeg/error.hpp"

extern "C" {
#include <libavutil/error.h>
}

namespace onair {

std::string av_error_text(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  if (av_strerror(code, buf, sizeof buf) < 0) return "FFmpeg error " + std::to_string(code);
  return buf;
}

int av_check(int ret, std::string_view what) {
  if (ret < 0) throw FfmpegError(std::string(what) + ": " + av_error_text(ret), ret);
  return ret;
}

}  // namespace onair

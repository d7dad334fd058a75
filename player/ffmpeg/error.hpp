#pragma once
// FFmpeg reports failures as negative integers. onair turns them into exceptions that
// carry av_strerror's text, so a failure reads like
// "open 'x.mp3': Invalid data found when processing input" wherever it surfaces.
#include <stdexcept>
#include <string>
#include <string_view>

namespace onair {

class FfmpegError : public std::runtime_error {
 public:
  explicit FfmpegError(const std::string& what, int code = 0)
      : std::runtime_error(what), code_(code) {}
  // The AVERROR value, or 0 when the error did not come from an FFmpeg call.
  int code() const noexcept { return code_; }

 private:
  int code_;
};

// av_strerror's text for an AVERROR code ("Invalid data found when processing input").
std::string av_error_text(int code);

// Returns ret when it is not an error; otherwise throws FfmpegError("<what>: <text>").
int av_check(int ret, std::string_view what);

}  // namespace onair

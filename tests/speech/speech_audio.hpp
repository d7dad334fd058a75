#pragma once
// Audio checks shared by the spoken-item tests: a rendered WAV's samples, the level of a
// stretch, how well a 1 kHz tone fits a frame, as-run times as seconds.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numbers>
#include <string>
#include <vector>

#include "support/test_media.hpp"

namespace onair::test {

constexpr int kRate = 48000;

// The rendered WAV as mono float samples, decoded by ffmpeg.
inline std::vector<float> samples_of(const std::filesystem::path& wav) {
  auto r = capture("ffmpeg -nostdin -v error -i " + shell_quote(wav.string()) + " -map_channel 0.0.0 -f f32le -", false);
  std::vector<float> s(r.output.size() / sizeof(float));
  std::memcpy(s.data(), r.output.data(), s.size() * sizeof(float));
  return s;
}

inline double rms(const std::vector<float>& s, long from, long n) {
  double sum = 0;
  for (long i = from; i < from + n; ++i) sum += static_cast<double>(s.at(static_cast<std::size_t>(i))) * s.at(static_cast<std::size_t>(i));
  return std::sqrt(sum / static_cast<double>(n));
}

// How far `s` from frame `at` is from a 1 kHz sine starting at phase 0 exactly there
// (least-squares amplitude; residual relative to it). One frame early or late gives ~0.13.
inline double misfit_of_tone_at(const std::vector<float>& s, long at) {
  double sr = 0, rr = 0;
  const long n = kRate / 10;
  for (long i = 0; i < n; ++i) {
    const double ref = std::sin(2 * std::numbers::pi * 1000.0 * static_cast<double>(i) / kRate);
    sr += s.at(static_cast<std::size_t>(at + i)) * ref;
    rr += ref * ref;
  }
  const double a = sr / rr;
  double err = 0;
  for (long i = 0; i < n; ++i) {
    const double ref = a * std::sin(2 * std::numbers::pi * 1000.0 * static_cast<double>(i) / kRate);
    const double d = s.at(static_cast<std::size_t>(at + i)) - ref;
    err += d * d;
  }
  return a <= 0.01 ? 1.0 : std::sqrt(err / static_cast<double>(n)) / (a / std::numbers::sqrt2);
}

// Seconds since 06:00 of an as-run time "2011-11-26T06:00:05.123+07:00".
inline double since_six(const std::string& t) {
  int h = 0, m = 0;
  double s = 0;
  std::sscanf(t.c_str() + 11, "%d:%d:%lf", &h, &m, &s);
  return (h - 6) * 3600.0 + m * 60.0 + s;
}

}  // namespace onair::test

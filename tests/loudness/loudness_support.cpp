#include "loudness/loudness_support.hpp"

#include <ebur128.h>

#include <cmath>
#include <fstream>
#include <memory>
#include <regex>
#include <stdexcept>

#include "support/test_media.hpp"

namespace onair::test {

namespace {

struct Meter {
  explicit Meter(const Audio& a, int mode) : st(ebur128_init(static_cast<unsigned>(a.channels), static_cast<unsigned long>(a.rate), mode)) {
    if (!st) throw std::runtime_error("ebur128_init failed");
  }
  ~Meter() { ebur128_destroy(&st); }
  void add(const float* p, long frames) {
    if (frames > 0 && ebur128_add_frames_float(st, p, static_cast<std::size_t>(frames)) != EBUR128_SUCCESS)
      throw std::runtime_error("ebur128_add_frames_float failed");
  }
  ebur128_state* st;
};

}  // namespace

Audio ffmpeg_audio(const std::string& input_args, int rate, int channels, const std::string& filters) {
  TempDir dir;
  const auto raw = dir / "audio.f32";
  const std::string cmd = "ffmpeg -nostdin -hide_banner -loglevel error -y " + input_args +
                          (filters.empty() ? "" : " -af " + shell_quote(filters)) + " -ar " + std::to_string(rate) +
                          " -ac " + std::to_string(channels) + " -f f32le " + shell_quote(raw.string());
  if (run(cmd) != 0) throw std::runtime_error("ffmpeg failed: " + cmd);
  Audio a;
  a.rate = rate;
  a.channels = channels;
  std::ifstream in(raw, std::ios::binary);
  in.seekg(0, std::ios::end);
  const auto bytes = static_cast<std::size_t>(in.tellg());
  in.seekg(0);
  a.samples.resize(bytes / sizeof(float));
  in.read(reinterpret_cast<char*>(a.samples.data()), static_cast<std::streamsize>(a.samples.size() * sizeof(float)));
  if (a.samples.empty()) throw std::runtime_error("ffmpeg gave no audio: " + cmd);
  return a;
}

Audio pink_noise(double seconds, int seed, int rate) {
  return ffmpeg_audio("-f lavfi -i anoisesrc=color=pink:amplitude=0.5:sample_rate=" + std::to_string(rate) +
                          ":seed=" + std::to_string(seed) + ":duration=" + std::to_string(seconds),
                      rate);
}

Audio speech(double seconds) {
  TempDir dir;
  const auto wav = dir / "speech.wav";
  const std::string text =
      "Ủy ban nhân dân xã thông báo lịch tiêm phòng cho trẻ em vào sáng thứ hai tuần sau, "
      "tại trạm y tế xã. Đề nghị các gia đình đưa con em đến đúng giờ.";
  if (run("espeak-ng -v vi -w " + shell_quote(wav.string()) + " " + shell_quote(text)) != 0)
    throw std::runtime_error("espeak-ng failed");
  return ffmpeg_audio("-stream_loop -1 -i " + shell_quote(wav.string()) + " -t " + std::to_string(seconds));
}

double integrated_lufs(const Audio& a) {
  Meter m(a, EBUR128_MODE_I);
  m.add(a.samples.data(), a.frames());
  double out = 0;
  ebur128_loudness_global(m.st, &out);
  return out;
}

double true_peak_dbtp(const Audio& a) {
  Meter m(a, EBUR128_MODE_TRUE_PEAK);
  m.add(a.samples.data(), a.frames());
  double peak = 0;
  for (int c = 0; c < a.channels; ++c) {
    double p = 0;
    ebur128_true_peak(m.st, static_cast<unsigned>(c), &p);
    peak = std::max(peak, p);
  }
  return 20.0 * std::log10(peak);
}

double shortterm_lufs(const Audio& a, long end) {
  Meter m(a, EBUR128_MODE_S);
  const long start = std::max(0L, end - 3L * a.rate);
  m.add(a.samples.data() + start * a.channels, end - start);
  double out = 0;
  ebur128_loudness_shortterm(m.st, &out);
  return out;
}

double ffmpeg_true_peak_dbtp(const Audio& a) {
  TempDir dir;
  const auto raw = dir / "out.f32";
  {
    std::ofstream f(raw, std::ios::binary);
    f.write(reinterpret_cast<const char*>(a.samples.data()), static_cast<std::streamsize>(a.samples.size() * sizeof(float)));
  }
  const auto r = capture("ffmpeg -nostdin -hide_banner -nostats -f f32le -ar " + std::to_string(a.rate) + " -ac " +
                         std::to_string(a.channels) + " -i " + shell_quote(raw.string()) +
                         " -af ebur128=peak=true -f null - 2>&1");
  // The summary's "True peak:" section ends with "Peak: X dBFS".
  const auto at = r.output.rfind("True peak:");
  std::smatch m;
  const std::string tail = at == std::string::npos ? "" : r.output.substr(at);
  if (!std::regex_search(tail, m, std::regex(R"(Peak:\s+(-?[0-9.]+|-inf)\s+dBFS)")))
    throw std::runtime_error("no true peak in ffmpeg's output:\n" + r.output);
  return m[1] == "-inf" ? -1.0 / 0.0 : std::stod(m[1]);
}

void scale_to_lufs(Audio& a, double lufs) {
  const auto g = static_cast<float>(std::pow(10.0, (lufs - integrated_lufs(a)) / 20.0));
  for (float& s : a.samples) s *= g;
}

}  // namespace onair::test

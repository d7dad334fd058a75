// Decodes one file with onair's Decoder (as the engine would: fixed-size reads of
// interleaved float at the output format) and reports speed and peak memory.
// Used by bench/decode_vs_ffmpeg.sh; also handy to inspect a file by hand.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "player/decode/decoder.hpp"
#include "player/ffmpeg/error.hpp"
#include "player/decode/prober.hpp"

namespace {

// Resident memory from /proc/self/status, in MB: {VmHWM (peak), RssAnon, RssFile}.
// RssFile is mostly the ~135 shared libraries Debian's FFmpeg pulls in: pages every
// FFmpeg-linked process maps, not memory the decoder allocates. RssAnon is ours.
struct Memory {
  double peak = 0, anon = 0, file = 0;
};
Memory memory() {
  Memory m;
  std::ifstream status("/proc/self/status");
  std::string key;
  double kb;
  while (status >> key) {
    if (key == "VmHWM:" && status >> kb) m.peak = kb / 1024;
    else if (key == "RssAnon:" && status >> kb) m.anon = kb / 1024;
    else if (key == "RssFile:" && status >> kb) m.file = kb / 1024;
  }
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  const Memory at_start = memory();
  CLI::App app{"Decode a file with onair's decoder and report speed and memory"};
  std::string file, out_path;
  int rate = 48000, channels = 2;
  double cue_in = 0, cue_out = -1;
  bool probe = false;
  app.add_option("file", file, "media file or URL")->required();
  app.add_option("--rate", rate, "output sample rate");
  app.add_option("--channels", channels, "output channels");
  app.add_option("--cue-in", cue_in, "cue-in, seconds");
  app.add_option("--cue-out", cue_out, "cue-out, seconds");
  app.add_option("--out", out_path, "write raw f32le output here");
  app.add_flag("--probe", probe, "also probe the file and print what the prober says");
  CLI11_PARSE(app, argc, argv);

  if (probe) {
    const auto info = onair::FfmpegProber().probe(file);
    std::printf("probe: ok=%d duration=%.6f s estimated=%d header=%.6f s rate=%d ch=%d codec=%s %s\n",
                info.ok, info.duration.count() / 1e6, info.duration_estimated,
                info.header_duration ? info.header_duration->count() / 1e6 : -1.0, info.sample_rate,
                info.channels, info.codec.c_str(), info.error.c_str());
  }

  onair::DecoderOptions options;
  options.cue_in = std::chrono::duration<double>(cue_in);
  if (cue_out >= 0) options.cue_out = std::chrono::duration<double>(cue_out);
  const onair::AudioFormat format{rate, channels};
  const auto start = std::chrono::steady_clock::now();
  try {
    onair::Decoder decoder(file, format, options);
    std::ofstream out;
    if (!out_path.empty()) out.open(out_path, std::ios::binary);
    std::vector<float> buffer(4096 * static_cast<std::size_t>(channels));  // an engine-sized block
    std::int64_t frames = 0;
    double peak_anon = 0;
    while (const auto n = decoder.read(buffer.data(), 4096)) {
      // Sampled every ~85 s of audio: anonymous memory must not grow with length.
      if ((frames / 4096) % 1000 == 0) peak_anon = std::max(peak_anon, memory().anon);
      frames += n;
      if (out) out.write(reinterpret_cast<const char*>(buffer.data()), n * channels * sizeof(float));
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const Memory at_end = memory();
    peak_anon = std::max(peak_anon, at_end.anon);
    const double audio_s = static_cast<double>(frames) / rate;
    std::printf("memory: peak_rss=%.1f MB (start %.1f MB: %.1f MB shared-library files + %.1f MB anon) "
                "anon_peak=%.1f MB (+%.1f MB while decoding) file=%.1f MB\n",
                at_end.peak, at_start.peak, at_start.file, at_start.anon, peak_anon,
                peak_anon - at_start.anon, at_end.file);
    std::printf("frames=%lld audio=%.3f s wall=%.3f s speed=%.0fx maxrss=%.1f MB end=%s%s%s "
                "skipped=%lld lost=%.3f s seeked=%d\n",
                static_cast<long long>(frames), audio_s, wall, audio_s / wall, usage.ru_maxrss / 1024.0,
                onair::to_string(decoder.end()), decoder.error().empty() ? "" : ": ",
                decoder.error().c_str(), static_cast<long long>(decoder.stats().skipped_packets),
                std::chrono::duration<double>(decoder.stats().lost).count(), decoder.stats().seeked);
    return decoder.end() == onair::DecodeEnd::error ? 1 : 0;
  } catch (const onair::FfmpegError& e) {
    std::fprintf(stderr, "cannot decode %s: %s\n", file.c_str(), e.what());
    return 1;
  }
}

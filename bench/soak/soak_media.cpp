#include "soak/soak_media.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <numbers>
#include <random>
#include <stdexcept>

#include "player/decode/prober.hpp"

namespace onair::soak {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

namespace {

struct WavFormat {
  int rate;
  int channels;
  bool float32;
};

// A WAV tone (never silent: the station's silence detector would fail a silent item).
void write_wav(const fs::path& path, const WavFormat& f, double freq, milliseconds length) {
  const auto frames = static_cast<std::uint32_t>(length.count() * f.rate / 1000);
  const std::uint32_t bytes_per_sample = f.float32 ? 4 : 2;
  const std::uint32_t block = bytes_per_sample * static_cast<std::uint32_t>(f.channels);
  const std::uint32_t data_bytes = frames * block;
  std::ofstream out(path, std::ios::binary);
  auto u32 = [&](std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](std::uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
  out.write("RIFF", 4);
  u32(36 + data_bytes);
  out.write("WAVEfmt ", 8);
  u32(16);
  u16(f.float32 ? 3 : 1);
  u16(static_cast<std::uint16_t>(f.channels));
  u32(static_cast<std::uint32_t>(f.rate));
  u32(static_cast<std::uint32_t>(f.rate) * block);
  u16(static_cast<std::uint16_t>(block));
  u16(static_cast<std::uint16_t>(bytes_per_sample * 8));
  out.write("data", 4);
  u32(data_bytes);
  // A rotating phasor instead of sin() per sample: hundreds of files are made per run.
  const double w = 2 * std::numbers::pi * freq / f.rate;
  const double c = std::cos(w), sn = std::sin(w);
  double x = 1, y = 0;
  std::vector<char> chunk(static_cast<std::size_t>(f.rate) * block);
  std::size_t used = 0;
  for (std::uint32_t n = 0; n < frames; ++n) {
    const double v = 0.2 * y;
    const double nx = x * c - y * sn;
    y = x * sn + y * c;
    x = nx;
    for (int ch = 0; ch < f.channels; ++ch) {
      if (f.float32) {
        const auto sample = static_cast<float>(v);
        std::memcpy(chunk.data() + used, &sample, 4);
      } else {
        const auto sample = static_cast<std::int16_t>(std::lround(v * 32767));
        std::memcpy(chunk.data() + used, &sample, 2);
      }
      used += bytes_per_sample;
    }
    if (used == chunk.size() || n + 1 == frames) {
      out.write(chunk.data(), static_cast<std::streamsize>(used));
      used = 0;
      const double norm = 1 / std::hypot(x, y);  // keep the amplitude from drifting
      x *= norm, y *= norm;
    }
  }
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

void write_mp3(const fs::path& path, double freq, milliseconds length) {
  const auto cmd = fmt::format(
      "ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i sine=frequency={}:sample_rate=44100:duration={:.3f} "
      "-ac 2 -c:a libmp3lame -b:a 96k '{}'",
      freq, length.count() / 1000.0, path.string());
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("ffmpeg failed: " + cmd);
}

}  // namespace

Library make_library(const fs::path& media_root, int files, unsigned seed) {
  std::mt19937 rng(seed);
  auto between = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  // Lengths in tenths of a second: whole frames at every rate used here.
  auto tenths = [&](int lo_s, int hi_s) { return milliseconds(100 * between(lo_s * 10, hi_s * 10)); };
  // Float stereo only for the short jingles, the long fill at 22.05 kHz mono: big files would
  // cost disk, not coverage.
  static constexpr WavFormat kFormats[] = {{48000, 2, true}, {44100, 2, false}, {48000, 1, false}, {22050, 1, false}};
  FfmpegProber prober;
  Library lib;
  for (int i = 0; i < files; ++i) {
    const int kind = i % 10;  // 0: jingle, 1-5: programme item, 6-9: fill
    std::vector<MediaFile>& bucket = kind == 0 ? lib.jingles : kind <= 5 ? lib.items : lib.fill;
    const char* dir = kind == 0 ? "jingles" : kind <= 5 ? "items" : "fill";
    const milliseconds length = kind == 0 ? tenths(2, 6) : kind <= 5 ? tenths(15, 75) : tenths(40, 120);
    const double freq = 200 + (i * 37) % 1200;
    const bool mp3 = i % 8 == 3;
    const std::string rel = fmt::format("{}/{:04d}.{}", dir, i, mp3 ? "mp3" : "wav");
    fs::create_directories(media_root / dir);
    if (mp3) write_mp3(media_root / rel, freq, length);
    else write_wav(media_root / rel, kind == 0 ? kFormats[0] : kind <= 5 ? kFormats[1 + i % 3] : kFormats[3], freq, length);
    const MediaInfo info = prober.probe(media_root / rel);
    if (!info.ok) throw std::runtime_error("generated file does not probe: " + rel + ": " + info.error);
    bucket.push_back({rel, info.duration});
  }
  return lib;
}

}  // namespace onair::soak

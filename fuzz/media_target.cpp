// Fuzz target body: bytes → media file → probe, decode from the start and from a cue-in.
#include <array>

#include "fuzz/input_file.hpp"
#include "fuzz/targets.hpp"
#include "player/decode/decoder.hpp"
#include "player/ffmpeg/error.hpp"
#include "player/decode/prober.hpp"

namespace onair::fuzz {
namespace {

using namespace std::chrono_literals;

// Decodes at most this much: a fuzz input must finish in well under a second, and a few
// kilobytes cannot honestly hold more (a header claiming hours must not make us play hours).
constexpr FrameCount kMaxFrames = 48000 * 30;

void decode(const std::string& path, DecoderOptions options) {
  try {
    Decoder decoder(path, AudioFormat{}, std::move(options));
    std::array<float, 4096 * 2> block{};
    FrameCount total = 0;
    while (total < kMaxFrames) {
      const FrameCount n = decoder.read(block.data(), 4096);
      total += n;
      if (n < 4096) break;
    }
    (void)decoder.stats();
    (void)decoder.error();
  } catch (const FfmpegError&) {
    // Refusing to open is the right answer for most inputs; the message is what users see.
  }
}

}  // namespace

void media_input(std::span<const std::uint8_t> bytes) {
  static InputFile input(".bin");
  const std::string path = input.write(bytes).string();
  ProberOptions probe_options;
  probe_options.io_timeout = 2s;
  probe_options.scan_budget = 2s;
  FfmpegProber prober(probe_options);
  const MediaInfo info = prober.probe(path);
  if (!info.ok) return;
  DecoderOptions from_start;
  from_start.io_timeout = 2s;
  decode(path, from_start);
  DecoderOptions cued;
  cued.io_timeout = 2s;
  cued.cue_in = info.duration / 2;
  cued.cue_out = CuePoint(info.duration / 2 + 500ms);
  cued.seek_threshold = 0ms;  // always take the seek path: it has the most arithmetic
  decode(path, cued);
}

}  // namespace onair::fuzz

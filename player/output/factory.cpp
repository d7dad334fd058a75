#include "player/output/factory.hpp"

#include "player/output/null.hpp"
#include "player/output/portaudio/output.hpp"
#include "player/output/wav.hpp"

namespace onair {

std::unique_ptr<Output> make_output(std::string_view spec, const OutputOptions& options) {
  if (spec == "null") {
    return std::make_unique<NullOutput>(NullOutputOptions{options.realtime, options.sleeper, options.buffer});
  }
  if (spec.starts_with("wav:") && spec.size() > 4) {
    WavOutputOptions w;
    w.path = std::string(spec.substr(4));
    w.sample_format = options.wav_pcm16 ? WavSampleFormat::pcm16 : WavSampleFormat::float32;
    w.realtime = options.realtime;
    w.sleeper = options.sleeper;
    w.buffer = options.buffer;
    return std::make_unique<WavOutput>(std::move(w));
  }
  if (spec == "default" || (spec.starts_with("pa:") && spec.size() > 3)) {
    PortAudioOutputOptions p;
    if (spec != "default") p.device = std::string(spec.substr(3));
    p.buffer = options.buffer;
    p.sleeper = options.sleeper;
    return std::make_unique<PortAudioOutput>(std::move(p));
  }
  throw OutputError("unknown output '" + std::string(spec) +
                    "': use default, pa:NAME, wav:PATH or null");
}

}  // namespace onair

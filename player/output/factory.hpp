#pragma once
// Builds an output from its `--output` / config spelling. Apart from the Output interface
// so that the interface does not depend on every backend.
#include <chrono>
#include <memory>
#include <string_view>

#include "player/output/output.hpp"

namespace onair {

// Options for make_output(); each sink also has its own richer options struct.
struct OutputOptions {
  bool realtime = true;                 // pace null/wav sinks (false for `render`)
  Sleeper* sleeper = nullptr;           // clock for pacing; nullptr = the system clock
  bool wav_pcm16 = false;               // wav: 16-bit PCM instead of 32-bit float
  std::chrono::milliseconds buffer{500};  // render-ahead (ring / emulated buffer)
};

// Builds a sink from an `--output` value: "default" | "pa:NAME" | "wav:PATH" | "null".
// Throws OutputError for an unknown form (devices are looked up at open()).
std::unique_ptr<Output> make_output(std::string_view spec, const OutputOptions& options = {});

}  // namespace onair

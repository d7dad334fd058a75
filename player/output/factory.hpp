#pragma once
// Builds an output from its `--output` / config spelling. Apart from the Output interface
// so that the interface does not depend on every backend.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "player/output/output.hpp"

namespace onair {

// Options for make_output(); each sink also has its own richer options struct.
struct OutputOptions {
  bool realtime = true;                 // pace null/wav sinks (false for `render`)
  Sleeper* sleeper = nullptr;           // clock for pacing; nullptr = the system clock
  bool wav_pcm16 = false;               // wav: 16-bit PCM instead of 32-bit float
  std::chrono::milliseconds buffer{500};  // render-ahead (ring / emulated buffer)
};

// Builds a sink from an `--output` value: "default" | "pa:NAME" | "wav:PATH" | "null" |
// "icecast://…" (docs/streams.md; behind a QueuedOutput of its own). Throws OutputError for
// an unknown or bad form (devices are looked up at open(), servers at the first write).
std::unique_ptr<Output> make_output(std::string_view spec, const OutputOptions& options = {});

// True for the outputs that send to the network ("icecast://…"): they never pace the
// engine, so they cannot be the clock master.
bool is_stream_output(std::string_view spec) noexcept;

// Several outputs at once (FanOutOutput): the first that is not a stream is the clock
// master (none: a paced "null"); every other one follows behind a queue of its own. One
// spec: that output alone (a stream still gets its paced null master).
std::unique_ptr<Output> make_outputs(const std::vector<std::string>& specs, const OutputOptions& options = {});

}  // namespace onair

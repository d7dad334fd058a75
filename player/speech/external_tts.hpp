#pragma once
// An external text-to-speech engine (`tts: { command: [argv…] }`): the text goes to its
// stdin, a WAV comes back on its stdout. Run directly (no shell), in its own process group,
// killed at the timeout; what it prints on stderr explains a failure.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace onair {

struct ExternalTtsResult {
  std::string wav;    // stdout, when the command succeeded
  std::string error;  // why not (exit status, timeout, its last stderr line)
};

// Blocks until the command ends or `timeout` passes. `max_output` bounds what is kept.
ExternalTtsResult run_external_tts(const std::vector<std::string>& argv, const std::string& text,
                                   std::chrono::milliseconds timeout, std::size_t max_output = 256u << 20);

}  // namespace onair

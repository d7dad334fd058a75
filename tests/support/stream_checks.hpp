#pragma once
// What the stream tests share: a child process stopped by PID, waiting for a condition with a
// bound, raw float audio read back, and a tone's frequency.
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace onair::test {

// A child process with stdout and stderr to `log`, killed (SIGKILL) by PID when the object dies.
struct Child {
  pid_t pid = -1;
  Child(const std::vector<std::string>& args, const std::filesystem::path& log);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  // Waits up to `limit` for the exit; false if it did not.
  bool wait(std::chrono::seconds limit);
};

// Polls `done` every 50 ms for up to `limit`.
bool wait_until(const std::function<bool()>& done, std::chrono::seconds limit);

// A file of raw 32-bit floats (ffmpeg -f f32le).
std::vector<float> read_f32(const std::filesystem::path& p);

// Dominant frequency of a mono window from its zero crossings (tones only), 0 for silence.
double frequency(const float* x, std::size_t n, int rate);

// A 48 kHz mono recording of two tones aired one after the other (440 Hz, then 880 Hz), cut
// in quarter seconds from the second window (a listener joining mid-stream decodes its first
// MP3 frames from wherever it came in, which is not the stream's fault).
struct TwoTones {
  int low = 0, high = 0;        // windows of each tone
  int other = 0;                // neither: a gap, a foreign sound, or the window of the change
  bool low_after_high = false;  // out of order
  std::string seen;             // every window's frequency, for messages
};
TwoTones two_tones(const std::vector<float>& heard);

}  // namespace onair::test

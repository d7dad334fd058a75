#pragma once
// A sink that discards audio: free-running for tests and benchmarks, or paced to emulate
// a sound card (e.g. `onair play --output null` on a machine without one).
#include <atomic>
#include <chrono>
#include <memory>

#include "player/output/output.hpp"
#include "player/output/pacer.hpp"

namespace onair {

struct NullOutputOptions {
  bool realtime = false;
  Sleeper* sleeper = nullptr;             // nullptr = system clock
  std::chrono::milliseconds buffer{500};  // emulated render-ahead buffer when realtime
};

class NullOutput final : public Output {
 public:
  explicit NullOutput(NullOutputOptions options = {});
  ~NullOutput() override;

  AudioFormat open(const AudioFormat& requested) override;
  void write(const float* interleaved, FrameCount frames) override;
  void close() override;
  std::optional<OutputStamp> stamp() const override;
  OutputStats stats() const override;
  bool realtime() const override { return options_.realtime; }
  std::string describe() const override { return "null"; }

 private:
  NullOutputOptions options_;
  AudioFormat format_;
  std::unique_ptr<Pacer> pacer_;  // set while open and realtime
  std::atomic<FrameCount> written_{0};
};

}  // namespace onair

#pragma once
// A sink writing a WAV file: 32-bit float (default, bit-exact with the engine) or 16-bit
// PCM. The header is fixed up on close and every `header_interval` of audio, so a crash
// leaves a readable file missing at most that much at the end. Files whose data outgrow
// the 4 GiB RIFF limit (~3.1 h of 48 kHz stereo float) switch to RF64 (EBU Tech 3306):
// the header reserves a JUNK chunk that becomes the ds64 chunk.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "player/output/output.hpp"
#include "player/output/pacer.hpp"

namespace onair {

enum class WavSampleFormat { float32, pcm16 };

struct WavOutputOptions {
  std::filesystem::path path;
  WavSampleFormat sample_format = WavSampleFormat::float32;
  bool realtime = false;                  // pace to real time (play mode) or run free (render)
  Sleeper* sleeper = nullptr;             // nullptr = system clock
  std::chrono::milliseconds buffer{500};  // emulated render-ahead buffer when realtime
  std::chrono::milliseconds header_interval{1000};  // audio time between header fix-ups
  // Data size above which the file becomes RF64. Only lowered by tests.
  std::uint64_t rf64_threshold = 0xFFFFFFFFull - 1024;
};

class WavOutput final : public Output {
 public:
  explicit WavOutput(WavOutputOptions options);
  ~WavOutput() override;

  AudioFormat open(const AudioFormat& requested) override;
  void write(const float* interleaved, FrameCount frames) override;
  void close() override;
  std::optional<OutputStamp> stamp() const override;
  OutputStats stats() const override;
  bool realtime() const override { return options_.realtime; }
  std::string describe() const override { return "wav:" + options_.path.string(); }

  // Samples already 16-bit (a pcm16 file only): written as they are, no float round trip.
  void write_pcm16(const std::int16_t* interleaved, FrameCount frames);

  // Rewrites the header for the frames written so far and flushes to the kernel.
  void flush();

 private:
  void write_header();
  void put_bytes(long offset, const void* data, std::size_t n);
  void append(const void* data, std::size_t n);  // into out_, written out when full
  void write_out();                              // out_ to the file
  void counted(FrameCount frames);               // frames written: header fix-ups, pacing

  WavOutputOptions options_;
  AudioFormat format_;
  std::FILE* file_ = nullptr;
  std::unique_ptr<Pacer> pacer_;
  std::vector<std::int16_t> pcm_;  // conversion buffer, grown once to the largest block
  // Our own 1 MiB write buffer: glibc's stdio splits large fwrites into 4 KiB write()s.
  static constexpr std::size_t kOutBytes = std::size_t{1} << 20;
  std::vector<char> out_;
  std::atomic<FrameCount> written_{0};
  FrameCount since_fixup_ = 0;
  bool rf64_ = false;
};

}  // namespace onair

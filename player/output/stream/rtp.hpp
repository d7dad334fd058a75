#pragma once
// RTP to a multicast group or one receiver (`rtp://…`, docs/streams.md): the encoder
// (StreamEncoder in RTP mode: L16, Opus or MP3 packets of at most 1,316 bytes) into a UDP
// socket of its own, non-blocking: a packet the network will not take now is dropped and
// counted, never waited for. open() writes the SDP file receivers open (ffmpeg, VLC).
// Meant to run behind a QueuedOutput (make_output() builds it so).
#include <atomic>
#include <memory>
#include <mutex>

#include "player/output/output.hpp"
#include "player/output/stream/rtp_url.hpp"

namespace onair {

class StreamEncoder;

class RtpOutput final : public Output {
 public:
  explicit RtpOutput(RtpTarget target);
  ~RtpOutput() override;

  // Opens the socket, starts the encoder and writes the SDP file; throws OutputError.
  AudioFormat open(const AudioFormat& requested) override;
  void write(const float* interleaved, FrameCount frames) override;
  void close() override;
  std::optional<OutputStamp> stamp() const override { return std::nullopt; }
  OutputStats stats() const override;
  bool realtime() const override { return false; }
  std::string describe() const override { return describe_; }
  void collect_status(std::vector<OutputStatus>& into) const override;

  const std::filesystem::path& sdp_file() const noexcept { return target_.sdp; }

 private:
  RtpTarget target_;
  std::string describe_;
  std::atomic<int> fd_{-1};
  std::unique_ptr<StreamEncoder> encoder_;
  std::atomic<FrameCount> written_{0};
  std::atomic<std::int64_t> bytes_{0}, packets_{0}, dropped_packets_{0};
  mutable std::mutex mutex_;  // last_error_
  std::string last_error_;
};

}  // namespace onair

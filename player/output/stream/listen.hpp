#pragma once
// The built-in stream server as an output (`listen://…`, docs/streams.md): the encoder
// (StreamEncoder) into a ListenServer. Meant to run behind a QueuedOutput (make_output()
// builds it so): encoding happens on that queue's thread, sending on the server's.
//
// open() binds (a port in use is an OutputError before anything airs); the stream then
// runs for the whole session, listeners or none, so a listener joins at once with a burst.
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "player/output/output.hpp"
#include "player/output/stream/listen_server.hpp"

namespace onair {

class StreamEncoder;

struct ListenOptions {
  ListenTarget target;
  std::function<std::chrono::steady_clock::time_point()> now;  // default: steady_clock::now
};

class ListenOutput final : public Output {
 public:
  explicit ListenOutput(ListenOptions options);
  ~ListenOutput() override;

  AudioFormat open(const AudioFormat& requested) override;
  void write(const float* interleaved, FrameCount frames) override;
  void close() override;
  std::optional<OutputStamp> stamp() const override { return std::nullopt; }
  OutputStats stats() const override;
  bool realtime() const override { return false; }
  std::string describe() const override { return describe_; }
  void post_title(FrameCount at, const std::string& title) override;
  void collect_status(std::vector<OutputStatus>& into) const override;

  // Any thread; zeros when not open.
  ListenerCounts counts() const;
  int port() const;  // the bound port, 0 when not open

 private:
  ListenOptions options_;
  std::string describe_;
  AudioFormat format_{};
  mutable std::mutex server_mutex_;  // counts()/port() from other threads against open()/close()
  std::unique_ptr<ListenServer> server_;
  std::unique_ptr<StreamEncoder> encoder_;  // its sink: header_ until open() ends, then server_
  std::vector<std::uint8_t> header_;
  bool in_header_ = true;
  std::atomic<FrameCount> written_{0};
  ListenerCounts last_;  // after close()
};

}  // namespace onair

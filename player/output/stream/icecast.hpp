#pragma once
// Pushes the output to an Icecast 2 server (`icecast://…`, docs/streams.md): the encoder
// (MP3 or Ogg Opus, StreamEncoder) into a libshout connection. Meant to run behind a
// QueuedOutput (make_output() builds it so): write() sends on the caller's thread and may
// take as long as the network does.
//
// Never fatal: open() only prepares; the connection is made by write(), and when it fails
// or is lost the audio is dropped (counted) while it retries after 1 s, then 2, 4 … up to
// 30 s between attempts. A server that stops reading (its send queue over 5 s of audio)
// counts as lost.
//
// The clock is injected (tests run the backoff without waiting).
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "player/output/output.hpp"
#include "player/output/stream/icecast_url.hpp"

namespace onair {

struct IcecastOptions {
  IcecastTarget target;
  std::function<std::chrono::steady_clock::time_point()> now;  // default: steady_clock::now
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds first_retry{1000};
  std::chrono::milliseconds max_retry{30000};
};

struct StreamState {
  bool connected = false;
  std::int64_t connects = 0;       // successful connections
  std::int64_t failures = 0;       // failed attempts and lost connections
  std::int64_t bytes = 0;          // sent to the server
  FrameCount dropped_frames = 0;   // audio lost while not connected
  std::string last_error;
  std::chrono::steady_clock::time_point since{};  // of the current state
};

class IcecastOutput final : public Output {
 public:
  explicit IcecastOutput(IcecastOptions options);
  ~IcecastOutput() override;

  AudioFormat open(const AudioFormat& requested) override;
  void write(const float* interleaved, FrameCount frames) override;
  void close() override;
  std::optional<OutputStamp> stamp() const override { return std::nullopt; }
  OutputStats stats() const override;
  bool realtime() const override { return false; }
  std::string describe() const override { return describe_; }
  void post_title(FrameCount, const std::string& title) override { set_title(title); }
  void collect_status(std::vector<OutputStatus>& into) const override;
  // Reports each connection made and each lost (or, after open, the first attempt that fails).
  void watch(OutputEvents* events) override { events_.store(events); }

  // Any thread.
  StreamState state() const;
  // The title listeners see (ICY StreamTitle), sent at the next write(); any thread.
  void set_title(std::string title);

 private:
  struct Connection;
  struct Handle;
  bool connect();
  void lost(const std::string& why);
  void report(OutputEventKind kind, std::string detail);

  IcecastOptions options_;
  std::string describe_;
  AudioFormat format_{};
  std::unique_ptr<Handle> handle_;  // one libshout handle for every attempt (see icecast.cpp)
  std::unique_ptr<Connection> conn_;
  std::chrono::steady_clock::time_point next_try_{};
  std::chrono::milliseconds backoff_;
  std::atomic<FrameCount> written_{0};
  std::atomic<OutputEvents*> events_{nullptr};
  // The writing thread's: whether the events said "disconnected" last, and since when.
  bool down_reported_ = false;
  std::chrono::steady_clock::time_point down_since_{};
  mutable std::mutex mutex_;  // state_, title_
  StreamState state_;
  std::string title_;
  bool title_pending_ = false;
};

}  // namespace onair

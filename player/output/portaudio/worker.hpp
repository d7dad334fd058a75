#pragma once
// A thread doing PortAudio's blocking work for PortAudioOutput, so the engine thread
// never waits on a driver: tearing down lost streams and reopening the device with
// exponential backoff. Streams are handed over one by one and torn down in order, and a
// reopen is only attempted once every earlier stream is gone (PortAudio must be fully
// terminated to re-enumerate devices).
//
// The thread owns a reference to this object and is detached: if PortAudio hangs in a
// teardown (its JACK backend waits 10 minutes after the server died), the owner can still
// be destroyed and the process can still exit.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "player/output/portaudio/stream.hpp"

namespace onair {

class PaWorker : public std::enable_shared_from_this<PaWorker> {
 public:
  static std::shared_ptr<PaWorker> start(std::shared_ptr<StreamShared> shared, std::string label);

  // Tears the stream down in the background.
  void dispose(std::unique_ptr<PaStreamHandle> stream);
  // Starts trying to open `request` (after earlier disposals), first after `first_delay`,
  // then doubling the wait up to `max_delay`.
  void request_reopen(const StreamRequest& request, std::chrono::milliseconds first_delay,
                      std::chrono::milliseconds max_delay);
  void cancel_reopen();
  // A stream opened by a reopen attempt, if one is ready (never blocks on PortAudio).
  std::unique_ptr<PaStreamHandle> take_reopened();
  // Asks the thread to finish queued disposals and exit; waits up to `wait` for that.
  // Returns false if it is still busy (it then finishes on its own).
  bool stop(std::chrono::milliseconds wait);
  bool busy() const;  // a disposal is queued or running

 private:
  PaWorker(std::shared_ptr<StreamShared> shared, std::string label);
  void run();

  const std::shared_ptr<StreamShared> shared_;
  const std::string label_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::unique_ptr<PaStreamHandle>> disposals_;
  bool disposing_ = false;
  bool reopen_wanted_ = false;
  StreamRequest request_;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::chrono::milliseconds delay_{0}, max_delay_{0};
  std::unique_ptr<PaStreamHandle> reopened_;
  bool quit_ = false;
  bool exited_ = false;
};

}  // namespace onair

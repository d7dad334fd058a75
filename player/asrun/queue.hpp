#pragma once
// The as-run log off the audio path: records handed over by the engine's render thread go
// into a bounded queue and a writer thread of their own passes them, in order, to the sink
// behind (the log file or the per-day folder), which opens files, writes and fsyncs. So a
// slow or failing disk (an SD card, a busy NFS share, a midnight file creation) never makes
// the render thread wait: the engine only takes a short lock to append to the queue.
//
// A record reaches the disk one fsync after it was queued; until then it is in memory. On
// destruction everything queued is written (the thread drains before it ends).
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>

#include "player/asrun/log.hpp"

namespace onair {

class AsRunQueue final : public AsRunSink {
 public:
  // `max_queued`: records held before the oldest are dropped (counted, logged and noted by
  // a "lost" line): days of records, so only a disk gone for days reaches it.
  explicit AsRunQueue(AsRunSink& inner, std::size_t max_queued = 8192);
  ~AsRunQueue() override;  // writes what is queued, then stops the thread
  AsRunQueue(const AsRunQueue&) = delete;
  AsRunQueue& operator=(const AsRunQueue&) = delete;

  void started(const AsRunRecord& r) override { push(Kind::started, r); }
  void ended(const AsRunRecord& r) override { push(Kind::ended, r); }
  void event(const AsRunEvent& e) override;
  // Asks the writer thread to retry what the sink holds; returns at once.
  void retry() override;
  // The sink's health, with what still waits here counted as pending.
  AsRunHealth health() const override;

 private:
  enum class Kind { started, ended, event, retry };
  struct Entry {
    Kind kind;
    AsRunRecord record;
    AsRunEvent event{};
  };
  void push(Kind kind, const AsRunRecord& r, const AsRunEvent& event = {});
  void run();

  AsRunSink& inner_;
  std::size_t max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Entry> queue_;
  std::size_t in_hand_ = 0;   // records taken by the writer, not yet passed on
  std::size_t dropped_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace onair

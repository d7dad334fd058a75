#include "player/asrun/queue.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

#include "player/log.hpp"

namespace onair {

AsRunQueue::AsRunQueue(AsRunSink& inner, std::size_t max_queued)
    : inner_(inner), max_queued_(std::max<std::size_t>(1, max_queued)), thread_([this] { run(); }) {}

AsRunQueue::~AsRunQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void AsRunQueue::event(const AsRunEvent& e) { push(Kind::event, {}, e); }

void AsRunQueue::push(Kind kind, const AsRunRecord& r, const AsRunEvent& event) {
  try {
    std::unique_lock lock(mutex_);
    if (queue_.size() >= max_queued_) {
      ++dropped_;
      named_logger("asrun")->error("as-run queue full ({} records wait for the disk): dropping '{}' ({})",
                                   queue_.size(), queue_.front().record.title, to_string(queue_.front().record.status));
      queue_.pop_front();
    }
    queue_.push_back({kind, r, event});
  } catch (const std::exception& e) {  // out of memory: say so, never stop playout
    named_logger("asrun")->error("as-run record not kept ({}): '{}'", e.what(), r.title);
    return;
  }
  wake_.notify_one();
}

void AsRunQueue::retry() {
  {
    std::lock_guard lock(mutex_);
    // One retry waiting is enough.
    if (!queue_.empty() && queue_.back().kind == Kind::retry) return;
    queue_.push_back({Kind::retry, {}});
  }
  wake_.notify_one();
}

AsRunHealth AsRunQueue::health() const {
  AsRunHealth h = inner_.health();
  std::lock_guard lock(mutex_);
  for (const auto& e : queue_)
    if (e.kind != Kind::retry) ++h.pending;
  h.pending += in_hand_;
  h.lost += dropped_;
  return h;
}

void AsRunQueue::run() {
  std::deque<Entry> batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) break;
    batch.swap(queue_);
    in_hand_ = static_cast<std::size_t>(std::count_if(batch.begin(), batch.end(), [](const Entry& e) { return e.kind != Kind::retry; }));
    lock.unlock();
    for (auto& e : batch) {
      // The sinks never throw by contract; a bug must not kill the writer and lose the rest.
      try {
        switch (e.kind) {
          case Kind::started: inner_.started(e.record); break;
          case Kind::ended: inner_.ended(e.record); break;
          case Kind::event: inner_.event(e.event); break;
          case Kind::retry: inner_.retry(); break;
        }
      } catch (const std::exception& ex) {
        named_logger("asrun")->error("as-run record for '{}' not written: {}", e.record.title, ex.what());
      }
    }
    batch.clear();
    lock.lock();
    in_hand_ = 0;
  }
}

}  // namespace onair

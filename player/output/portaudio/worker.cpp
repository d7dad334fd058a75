#include "player/output/portaudio/worker.hpp"

#include <spdlog/spdlog.h>

#include <thread>

#include "player/output/output.hpp"

namespace onair {

using Clock = std::chrono::steady_clock;

PaWorker::PaWorker(std::shared_ptr<StreamShared> shared, std::string label)
    : shared_(std::move(shared)), label_(std::move(label)) {}

std::shared_ptr<PaWorker> PaWorker::start(std::shared_ptr<StreamShared> shared, std::string label) {
  std::shared_ptr<PaWorker> w(new PaWorker(std::move(shared), std::move(label)));
  std::thread([self = w] { self->run(); }).detach();
  return w;
}

void PaWorker::dispose(std::unique_ptr<PaStreamHandle> stream) {
  if (!stream) return;
  std::lock_guard lock(mutex_);
  disposals_.push_back(std::move(stream));
  wake_.notify_all();
}

void PaWorker::request_reopen(const StreamRequest& request, std::chrono::milliseconds first_delay,
                              std::chrono::milliseconds max_delay) {
  std::lock_guard lock(mutex_);
  reopen_wanted_ = true;
  request_ = request;
  delay_ = first_delay;
  max_delay_ = max_delay;
  next_attempt_ = Clock::now() + first_delay;
  wake_.notify_all();
}

void PaWorker::cancel_reopen() {
  std::lock_guard lock(mutex_);
  reopen_wanted_ = false;
  if (reopened_) disposals_.push_back(std::move(reopened_));
  wake_.notify_all();
}

std::unique_ptr<PaStreamHandle> PaWorker::take_reopened() {
  std::unique_lock lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return nullptr;
  return std::move(reopened_);
}

bool PaWorker::busy() const {
  std::lock_guard lock(mutex_);
  return disposing_ || !disposals_.empty();
}

bool PaWorker::stop(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  quit_ = true;
  reopen_wanted_ = false;
  if (reopened_) disposals_.push_back(std::move(reopened_));
  wake_.notify_all();
  return idle_.wait_for(lock, wait, [&] { return exited_; });
}

void PaWorker::run() {
  auto log = output_log();
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!disposals_.empty()) {
      std::unique_ptr<PaStreamHandle> s = std::move(disposals_.front());
      disposals_.pop_front();
      disposing_ = true;
      lock.unlock();
      s.reset();  // may block for as long as the driver wants
      lock.lock();
      disposing_ = false;
      continue;
    }
    if (quit_) break;
    if (reopen_wanted_ && !reopened_ && Clock::now() >= next_attempt_) {
      const StreamRequest req = request_;
      lock.unlock();
      std::unique_ptr<PaStreamHandle> s;
      std::string error;
      try {
        s = PaStreamHandle::open(req, shared_);
      } catch (const std::exception& e) {
        error = e.what();
      }
      lock.lock();
      if (s && (!reopen_wanted_ || quit_)) {
        disposals_.push_back(std::move(s));  // nobody wants it any more
      } else if (s) {
        reopen_wanted_ = false;
        reopened_ = std::move(s);
        log->info("{}: '{}' is available again", label_, reopened_->device_name());
      } else {
        delay_ = std::min(delay_ * 2, max_delay_);
        next_attempt_ = Clock::now() + delay_;
        log->warn("{}: reopening failed: {}; next try in {} ms", label_, error, delay_.count());
      }
      continue;
    }
    if (reopen_wanted_ && !reopened_) wake_.wait_until(lock, next_attempt_);
    else wake_.wait(lock);
  }
  exited_ = true;
  idle_.notify_all();
}

}  // namespace onair

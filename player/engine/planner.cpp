#include "player/engine/planner.hpp"

namespace onair {

PlannerThread::PlannerThread() : thread_([this](std::stop_token stop) { run(stop); }) {}

PlannerThread::~PlannerThread() {
  thread_.request_stop();
  wake_.notify_all();
}

std::uint64_t PlannerThread::submit(ReplanRequest request) {
  std::lock_guard lock(mutex_);
  request_ = std::move(request);
  result_.reset();
  wake_.notify_one();
  return ++submitted_;
}

std::optional<ReplanResult> PlannerThread::take() {
  std::lock_guard lock(mutex_);
  if (!result_ || computed_ != submitted_) return std::nullopt;
  return std::exchange(result_, std::nullopt);
}

std::optional<ReplanResult> PlannerThread::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  done_.wait_for(lock, timeout, [&] { return result_ && computed_ == submitted_; });
  if (!result_ || computed_ != submitted_) return std::nullopt;
  return std::exchange(result_, std::nullopt);
}

void PlannerThread::dispose(std::shared_ptr<const void> what) {
  if (!what) return;
  std::lock_guard lock(mutex_);
  disposed_.push_back(std::move(what));
  wake_.notify_one();
}

void PlannerThread::run(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    wake_.wait(lock, stop, [&] { return request_.has_value() || !disposed_.empty(); });
    if (!disposed_.empty()) {
      auto gone = std::move(disposed_);
      disposed_.clear();
      lock.unlock();
      gone.clear();
      lock.lock();
      continue;
    }
    if (stop.stop_requested()) break;
    ReplanRequest request = std::move(*request_);
    request_.reset();
    const std::uint64_t number = submitted_;
    lock.unlock();
    ReplanResult result;
    try {
      result = replan(request, fill_);
    } catch (const std::exception& e) {
      result = {};
      result.error = e.what();
    }
    request = {};  // the old timeline goes here, not under the lock
    lock.lock();
    if (number == submitted_) {  // not superseded meanwhile
      result_ = std::move(result);
      computed_ = number;
      done_.notify_all();
    }
  }
}

}  // namespace onair

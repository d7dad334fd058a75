#pragma once
// The engine's planner thread: re-plans off the render thread. The engine submits a
// request (a snapshot of what it knows) and carries on; it takes the result between blocks
// when it is ready, or waits for it a bounded time when it needs it at once. Only the
// latest request counts: one submitted while another is computed supersedes it.
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "scheduler/replan.hpp"

namespace onair {

class PlannerThread {
 public:
  PlannerThread();
  ~PlannerThread();
  PlannerThread(const PlannerThread&) = delete;
  PlannerThread& operator=(const PlannerThread&) = delete;

  // Returns the request's number; results of earlier ones are no longer handed out.
  std::uint64_t submit(ReplanRequest request);
  // The result of the latest request, once computed (then it is handed out once).
  std::optional<ReplanResult> take();
  // Waits at most `timeout` for the latest request's result.
  std::optional<ReplanResult> wait(std::chrono::milliseconds timeout);
  // Lets go of `what` on the planner thread (the last reference to a big timeline: freeing
  // it takes milliseconds the render thread does not have).
  void dispose(std::shared_ptr<const void> what);

 private:
  void run(std::stop_token stop);

  mutable std::mutex mutex_;
  std::condition_variable_any wake_, done_;
  std::optional<ReplanRequest> request_;
  std::optional<ReplanResult> result_;
  std::vector<std::shared_ptr<const void>> disposed_;
  std::uint64_t submitted_ = 0, computed_ = 0;
  FillOrders fill_;  // planner thread only
  std::jthread thread_;
};

}  // namespace onair

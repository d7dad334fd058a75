#pragma once
// The outputs' events into the as-run log: a stream's connection lost or made becomes an
// "output_disconnected" / "output_connected" line, stamped with the station's wall clock
// (injected). Given to the as-run queue, so the follower that reports never waits for a disk.
#include <functional>

#include "player/asrun/log.hpp"
#include "player/output/output.hpp"

namespace onair {

class AsRunOutputEvents final : public OutputEvents {
 public:
  AsRunOutputEvents(AsRunSink& sink, std::function<TimePoint()> now) : sink_(sink), now_(std::move(now)) {}
  void output_event(const OutputEvent& e) override;

 private:
  AsRunSink& sink_;
  std::function<TimePoint()> now_;
};

}  // namespace onair

#pragma once
// The engine's view of one segment it has opened (private to the engine's files).
#include "player/engine/engine.hpp"

namespace onair {

struct Engine::Active {
  Segment seg;
  std::unique_ptr<Source> source;  // null for silence and gaps
  bool started = false;
  FrameCount started_at = 0;
  TimePoint started_wall;  // `started` of its start line: records pair with it, clock steps or not
  bool joined = false;  // started inside the item (session start)
};

// Requests queued by other threads, and the status snapshot they read.
struct Engine::Requests {
  mutable std::mutex mutex;
  std::shared_ptr<const Timeline> timeline;
  std::chrono::seconds protect{2};
  bool skip = false;
  std::optional<bool> hold;
  std::optional<BreakIn> break_in;
  std::optional<std::string> fail;
  std::optional<AsRunSink*> asrun;
  EngineStatus status;
  std::shared_ptr<const Timeline> current;
};

// Items of the schedule, as opposed to what airs between programmes.
inline bool is_item(const Segment& s) { return s.kind != Segment::Kind::fill && s.kind != Segment::Kind::gap; }

}  // namespace onair

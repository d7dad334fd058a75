#include "player/engine/engine.hpp"
#include "player/log.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

#include "player/engine/active.hpp"
#include "player/engine/segment_envelope.hpp"
#include "scheduler/hard_starts.hpp"
#include "player/pcm/mix.hpp"

namespace onair {

namespace {

std::shared_ptr<spdlog::logger> engine_log() { return named_logger("engine"); }

bool has_source(const Segment& s) {
  return s.kind == Segment::Kind::file || s.kind == Segment::Kind::relay || s.kind == Segment::Kind::fill ||
         s.kind == Segment::Kind::tone || s.kind == Segment::Kind::spoken_time;
}

}  // namespace

Engine::Engine(const Timeline& timeline, FrameClock& clock, Output& output, SourceFactory& sources,
               AsRunSink* asrun, AudioFormat format, EngineOptions options)
    : Engine(std::shared_ptr<const Timeline>(std::shared_ptr<const Timeline>(), &timeline), clock, output, sources,
             asrun, format, std::move(options)) {}

Engine::Engine(std::shared_ptr<const Timeline> timeline, FrameClock& clock, Output& output, SourceFactory& sources,
               AsRunSink* asrun, AudioFormat format, EngineOptions options)
    : timeline_(std::move(timeline)), clock_(clock), output_(output), sources_(sources), asrun_(asrun),
      format_(format), options_(std::move(options)), requests_(make_requests()) {
  mix_.resize(static_cast<std::size_t>(options_.block * format_.channels));
  scratch_.resize(mix_.size());
}

Engine::~Engine() = default;

void Engine::replan(FrameCount frame, bool join, FrameCount keep_until, Wait wait) {
  ++stats_.replans;
  // This one supersedes one still being made: what that one protected or joined, this does.
  if (replanning_.awaiting) {
    if (replanning_.keep_until > frame) keep_until = std::max(keep_until, replanning_.keep_until);
    join = join || replanning_.join;
  }
  // What aired (or is protected) was built on these frames: the new list builds on them too.
  commit_placed(replanning_.placed, std::max(frame, keep_until), state_.anchors);
  ReplanRequest request;
  request.timeline = timeline_;
  request.clock = clock_.snapshot();
  request.state = state_;
  request.frame = frame;
  request.keep_until = keep_until;
  request.join = join;
  request.horizon = frames_in(options_.plan_horizon, format_.sample_rate);
  planner_.submit(std::move(request));
  replanning_.needed = false;
  replanning_.awaiting = true;
  replanning_.keep_until = keep_until;
  replanning_.join = join;
  replanning_.finished.clear();
  if (!options_.realtime) wait = Wait::ready;  // rendering: exact, and nothing airs meanwhile
  std::optional<ReplanResult> result;
  if (wait == Wait::ready) {
    while (!result) result = planner_.wait(std::chrono::hours(1));
  } else if (wait == Wait::bounded) {
    result = planner_.wait(options_.realtime_wait);
  }
  if (result) adopt(std::move(*result), frame);
}

// Meets the new list with what is opened: segments on air keep their source (their end may
// move), pre-rolled ones move or reopen, what is no longer planned goes.
void Engine::adopt(ReplanResult result, FrameCount frame) {
  replanning_.awaiting = false;
  if (!result.error.empty()) {
    engine_log()->error("re-planning failed: {}; what was planned airs on", result.error);
    return;
  }
  if (moves_reached_anchor(replanning_.placed, result.placed, frame)) {
    // An anchor was reached while the list was made, and the list moved it: not adopted.
    // The next request commits it where it aired.
    engine_log()->debug("a list moved an anchor reached meanwhile: asking again");
    replan(frame, replanning_.join, replanning_.keep_until, Wait::none);
    return;
  }
  state_.anchors = std::move(result.anchors);
  replanning_.placed = std::move(result.placed);
  replanning_.planned_until = result.planned_until;
  std::vector<HeldSegment> held;
  held.reserve(active_.size());
  for (const auto& a : active_) held.push_back({&a->seg, a->started});
  Merge merge = merge_replan(held, pending_, std::move(result.segments), frame, replanning_.keep_until,
                             replanning_.finished);
  for (std::size_t i = 0; i < active_.size(); ++i) {
    Active& a = *active_[i];
    switch (merge.actions[i]) {
      case Merge::Action::keep: break;
      case Merge::Action::reopen: a.source.reset(); [[fallthrough]];
      case Merge::Action::update: a.seg = std::move(merge.updated[i]); break;
      case Merge::Action::drop: a.seg.end = a.seg.start = -1; break;
    }
  }
  std::erase_if(active_, [](const auto& a) { return !a->started && a->seg.end == a->seg.start && !a->seg.skipped; });
  pending_ = std::move(merge.pending);
}

// Nothing has aired yet, so a file slow to open at the start (a cold disk, a loaded or
// sanitized build) is waited for rather than failed; the clock then starts from the new
// now and the join is placed again, so what airs and what the as-run says match the
// schedule however slowly the process started. Relays keep their own stand-in rules.
void Engine::join_at_start() {
  replan(0, true, -1, Wait::ready);
  if (!options_.realtime) return;
  constexpr int kAttempts = 5;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    preroll(0);
    bool late = false;
    for (auto& a : active_) {
      if (a->seg.start != 0 || a->seg.skipped || !a->source || a->seg.kind == Segment::Kind::relay) continue;
      if (a->source->state() != Source::State::opening) continue;
      if (a->source->wait(1, options_.realtime_wait) || a->source->state() != Source::State::opening) continue;
      late = true;
      a->source->wait(1, std::chrono::milliseconds(options_.render_wait));
    }
    if (!late) {
      head_start();
      return;
    }
    engine_log()->info("a source was slow to open at the start: joining again from the new time");
    clock_.restart_now();
    replan(0, true, -1, Wait::ready);
  }
}

// A source that has just opened holds a frame or two; the first blocks would outrun it and
// air silence (a loaded machine, a sanitized build). Before the first frame airs, each
// opening source gets a few blocks ahead, bounded so a slow decoder costs at most that
// much lateness (the clock's fit then re-places the hard starts).
void Engine::head_start() {
  const auto bound = options_.head_start_wait;
  for (auto& a : active_) {
    if (a->seg.start != 0 || a->seg.skipped || !a->source || a->seg.kind == Segment::Kind::relay) continue;
    const FrameCount want = std::min<FrameCount>(options_.block * 4, a->seg.end - a->seg.start);
    if (want > 0 && !a->source->wait(want, bound) && a->source->readable() < want &&
        a->source->state() == Source::State::playing)
      engine_log()->warn("'{}' is decoding slowly at the start: {} of {} frames ready", a->seg.label.title,
                         a->source->readable(), want);
  }
}

void Engine::preroll(FrameCount frame) {
  const FrameCount files = frame + frames_of(options_.preroll), relays = frame + frames_of(options_.relay_preroll);
  auto due = [&](const Segment& s) { return s.start <= (s.kind == Segment::Kind::relay ? relays : files); };
  // Only the front of pending_ (up to the relay horizon) is looked at, so a call costs what
  // is near, not the whole window. Due segments move out in order; the rest stay in order.
  std::size_t near = 0;
  while (near < pending_.size() && pending_[near].start <= relays) ++near;
  std::size_t moved = 0;
  for (std::size_t i = 0; i < near; ++i) {
    if (!due(pending_[i])) continue;
    auto a = std::make_unique<Active>();
    a->seg = std::move(pending_[i]);
    active_.push_back(std::move(a));
    ++moved;
  }
  if (moved > 0) {
    // Packs the ones not yet due against the rest (moved-from ones keep start and kind).
    std::size_t to = near;
    for (std::size_t i = near; i-- > 0;)
      if (!due(pending_[i]) && --to != i) pending_[to] = std::move(pending_[i]);
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(to));
  }

  for (auto& a : active_) {
    if (a->seg.skipped || !has_source(a->seg) || a->source || a->started) continue;
    a->source = sources_.open(a->seg, a->seg.start, format_);
  }
  // A source that failed before air: record it, re-plan so what follows takes its place.
  for (auto& a : active_) {
    if (a->started || !a->source || a->source->state() != Source::State::failed || a->source->readable() > 0) continue;
    ++stats_.failures;
    const std::string error = a->source->error();
    engine_log()->error("'{}' ({}) failed before air: {}", a->seg.label.title, a->seg.source, error);
    a->started_at = std::max(a->seg.start, frame);
    record_end(*a, a->started_at, AsRunStatus::failed, error);
    record_fact(*a, a->seg.origin);
    a->seg.end = a->seg.start;  // dropped below
    replanning_.needed = true;
  }
  std::erase_if(active_, [](const auto& a) { return !a->started && a->seg.end == a->seg.start && !a->seg.skipped; });
}

void Engine::record_fact(const Active& a, FrameCount ended_at) {
  const Segment& s = a.seg;
  if (s.kind == Segment::Kind::fill) {
    if (ended_at <= s.origin) state_.bad_files.insert(s.source);
    return;
  }
  if (!is_item(s)) return;
  state_.facts.played_length[s.uid] = duration_of(std::max<FrameCount>(0, ended_at - s.origin),
                                                           format_.sample_rate);
}

bool Engine::start_due(FrameCount frame) {
  for (auto& a : active_) {
    if (a->started || a->seg.start != frame) continue;
    if (a->seg.skipped) {
      if (skipped_recorded_.insert(a->seg.uid).second) record_skipped(a->seg);
      a->seg.end = -1;  // removed below
      continue;
    }
    if (a->source) {
      auto timeout = options_.realtime ? std::chrono::milliseconds(options_.realtime_wait)
                                       : std::chrono::milliseconds(options_.render_wait);
      // A break-in's first source opened a moment ago: the audio still queued covers its wait.
      if (options_.realtime && frame == break_in_first_) timeout = std::max(timeout, break_in_wait_);
      if (a->source->state() == Source::State::opening) a->source->wait(1, timeout);
      const bool not_ready = a->source->state() == Source::State::opening;
      if (not_ready || a->source->exhausted()) {
        ++stats_.failures;
        const std::string error = not_ready ? "not ready at air time (still opening)" : a->source->error();
        engine_log()->error("'{}' ({}) failed at air time: {}", a->seg.label.title, a->seg.source, error);
        a->started_at = frame;
        record_end(*a, frame, AsRunStatus::failed, error);
        record_fact(*a, a->seg.origin);
        a->seg.end = -1;
        replanning_.needed = true;
        continue;
      }
    }
    record_start(*a, frame);
  }
  std::erase_if(active_, [](const auto& a) { return a->seg.end < 0; });
  return replanning_.needed;
}

FrameCount Engine::next_boundary(FrameCount frame, FrameCount until) const {
  FrameCount next = std::min(frame + options_.block, until);
  for (const auto& a : active_) {
    if (a->seg.start > frame) next = std::min(next, a->seg.start);
    if (a->seg.end > frame) next = std::min(next, a->seg.end);
  }
  if (!pending_.empty() && pending_.front().start > frame) next = std::min(next, pending_.front().start);
  if (auto e = std::upper_bound(options_.block_ends.begin(), options_.block_ends.end(), frame);
      e != options_.block_ends.end())
    next = std::min(next, *e);
  return next;
}

// The AGC acts while anything not measured ahead airs; target and ceiling are those of the
// latest segment to start (what the listener hears coming in). Silence keeps the last.
BusControl Engine::bus_control(FrameCount frame, FrameCount n) {
  const Active* latest = nullptr;
  bool agc = false;
  for (const auto& a : active_) {
    if (!a->started || !a->source || a->seg.start >= frame + n || a->seg.end <= frame) continue;
    agc = agc || a->seg.loudness.agc;
    if (!latest || a->seg.start > latest->seg.start) latest = a.get();
  }
  if (latest) {
    bus_.target_lufs = latest->seg.loudness.target_lufs;
    bus_.ceiling_dbtp = latest->seg.loudness.ceiling_dbtp;
  }
  bus_.agc = agc;
  return bus_;
}

FrameCount Engine::render(FrameCount frame, FrameCount n) {
  // First find how far every source can go: an early end shortens the block so what
  // follows starts at exactly that frame.
  FrameCount limit = n;
  for (auto& a : active_) {
    if (!a->started || !a->source || a->seg.start > frame || a->seg.end <= frame) continue;
    if (a->source->readable() < n) {
      if (options_.realtime) a->source->wait(n, options_.realtime_wait);
      else a->source->wait(std::max(n, options_.render_ahead), options_.render_wait);
    }
    const Source::State state = a->source->state();  // before readable(): once finished, the count is final
    const FrameCount ready = a->source->readable();
    if (ready < n && (state == Source::State::ended || state == Source::State::failed)) limit = std::min(limit, ready);
  }
  const std::size_t samples = static_cast<std::size_t>(limit * format_.channels);
  auto airs = [&](const Active& a) {
    return a.started && a.source && a.seg.start <= frame && a.seg.end > frame && limit > 0;
  };
  // One source at a steady gain (most of a day): read straight into the mix, sparing a
  // clear, a copy and an add over every sample.
  const Active* only = nullptr;
  std::size_t sources = 0;
  for (const auto& a : active_)
    if (airs(*a) && ++sources == 1) only = a.get();
  std::optional<Envelope> steady;
  if (sources == 1) {
    steady.emplace(envelope_of(only->seg));
    if (!steady->constant_over(frame, limit)) steady.reset();
  }
  const FrameCount tail_end = tail_start_ + tail_frames_;
  const bool tail = tail_frames_ > 0 && frame < tail_end && frame + limit > tail_start_;
  if (tail) steady.reset();
  if (!steady) std::fill(mix_.begin(), mix_.begin() + static_cast<std::ptrdiff_t>(samples), 0.0f);
  for (auto& a : active_) {
    if (!airs(*a)) continue;
    float* into = steady ? mix_.data() : scratch_.data();
    const FrameCount got = a->source->read(into, limit);
    if (got < limit) {  // realtime only: the source is behind; air silence for the rest
      stats_.starved_frames += limit - got;
      std::fill(into + got * format_.channels, into + samples, 0.0f);
    }
    if (steady) apply_gain(mix_.data(), samples, static_cast<float>(steady->at(frame)));
    else mix_add(mix_.data(), scratch_.data(), format_.channels, frame, limit, envelope_of(a->seg));
  }
  if (tail) {  // a break-in's cut fade of what it took back
    const FrameCount first = std::max(frame, tail_start_), last = std::min(frame + limit, tail_end);
    const auto ch = static_cast<std::size_t>(format_.channels);
    const float* from = &tail_[static_cast<std::size_t>(first - tail_start_) * ch];
    float* into = &mix_[static_cast<std::size_t>(first - frame) * ch];
    for (std::size_t i = 0, count = static_cast<std::size_t>(last - first) * ch; i < count; ++i) into[i] += from[i];
    if (last >= tail_end) tail_frames_ = 0;
  }
  if (limit > 0) {
    if (options_.master) options_.master->set_control(bus_control(frame, limit));
    emit(mix_.data(), frame, limit);
  }
  return limit;
}

void Engine::finish_ended(FrameCount frame) {
  for (auto& a : active_) {
    if (!a->started) continue;
    if (a->seg.end <= frame) {
      AsRunStatus status;
      switch (a->seg.kind) {
        case Segment::Kind::gap:
        case Segment::Kind::silence: status = AsRunStatus::silence; break;
        case Segment::Kind::fill: status = AsRunStatus::fill; break;
        default: status = a->joined ? AsRunStatus::joined : a->seg.cut ? AsRunStatus::cut : AsRunStatus::played;
      }
      if (a->source && a->source->stand_in_only()) {  // e.g. a relay whose stream never came
        status = AsRunStatus::failed;
        ++stats_.failures;
      }
      record_end(*a, a->seg.end, status, a->seg.cut ? a->seg.label.note : "");
      a->seg.end = -1;
    } else if (a->source && a->source->exhausted()) {
      // Ended early: a failure mid-play, or media shorter than probed.
      ++stats_.early_ends;
      const bool failed = a->source->state() == Source::State::failed;
      const FrameCount short_by = a->seg.end - frame;
      std::string detail = failed ? "failed after " + std::to_string((frame - a->started_at) / format_.sample_rate) +
                                        " s: " + a->source->error()
                                  : "ended " + std::to_string(duration_of(short_by, format_.sample_rate).count() / 1000) +
                                        " ms before its planned end (the media is shorter than probed)";
      if (short_by > format_.sample_rate / 10 || failed)
        engine_log()->warn("'{}' {}", a->seg.label.title, detail);
      if (failed) ++stats_.failures;
      record_end(*a, frame, failed ? AsRunStatus::failed : (a->joined ? AsRunStatus::joined : AsRunStatus::played), detail);
      record_fact(*a, frame);
      a->seg.end = -1;
      replanning_.needed = true;
    }
  }
  std::erase_if(active_, [](const auto& a) { return a->seg.end < 0; });
}

void Engine::close_all(FrameCount frame, AsRunStatus status, const std::string& detail) {
  for (auto& a : active_)
    if (a->started) record_end(*a, frame, status, detail);
  active_.clear();
  pending_.clear();
  replanning_.awaiting = false;  // a list still being made is not wanted any more
  replanning_.planned_until = ReplanResult::kNoEnd;
}

void Engine::run(FrameCount until, std::stop_token stop) {
  FrameCount frame = 0;
  // A sink that can take back what it has not played lets a break-in replace it at once.
  if (options_.realtime && output_.retract_capacity() > 0) {
    history_frames_ = output_.retract_capacity() + options_.block;
    history_.assign(static_cast<std::size_t>(history_frames_ * format_.channels), 0.0f);
    tail_.reserve(history_.size());
  }
  join_at_start();
  while (frame < until) {
    if (stop.stop_requested()) {
      close_all(frame, AsRunStatus::interrupted, "playout stopped (signal)");
      break;
    }
    clock_.tick();
    frame = apply_requests(frame);
    // The status snapshot is for people and monitors: five times a second is plenty.
    if (frame - last_status_ >= format_.sample_rate / 5 || frame == 0) {
      last_status_ = frame;
      update_status(frame);
    }
    if (resume_at_ >= 0 && frame >= resume_at_) {  // a break-in is over: rejoin the schedule
      resume_at_ = -1;
      replan(frame, true);
    }
    if (replanning_.awaiting)
      if (auto result = planner_.take()) adopt(std::move(*result), frame);
    const bool nothing_left = pending_.empty() && active_.empty() && !replanning_.awaiting &&
                              replanning_.planned_until == ReplanResult::kNoEnd;
    if (held_ || nothing_left) {  // held, or nothing left to air
      if (!held_ && until == kForever && !options_.run_forever) break;
      FrameCount n = std::min(options_.block, until - frame);
      if (auto e = std::upper_bound(options_.block_ends.begin(), options_.block_ends.end(), frame);
          e != options_.block_ends.end())
        n = std::min(n, *e - frame);
      std::fill(mix_.begin(), mix_.end(), 0.0f);
      if (options_.master) {
        bus_.agc = false;
        options_.master->set_control(bus_);
      }
      emit(mix_.data(), frame, n);
      frame += n;
      stats_.frames = frame;
      if (options_.progress) options_.progress(frame);
      continue;
    }
    preroll(frame);
    if (replanning_.needed) {
      replan(frame, false);
      continue;
    }
    if (start_due(frame)) {
      replan(frame, false);
      continue;
    }
    if (options_.realtime && resume_at_ < 0 && clock_.mapping_version() != replanning_.mapping_version) {
      // Future hard starts follow the clock's new fit; after a step, from this frame.
      replanning_.mapping_version = clock_.mapping_version();
      replan(frame, false);
      continue;
    }
    // Built only so far ahead: more before it runs out (taken when ready).
    if (!replanning_.awaiting && replanning_.planned_until != ReplanResult::kNoEnd &&
        frame >= replanning_.planned_until - frames_in(options_.plan_horizon, format_.sample_rate) / 2) {
      replan(frame, false, -1, Wait::none);
      continue;
    }
    const FrameCount n = next_boundary(frame, until) - frame;
    const FrameCount done = render(frame, n);
    frame += done;
    stats_.frames = frame;
    if (std::binary_search(options_.block_ends.begin(), options_.block_ends.end(), frame)) {
      last_status_ = frame;
      update_status(frame);
    }
    if (options_.progress) options_.progress(frame);
    finish_ended(frame);
    if (hold_after_current_ && std::none_of(active_.begin(), active_.end(), [](const auto& a) {
          return a->started && is_item(a->seg);
        })) {
      hold_after_current_ = false;
      held_ = true;
      close_all(frame, AsRunStatus::interrupted, "stopped after the current item by the operator");
      engine_log()->warn("held after the current item by the operator");
      continue;
    }
    if (replanning_.needed) replan(frame, false);
  }
  if (frame >= until) close_all(frame, options_.end_status, options_.end_detail);
  output_.drain();
}

}  // namespace onair

// Requests from other threads (control API, reloads, alarms) and the status snapshot.
// Other threads only touch `Requests` under its mutex; the engine thread applies them
// between blocks, so the render path itself takes no locks.
#include "player/log.hpp"

#include "player/engine/engine.hpp"
#include "player/engine/active.hpp"


namespace onair {


std::unique_ptr<Engine::Requests> Engine::make_requests() { return std::make_unique<Requests>(); }

void Engine::replace_timeline(std::shared_ptr<const Timeline> timeline, std::chrono::seconds protect) {
  std::lock_guard lock(requests_->mutex);
  requests_->timeline = std::move(timeline);
  requests_->protect = protect;
}

void Engine::skip() {
  std::lock_guard lock(requests_->mutex);
  requests_->skip = true;
}

void Engine::hold(bool enable) {
  std::lock_guard lock(requests_->mutex);
  requests_->hold = enable;
}

void Engine::break_in(BreakIn request) {
  std::lock_guard lock(requests_->mutex);
  requests_->break_in = std::move(request);
}

void Engine::fail_current(std::string reason) {
  std::lock_guard lock(requests_->mutex);
  requests_->fail = std::move(reason);
}

void Engine::set_asrun(AsRunSink* asrun) {
  std::lock_guard lock(requests_->mutex);
  requests_->asrun = asrun;
}

EngineStatus Engine::status() const {
  std::lock_guard lock(requests_->mutex);
  return requests_->status;
}

std::shared_ptr<const Timeline> Engine::timeline() const {
  std::lock_guard lock(requests_->mutex);
  return requests_->current ? requests_->current : timeline_;
}

namespace {

std::shared_ptr<spdlog::logger> control_log() { return named_logger("engine"); }

}  // namespace

FrameCount Engine::apply_requests(FrameCount frame) {
  Requests taken;
  {
    std::lock_guard lock(requests_->mutex);
    taken.timeline = std::move(requests_->timeline);
    requests_->timeline.reset();
    taken.protect = requests_->protect;
    taken.skip = std::exchange(requests_->skip, false);
    taken.hold = std::exchange(requests_->hold, std::nullopt);
    taken.break_in = std::exchange(requests_->break_in, std::nullopt);
    taken.fail = std::exchange(requests_->fail, std::nullopt);
    taken.asrun = std::exchange(requests_->asrun, std::nullopt);
  }
  if (taken.asrun) asrun_ = *taken.asrun;
  if (taken.timeline) {
    std::shared_ptr<const Timeline> old = std::exchange(timeline_, std::move(taken.timeline));
    {
      std::lock_guard lock(requests_->mutex);
      requests_->current = timeline_;
    }
    planner_.dispose(std::move(old));  // a big day is freed there, not on the render thread
    // The item on air and the next few seconds stay as they are.
    FrameCount keep = frame + taken.protect.count() * format_.sample_rate;
    for (const auto& a : active_)
      if (a->started && is_item(a->seg)) keep = std::max(keep, a->seg.end);
    control_log()->info("new schedule applies from {}", timeline_->local().iso(clock_.time_of(keep)));
    forget_days_gone();
    // Nothing before `keep` changes, so the engine airs on while the planner works.
    if (!held_ && resume_at_ < 0) replan(frame, false, keep, Wait::none);
  }
  if (taken.fail) {
    for (auto& a : active_) {
      if (!a->started || !is_item(a->seg)) continue;
      record_end(*a, frame, AsRunStatus::failed, *taken.fail);
      record_fact(*a, frame);
      a->seg.end = -1;
      ++stats_.failures;
    }
    std::erase_if(active_, [](const auto& a) { return a->seg.end < 0; });
    if (!held_ && resume_at_ < 0) replan(frame, false);
  }
  if (taken.skip) {
    control_log()->warn("skip requested by the operator");
    const FrameCount end = cut_on_air(frame, "skipped by the operator", true);
    if (resume_at_ >= 0) {  // during a break-in: its other airings go too, the schedule rejoins
      pending_.clear();
      std::erase_if(active_, [](const auto& a) { return !a->started; });
      resume_at_ = end;
    }
    if (!held_ && resume_at_ < 0) replan(end, false);
  }
  if (taken.hold) {
    if (*taken.hold) {
      hold_after_current_ = true;
    } else if (held_ || hold_after_current_) {
      held_ = hold_after_current_ = false;
      control_log()->warn("resumed by the operator: joining the schedule");
      replan(frame, true);
    }
  }
  if (taken.break_in) frame = start_break_in(*taken.break_in, frame);
  return frame;
}

// Ends what is on air a cut fade from now.
FrameCount Engine::cut_on_air(FrameCount frame, const std::string& why, bool as_fact) {
  const FrameCount cut = frames_in(timeline_->merged().cut_fade, format_.sample_rate);
  FrameCount end = frame;
  for (auto& a : active_) {
    if (!a->started || a->seg.end <= frame) continue;
    a->seg.end = std::min(a->seg.end, frame + cut);
    a->seg.cut = true;
    a->seg.cut_fade = a->seg.end - frame;
    a->seg.label.note = why;
    if (as_fact) record_fact(*a, a->seg.end);
    end = std::max(end, a->seg.end);
  }
  return end;
}

// A station runs for months: what it remembers of days that left the timeline (the window
// moved on at midnight) would otherwise grow by a few hundred entries a day.
void Engine::forget_days_gone() {
  const Schedule& merged = timeline_->merged();
  std::erase_if(state_.facts.played_length, [&](const auto& f) { return !timeline_->has_item(f.first); });
  std::erase_if(skipped_recorded_, [&](std::uint64_t uid) { return !timeline_->has_item(uid); });
  // Anchors are looked up by the plan's own times, none of which precede its first programme.
  if (merged.programs.empty()) return;
  Duration first = merged.programs.front().at;
  for (const auto& p : merged.programs) first = std::min(first, p.at);
  const TimePoint since = timeline_->local().at(first).time;
  std::erase_if(state_.anchors, [&](const auto& a) { return a.first < since; });
  std::erase_if(replanning_.placed, [&](const auto& a) { return a.first < since; });
}

void Engine::update_status(FrameCount frame) {
  EngineStatus st;
  st.frame = frame;
  st.now = clock_.time_of(frame);
  st.held = held_ || hold_after_current_;
  st.drift_ppm = clock_.drift_ppm();
  st.failures = stats_.failures;
  auto entry = [&](const Segment& s) {
    return EngineStatus::Entry{s.label.title, s.label.program_id, s.label.display_source, to_string(s.kind), clock_.time_of(s.start),
                               clock_.time_of(s.end), s.uid, s.label.bulletin ? s.label.bulletin->id : ""};
  };
  const Segment* on_air = nullptr;
  for (const auto& a : active_)
    if (a->started && a->seg.start <= frame && frame < a->seg.end && (!on_air || a->seg.start >= on_air->start))
      on_air = &a->seg;
  if (on_air) st.on_air = entry(*on_air);
  const Segment* next = nullptr;
  for (const auto& a : active_)
    if (!a->started && !a->seg.skipped && (!next || a->seg.start < next->start)) next = &a->seg;
  for (const auto& s : pending_) {  // by start: the first one aired is the earliest
    if (s.skipped) continue;
    if (!next || s.start < next->start) next = &s;
    break;
  }
  if (next) st.next = entry(*next);
  const Schedule& merged = timeline_->merged();
  const TimePoint now = st.now;
  for (const auto& p : merged.programs) {
    if (p.start != StartMode::hard) continue;
    const TimePoint at = timeline_->local().at(p.at).time;
    if (at <= now) continue;
    st.next_hard_start = EngineStatus::Entry{p.title.empty() ? p.id : p.title, p.id, "", "programme", at, at, 0, ""};
    break;
  }
  std::lock_guard lock(requests_->mutex);
  requests_->status = std::move(st);
}

}  // namespace onair

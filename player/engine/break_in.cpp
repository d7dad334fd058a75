// Break-ins (an operator's file, an emergency bulletin): what airs is cut at once, the
// break-in airs `repeat` times, then the schedule is rejoined at what it has on air by then.
//
// "At once" means from the frame about to play, not after the half second the engine has
// rendered ahead: a sink that can take audio back (Output::retract: the sound card's ring)
// hands it back, and the engine goes on from there. The cut fade is then made from the copy
// of what it sent (history_), since the sources have already been read past it.
#include "player/engine/engine.hpp"
#include "player/log.hpp"

#include <cstring>

#include "player/engine/active.hpp"
#include "player/engine/segment_envelope.hpp"

namespace onair {

namespace {

std::shared_ptr<spdlog::logger> break_in_log() { return named_logger("engine"); }

}  // namespace

void Engine::emit(const float* mix, FrameCount frame, FrameCount frames) {
  if (history_frames_ > 0) {
    const auto ch = static_cast<std::size_t>(format_.channels);
    FrameCount done = 0;
    while (done < frames) {
      const FrameCount at = (frame + done) % history_frames_;
      const FrameCount n = std::min(frames - done, history_frames_ - at);
      std::memcpy(&history_[static_cast<std::size_t>(at) * ch], mix + static_cast<std::size_t>(done) * ch,
                  static_cast<std::size_t>(n) * ch * sizeof(float));
      done += n;
    }
  }
  output_.write(mix, frames);
}

// Takes back what the sink has not played (but `retract_keep`), fades what it took out over
// the cut fade (the tail, aired first) and ends what was on air where the tail ends. Returns
// the frame to go on from (`frame` when nothing could be taken back).
FrameCount Engine::retract_for_break_in(FrameCount frame, const std::string& why) {
  if (history_frames_ == 0) return frame;
  const FrameCount keep = frames_in(options_.retract_keep, format_.sample_rate);
  const FrameCount most = std::min(frame, history_frames_ - options_.block);
  const FrameCount took = most > 0 ? output_.retract(most, keep) : 0;
  if (took <= 0) return frame;
  const FrameCount from = frame - took;
  const FrameCount fade = std::min(frames_in(timeline_->merged().cut_fade, format_.sample_rate), took);
  const auto ch = static_cast<std::size_t>(format_.channels);
  tail_.resize(static_cast<std::size_t>(fade) * ch);
  for (FrameCount f = 0; f < fade; ++f)
    std::memcpy(&tail_[static_cast<std::size_t>(f) * ch], &history_[static_cast<std::size_t>((from + f) % history_frames_) * ch],
                ch * sizeof(float));
  Segment shape;  // the cut fade's curve, as every cut segment gets it
  shape.start = shape.origin = from;
  shape.length = took + fade;
  shape.end = from + fade;
  shape.cut = true;
  shape.cut_fade = fade;
  envelope_of(shape).apply(tail_.data(), format_.channels, from, fade);
  tail_start_ = from;
  tail_frames_ = fade;

  const FrameCount tail_end = from + fade;
  for (auto& a : active_) {
    if (!a->started) continue;
    if (a->seg.start >= tail_end) {
      // Rendered ahead, never heard: its start line stands, its record says so.
      a->seg.cut = true;
      record_end(*a, a->started_at, AsRunStatus::cut, why + " before it reached the air");
    } else {
      a->seg.end = tail_end;
      a->seg.cut = true;
      record_end(*a, tail_end, AsRunStatus::cut, why);  // no fact: the rejoin finds it by the clock
    }
  }
  active_.clear();  // their sources were read past `from`: the tail holds what still airs
  break_in_log()->info("took back {} ms rendered ahead; the cut fade starts at once", took * 1000 / format_.sample_rate);
  return from;
}

FrameCount Engine::start_break_in(const BreakIn& b, FrameCount frame) {
  const std::string why = b.note.empty() ? "interrupted by a break-in" : b.note;
  if (b.bulletin)
    break_in_log()->warn("{} bulletin {}: '{}' × {}", to_string(b.bulletin->level), b.bulletin->id, b.title, b.repeat);
  else
    break_in_log()->warn("break-in: '{}' × {}", b.title, b.repeat);
  FrameCount start = frame;
  const FrameCount from = retract_for_break_in(frame, why);
  if (from < frame) {
    start = from + tail_frames_;
    frame = from;
    last_status_ = std::min(last_status_, frame);
  } else {
    start = cut_on_air(frame, why, false);
  }
  // Everything planned is dropped; the schedule is rejoined when the break-in ends.
  std::erase_if(active_, [&](const auto& a) { return !a->started; });
  pending_.clear();
  replanning_.awaiting = false;  // a list still being made is not wanted any more
  replanning_.planned_until = ReplanResult::kNoEnd;
  const std::string day = timeline_->local().iso(clock_.time_of(start)).substr(0, 10);
  const std::string key = b.bulletin ? b.bulletin->id + "/" + std::to_string(b.bulletin->airing) : std::to_string(frame);
  FrameCount at = start;
  auto add = [&](Segment s, std::size_t k) {
    s.label.program_id = b.bulletin ? "bulletin" : "break-in";
    s.label.day = day;
    if (!s.label.bulletin) s.label.bulletin = b.bulletin;
    s.item = k;
    s.uid = std::hash<std::string>{}("break-in/" + key + "/" + std::to_string(k));
    s.start = s.origin = at;
    s.end = at + s.length;
    s.scheduled = clock_.time_of(at);
    s.label.planned = duration_of(s.length, format_.sample_rate);
    at = s.end;
    pending_.push_back(std::move(s));
  };
  std::size_t k = 0;
  if (b.attention_tone) {
    Segment s;
    s.kind = Segment::Kind::tone;
    s.tone = attention_tone();
    s.label.title = kAttentionToneTitle;
    s.label.display_source = kAttentionToneSource;
    s.length = frames_in(kAttentionToneLength, format_.sample_rate);
    add(std::move(s), k++);
  }
  const FrameCount length = frames_in(b.length, format_.sample_rate);
  for (int r = 0; r < b.repeat; ++r) {
    Segment s;
    s.kind = Segment::Kind::file;
    s.source = b.source;
    s.label.display_source = b.display_source.empty() ? b.source : b.display_source;
    s.label.title = b.title;
    s.length = length;
    s.gain_db = b.gain_db;
    s.loudness = b.loudness;
    if (b.bulletin) {
      s.label.bulletin = b.bulletin;
      s.label.bulletin->airing = b.bulletin->airing + r;
    }
    add(std::move(s), k++);
  }
  // Its first source opens now and may take until the fade has played (plus what was kept).
  break_in_first_ = start;
  break_in_wait_ = std::max(options_.realtime_wait,
                            std::chrono::duration_cast<std::chrono::milliseconds>(
                                duration_of(start - frame, format_.sample_rate) + options_.retract_keep / 2));
  preroll(frame);
  resume_at_ = at;
  held_ = hold_after_current_ = false;
  return frame;
}

}  // namespace onair

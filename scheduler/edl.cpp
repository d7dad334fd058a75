#include "scheduler/edl.hpp"

#include <algorithm>

#include "scheduler/loudness.hpp"
#include "scheduler/spoken_time.hpp"

namespace onair {

const char* to_string(Segment::Kind kind) {
  switch (kind) {
    case Segment::Kind::file: return "file";
    case Segment::Kind::relay: return "relay";
    case Segment::Kind::silence: return "silence";
    case Segment::Kind::fill: return "fill";
    case Segment::Kind::gap: return "gap";
    case Segment::Kind::tone: return "tone";
    case Segment::Kind::spoken_time: return "spoken_time";
  }
  return "?";
}

FrameMapper::FrameMapper(const Plan& plan, const Timeline& timeline, const FrameClock& clock,
                         const std::map<TimePoint, FrameCount>* committed)
    : clock_(clock), committed_(committed) {
  const Schedule& s = timeline.merged();
  for (const auto& pp : plan.programs) {
    const Program& p = s.programs[pp.index];
    if (p.start == StartMode::hard || pp.late == Duration{0}) anchors_.push_back(pp.scheduled);
    // The time signal: its first pip and the on-time pip are both placed through the clock.
    if (pp.lead_in > Duration{0}) anchors_.push_back(pp.onset());
  }
  for (const auto& it : plan.items)
    if (it.status == PlanStatus::cut) anchors_.push_back(it.end);  // cut by a wall-clock time
  for (const auto& g : plan.gaps) anchors_.push_back(g.end);
  std::sort(anchors_.begin(), anchors_.end());
  anchors_.erase(std::unique(anchors_.begin(), anchors_.end()), anchors_.end());
}

FrameCount FrameMapper::frame_of(TimePoint t) const {
  auto it = std::upper_bound(anchors_.begin(), anchors_.end(), t);
  if (it == anchors_.begin()) return clock_.frame_at(t);
  const TimePoint anchor = *std::prev(it);
  return anchor_frame(anchor) + frames_in(t - anchor, clock_.sample_rate());
}

FrameCount FrameMapper::anchor_frame(TimePoint anchor) const {
  if (committed_)
    if (auto it = committed_->find(anchor); it != committed_->end()) return it->second;
  return clock_.frame_at(anchor);
}

void FrameMapper::commit(std::map<TimePoint, FrameCount>& committed, FrameCount horizon) const {
  // Anchors are sorted and (uncommitted) map through the clock in order: stop at the first
  // past the horizon.
  for (const TimePoint anchor : anchors_) {
    if (committed.contains(anchor)) continue;
    const FrameCount f = clock_.frame_at(anchor);
    if (f > horizon) break;
    committed.emplace(anchor, f);
  }
}

std::map<TimePoint, FrameCount> FrameMapper::placed(FrameCount limit) const {
  std::map<TimePoint, FrameCount> out;
  for (const TimePoint anchor : anchors_) {
    const FrameCount f = anchor_frame(anchor);
    if (f <= limit) out.emplace_hint(out.end(), anchor, f);
  }
  return out;
}

namespace {

// The mapper over the committed anchors, after those airing by the horizon are added.
FrameMapper commit_first(const Plan& plan, const Timeline& t, const FrameClock& clock, const EdlContext& context) {
  FrameMapper mapper(plan, t, clock, context.anchors);
  if (context.anchors) mapper.commit(*context.anchors, context.commit_horizon);
  return mapper;
}

class EdlBuilder {
 public:
  EdlBuilder(const Timeline& t, const Plan& plan, const FrameClock& clock, FrameCount from, bool join,
             const EdlContext& context)
      : t_(t), plan_(plan), clock_(clock), mapper_(commit_first(plan, t, clock, context)),
        rate_(clock.sample_rate()), from_(from), until_(context.until), join_(join), bad_files_(context.bad_files),
        fill_(context.fill ? context.fill : &own_fill_), left_out_(context.left_out), placed_(context.placed) {
    if (!context.fill) own_fill_.use(&t);
  }

  std::vector<Segment> run() {
    std::size_t gap = 0;
    for (const auto& pp : plan_.programs) {
      while (gap < plan_.gaps.size() && plan_.gaps[gap].before_program == pp.index) add_gap(plan_.gaps[gap++]);
      for (std::size_t i = pp.first_item; i < pp.first_item + pp.item_count; ++i) add_item(plan_.items[i], i);
    }
    if (placed_) *placed_ = mapper_.placed(until_);
    return std::move(out_);
  }

 private:
  FrameCount frames(Duration d) const { return frames_in(d, rate_); }
  FrameCount cut_fade_of(std::size_t program) const {
    return frames(t_.day(t_.day_of(program)).schedule.cut_fade);
  }

  // Something starts at `until_` or later: the caller builds it another time.
  void beyond() {
    if (left_out_) *left_out_ = true;
  }

  // Keeps a segment if it still matters at `from_`; clips it when joining.
  void push(Segment s) {
    describe(s);
    if (s.skipped) {
      if (s.start >= from_) out_.push_back(std::move(s));
      return;
    }
    if (s.end <= s.start || s.end <= from_) return;
    if (join_ && s.start < from_) s.start = from_;
    out_.push_back(std::move(s));
  }

  void describe(Segment& s) const {
    s.label.day = t_.date_of(s.program);
    const bool between = s.kind == Segment::Kind::fill || s.kind == Segment::Kind::gap;
    s.label.program_id = between ? "" : t_.merged().programs[s.program].id;
    s.label.next_program_id = between ? t_.merged().programs[s.program].id : "";
    s.label.display_source = s.source;
    if (!s.source.empty() && s.kind != Segment::Kind::relay && s.kind != Segment::Kind::spoken_time) {
      const auto& root = t_.day(t_.day_of(s.program)).schedule.media_root;
      const auto rel = std::filesystem::path(s.source).lexically_relative(root);
      if (!rel.empty() && *rel.begin() != "..") s.label.display_source = rel.string();
    }
  }

  const PlannedItem* neighbour(std::size_t index, int step) const {
    const std::size_t n = index + static_cast<std::size_t>(step);
    if (n >= plan_.items.size()) return nullptr;
    const auto& a = plan_.items[index];
    const auto& b = plan_.items[n];
    if (a.program != b.program || b.status == PlanStatus::skipped) return nullptr;
    return &b;
  }

  void add_item(const PlannedItem& pi, std::size_t index) {
    if (mapper_.frame_of(pi.start) >= until_) return beyond();
    const Program& p = t_.merged().programs[pi.program];
    const Item& item = p.items[pi.item];
    Segment s;
    // An unrendered spoken item (its error is reported) airs as a missing file would.
    s.kind = item.kind == ItemKind::file || item.kind == ItemKind::speech ? Segment::Kind::file
             : item.kind == ItemKind::relay ? Segment::Kind::relay
             : item.kind == ItemKind::tone  ? Segment::Kind::tone
             : item.kind == ItemKind::spoken_time ? Segment::Kind::spoken_time
                                            : Segment::Kind::silence;
    s.source = item.kind == ItemKind::silence || item.kind == ItemKind::tone ? "" : item.source;
    if (item.tone) s.tone = *item.tone;
    s.fallback = item.fallback;
    s.program = pi.program;
    s.item = pi.item;
    s.uid = item.uid;
    s.label.title = item.display_title();
    s.label.bulletin = item.bulletin;
    s.scheduled = pi.start;
    s.label.planned = pi.end - pi.start;
    s.label.note = pi.note;
    s.start = mapper_.frame_of(pi.start);
    if (item.kind == ItemKind::spoken_time && item.speech) {
      // The time it airs, through the clock, as the list is built for air: never the load's.
      const ClockReading reading = clock_reading(clock_.time_of(s.start), t_.local().zone());
      s.source = fill_spoken_time(item.speech->text, reading).text.value_or("");
      s.voice = item.speech->voice;
      if (item.title.empty()) s.label.title = s.source;  // the as-run says what was said
    }
    if (pi.status == PlanStatus::skipped ||
        (pi.unknown_length && (item.kind == ItemKind::file || item.kind == ItemKind::speech ||
                               item.kind == ItemKind::spoken_time))) {
      s.unavailable = pi.status != PlanStatus::skipped;
      s.end = s.start;
      s.skipped = true;
      push(std::move(s));
      return;
    }
    s.end = mapper_.frame_of(pi.end);
    s.origin = s.start;
    s.cue_in = frames(pi.source_offset);
    s.length = frames(pi.length);
    s.fade_in = frames(item.fade_in);
    s.fade_out = frames(item.fade_out);
    s.gain_db = item.gain_db;
    if (item.kind != ItemKind::tone)  // the pips keep their level: never normalised
      apply_loudness(s, effective_loudness(t_.day(t_.day_of(pi.program)).schedule, &p, &item), item.source,
                   cue_range_of(item), pi.program, item.kind == ItemKind::relay);
    if (const PlannedItem* next = neighbour(index, 1); next && item.crossfade.count() > 0)
      s.xfade_out = std::min(s.length, frames(item.crossfade));
    if (index > 0 && plan_.items[index - 1].program == pi.program && plan_.items[index - 1].status != PlanStatus::skipped) {
      const Item& prev = p.items[plan_.items[index - 1].item];
      if (prev.crossfade.count() > 0) s.xfade_in = std::min(s.length, frames(std::min(prev.crossfade, plan_.items[index - 1].length)));
    }
    s.cut = pi.status == PlanStatus::cut;
    if (s.cut) s.cut_fade = std::min(cut_fade_of(pi.program), s.end - s.start);
    push(std::move(s));
  }

  // Static gain from the measurement made at load (validate_media), or the AGC when
  // there is none (relays and their fallbacks cannot be measured ahead).
  void apply_loudness(Segment& s, const std::optional<LoudnessSettings>& settings, const std::string& source,
                      CueRange range, std::size_t program, bool relay) const {
    if (!settings) return;  // off: gain as written, ceiling -1 dBTP, no AGC
    s.loudness.target_lufs = static_cast<float>(settings->target_lufs);
    s.loudness.ceiling_dbtp = static_cast<float>(settings->true_peak_dbtp);
    if (relay) {
      s.loudness.agc = true;
      return;
    }
    const auto& files = t_.day(t_.day_of(program)).media.files;
    const auto it = files.find(std::filesystem::path(source));
    if (it != files.end())
      if (auto m = it->second.loudness.find(range); m != it->second.loudness.end()) {
        s.gain_db = loudness_gain(*settings, m->second, s.gain_db).gain_db;
        return;
      }
    s.loudness.agc = true;
  }

  void add_gap(const PlannedGap& g) {
    const std::size_t day_index = t_.day_of(g.before_program);
    const BroadcastDay& day = t_.day(day_index);
    const FrameCount start = mapper_.frame_of(g.start), end = mapper_.frame_of(g.end);
    if (start >= until_) return beyond();  // and so is every later gap
    const bool use_fill = day.schedule.between == Between::fill && day.schedule.fill && !day.media.fill.empty();
    // Gaps are known by the programme they lead to.
    const std::string gap_key = t_.date_of(g.before_program) + "/" + t_.merged().programs[g.before_program].id + "/gap";
    if (!use_fill) {
      Segment s;
      s.kind = Segment::Kind::gap;
      s.program = g.before_program;
      s.item = 0;
      s.uid = std::hash<std::string>{}(gap_key);
      s.label.title = "silence";
      s.scheduled = g.start;
      s.label.planned = g.end - g.start;
      s.start = s.origin = start;
      s.end = end;
      s.length = end - start;
      push(std::move(s));
      return;
    }
    // Fillers in the day's order, the last trimmed to end exactly at the gap's end. Those
    // over before `from_` are only counted (their numbers and times place the rest).
    std::size_t& used = fill_used_[day_index];
    FillDay& fill = fill_->day(day.media.fill, day.schedule.fill->order, day.schedule.date);
    const std::size_t pool = fill.sequence.pool().size();
    FrameCount at = start;
    TimePoint when = g.start;
    std::size_t number = 0, misses = 0;
    while (at < end) {
      if (at >= until_) return beyond();
      const std::size_t pick = fill.sequence.at(used++);
      const auto& file = fill.sequence.pool()[pick];
      const FrameCount len = fill.length(t_, pick, rate_);
      if (len <= 0 || (bad_files_ && !bad_files_->empty() && bad_files_->count(file.string()))) {
        if (++misses > 2 * pool) {  // no usable filler left: silence
          Segment s;
          s.kind = Segment::Kind::gap;
          s.program = g.before_program;
          s.item = number;
          s.uid = std::hash<std::string>{}(gap_key + "/" + std::to_string(number));
          s.label.title = "silence (no usable fill)";
          s.scheduled = when;
          s.start = s.origin = at;
          s.end = end;
          s.length = end - at;
          s.label.planned = duration_of(end - at, rate_);
          push(std::move(s));
          break;
        }
        continue;
      }
      misses = 0;
      const FrameCount seg_end = std::min(end, at + len);
      if (seg_end <= from_) {  // aired already
        ++number;
        when += duration_of(seg_end - at, rate_);
        at = seg_end;
        continue;
      }
      Segment s;
      s.kind = Segment::Kind::fill;
      s.source = file.string();
      s.program = g.before_program;
      s.uid = std::hash<std::string>{}(gap_key + "/" + std::to_string(number));
      s.item = number++;
      s.label.title = file.stem().string();
      s.scheduled = when;
      s.start = s.origin = at;
      s.length = len;
      s.end = seg_end;
      s.label.planned = duration_of(s.end - s.start, rate_);
      s.cut = s.end < at + len;
      apply_loudness(s, effective_loudness(day.schedule, nullptr, nullptr), s.source, CueRange{}, g.before_program,
                     false);
      if (s.cut) s.cut_fade = std::min(cut_fade_of(g.before_program), s.end - s.start);
      when += s.label.planned;
      at = s.end;
      push(std::move(s));
    }
  }

  const Timeline& t_;
  const Plan& plan_;
  const FrameClock& clock_;
  FrameMapper mapper_;
  int rate_;
  FrameCount from_, until_;
  bool join_;
  const std::set<std::string>* bad_files_;
  FillOrders own_fill_;
  FillOrders* fill_;
  bool* left_out_;
  std::map<TimePoint, FrameCount>* placed_;
  std::vector<Segment> out_;
  std::map<std::size_t, std::size_t> fill_used_;
};

}  // namespace

std::vector<Segment> build_edl(const Timeline& timeline, const Plan& plan, const FrameClock& clock, FrameCount from,
                               bool join, const EdlContext& context) {
  return EdlBuilder(timeline, plan, clock, from, join, context).run();
}

}  // namespace onair

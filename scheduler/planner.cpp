#include <fmt/format.h>

#include <algorithm>

#include "scheduler/plan.hpp"

namespace onair {
namespace {

struct ItemLength {
  Duration length{0};
  Duration offset{0};
  bool unknown = false;
};

ItemLength natural_length(const Item& item, TimePoint start, const LocalDay& day,
                          const MediaDurationLookup& media_duration) {
  switch (item.kind) {
    case ItemKind::silence:
      return {item.duration.value_or(Duration{0}), Duration{0}, !item.duration};
    case ItemKind::relay:
      if (item.duration) return {*item.duration, Duration{0}, false};
      if (item.until) return {day.next_at(*item.until, start).time - start, Duration{0}, false};
      return {Duration{0}, Duration{0}, true};
    case ItemKind::speech:  // not rendered (an error says why)
      return {Duration{0}, Duration{0}, true};
    case ItemKind::tone:
      return {item.duration.value_or(Duration{0}), Duration{0}, false};
    case ItemKind::spoken_time:  // the slot render_speech() measured; none: not rendered
      return {item.duration.value_or(Duration{0}), Duration{0}, !item.duration};
    case ItemKind::file: {
      const auto media = media_duration(item);
      const Duration in = item.cue_in.value_or(Duration{0});
      if (!media) {
        // Unknown media: cue points still tell us the intended length.
        if (item.cue_out) return {std::max(Duration{0}, *item.cue_out - in), in, false};
        return {Duration{0}, in, true};
      }
      const Duration out = std::min(item.cue_out.value_or(*media), *media);
      return {std::max(Duration{0}, out - in), in, false};
    }
  }
  return {};
}

std::string item_label(const Schedule& s, const PlannedItem& pi) {
  const Program& p = s.programs[pi.program];
  const std::size_t n = p.written_number(pi.item);
  if (n == 0) return fmt::format("'{}'", p.items[pi.item].display_title());
  return fmt::format("{} '{}'", n, p.items[pi.item].display_title());
}

class Planner {
 public:
  Planner(const Schedule& s, const LocalDay& day, const MediaDurationLookup& media, Diagnostics* diags,
          const PlayFacts* facts)
      : s_(s), day_(day), media_(media), diags_(diags), facts_(facts) {}

  Plan run() {
    for (std::size_t k = 0; k < s_.programs.size(); ++k) add_program(k);
    for (auto& p : plan_.programs) finish_program(p);
    warn_cuts();
    return std::move(plan_);
  }

 private:
  void warn(const SourceMark& m, std::string msg) {
    if (diags_) diags_->warning(m, std::move(msg));
  }

  // Ends every earlier item still on air at `t` (a hard start or an `end`).
  void cut_everything_after(TimePoint t, std::size_t from_item, const std::string& by) {
    for (std::size_t i = std::max(from_item, open_); i < plan_.items.size(); ++i) {
      auto& it = plan_.items[i];
      if (it.status == PlanStatus::skipped || it.end <= t) continue;
      if (it.start >= t) {
        it.status = PlanStatus::skipped;
        it.end = it.start = t;  // recorded when its time was taken
        it.note = "skipped: no time left before " + by;
      } else {
        it.status = PlanStatus::cut;
        it.note = fmt::format("cut after {} of {} by {}", format_duration_short(t - it.start),
                              format_duration_short(it.length), by);
        it.end = t;
      }
    }
  }

  // The latest-starting item on air at `t`, if any.
  std::optional<std::size_t> item_on_air(TimePoint t) const {
    std::optional<std::size_t> found;
    for (std::size_t i = open_; i < plan_.items.size(); ++i) {
      const auto& it = plan_.items[i];
      if (it.status != PlanStatus::skipped && it.start <= t && t < it.end) found = i;
    }
    return found;
  }

  TimePoint air_end() const {
    TimePoint end = closed_end_;
    for (std::size_t i = open_; i < plan_.items.size(); ++i) {
      const auto& it = plan_.items[i];
      if (it.status != PlanStatus::skipped) end = std::max(end, it.end);
    }
    return end;
  }

  // Items that ended by `t` never change again while programmes come in time order (every
  // later cut is at or after the next programme's time), so the scans above start after
  // them: planning stays linear in the items (a 100,000-item day was quadratic). Out of
  // order, everything is open again.
  void close_before(TimePoint t) {
    if (t < last_at_) {
      open_ = 0;
      closed_end_ = TimePoint::min();
    }
    last_at_ = t;
    while (open_ < plan_.items.size()) {
      const auto& it = plan_.items[open_];
      const bool skipped = it.status == PlanStatus::skipped;
      if ((skipped ? it.start : it.end) > t) break;
      if (!skipped) closed_end_ = std::max(closed_end_, it.end);
      ++open_;
    }
  }

  void warn_local_time(const Program& p, const ResolvedTime& r, const char* what, Duration tod) {
    if (r.kind == LocalTimeKind::nonexistent)
      warn(what[0] == 'a' ? p.at_mark : p.end_mark,
           fmt::format("{} {} does not exist on {} in {} (clocks go forward); it airs at {}", what,
                       format_time_of_day(tod).substr(0, 8), date::format("%F", date::sys_days(day_.day())),
                       day_.zone()->name(), day_.clock(r.time).substr(0, 8)));
    else if (r.kind == LocalTimeKind::ambiguous)
      warn(what[0] == 'a' ? p.at_mark : p.end_mark,
           fmt::format("{} {} occurs twice on {} in {} (clocks go back); it airs at the first, {}", what,
                       format_time_of_day(tod).substr(0, 8), date::format("%F", date::sys_days(day_.day())),
                       day_.zone()->name(), day_.iso(r.time)));
  }

  void add_program(std::size_t k) {
    const Program& p = s_.programs[k];
    const ResolvedTime at = day_.at(p.at);
    warn_local_time(p, at, "at", p.at);
    // The time signal takes the air before `at`: everything before it ends there.
    const TimePoint onset = at.time - p.lead_in();
    close_before(onset);
    PlannedProgram pp;
    pp.index = k;
    pp.scheduled = at.time;
    pp.lead_in = p.lead_in();
    TimePoint start = onset;
    const TimePoint previous_end = plan_.items.empty() ? onset : air_end();
    if (!plan_.items.empty()) {
      if (p.start == StartMode::hard) {
        cut_everything_after(onset, 0,
                             p.pips ? fmt::format("the time signal of '{}' at {} (from {})", p.id,
                                                  day_.clock(at.time), day_.clock(onset))
                                    : fmt::format("the hard start of '{}' at {}", p.id, day_.clock(at.time)));
      } else if (auto on_air = item_on_air(at.time)) {
        start = plan_.items[*on_air].end;
        pp.late = start - at.time;
        cut_everything_after(start, *on_air + 1,
                             fmt::format("the soft start of '{}' at {}", p.id, day_.clock(start)));
      }
    }
    // A gap runs from the end of what airs (or the previous gap) to this start.
    TimePoint before = std::min(previous_end, air_end());
    if (!plan_.gaps.empty()) before = std::max(before, plan_.gaps.back().end);
    // Nothing aired yet (everything so far skipped): no gap, as before the first item; found
    // by fuzzing, the gap otherwise began at the beginning of time.
    const bool aired_any = air_end() != TimePoint::min();
    if (aired_any && start > before) plan_.gaps.push_back({before, start, s_.between, k});

    pp.first_item = plan_.items.size();
    TimePoint t = start;
    for (std::size_t i = 0; i < p.items.size(); ++i) {
      const Item& item = p.items[i];
      ItemLength len = natural_length(item, t, day_, media_);
      if (facts_) {
        if (auto f = facts_->played_length.find(item.uid); f != facts_->played_length.end()) {
          len.length = std::min(len.length, f->second);
          if (len.unknown) len.length = f->second;
          len.unknown = false;
        }
      }
      PlannedItem pi;
      pi.program = k;
      pi.item = i;
      pi.start = pi.natural_start = t;
      pi.length = len.length;
      pi.end = t + len.length;
      pi.source_offset = len.offset;
      pi.unknown_length = len.unknown;
      plan_.items.push_back(pi);
      const bool last = i + 1 == p.items.size();
      const Duration overlap = last ? Duration{0} : std::min(item.crossfade, len.length);
      t = pi.end - overlap;
    }
    pp.item_count = p.items.size();
    if (p.end) {
      const ResolvedTime end = day_.next_at(*p.end, at.time + Duration{1});
      warn_local_time(p, end, "end", *p.end);
      const TimePoint content_end = air_end();
      if (content_end > end.time) {
        pp.overrun = content_end - end.time;
        pp.cut_by = "end";
        cut_everything_after(end.time, pp.first_item, fmt::format("its end at {}", day_.clock(end.time)));
      }
    }
    plan_.programs.push_back(pp);
  }

  void finish_program(PlannedProgram& pp) {
    bool any = false;
    for (std::size_t i = pp.first_item; i < pp.first_item + pp.item_count; ++i) {
      const auto& it = plan_.items[i];
      if (it.status == PlanStatus::skipped) continue;
      pp.start = any ? std::min(pp.start, it.start) : it.start;
      pp.end = any ? std::max(pp.end, it.end) : it.end;
      any = true;
    }
    if (!any) pp.start = pp.end = pp.scheduled;
  }

  // One warning per programme that loses content, naming the items and by how much.
  void warn_cuts() {
    for (std::size_t n = 0; n < plan_.programs.size(); ++n) {
      auto& pp = plan_.programs[n];
      const Program& p = s_.programs[pp.index];
      std::vector<std::string> cut, skipped;
      TimePoint natural_end = pp.end, cut_at = TimePoint::max();
      std::string by;
      for (std::size_t i = pp.first_item; i < pp.first_item + pp.item_count; ++i) {
        const auto& it = plan_.items[i];
        if (it.status == PlanStatus::play) continue;
        if (it.status == PlanStatus::cut) {
          cut.push_back(item_label(s_, it) + " (" + it.note.substr(0, it.note.find(" by ")) + ")");
          cut_at = std::min(cut_at, it.end);
        } else {
          skipped.push_back(item_label(s_, it));
          cut_at = std::min(cut_at, it.start);
        }
        natural_end = std::max(natural_end, it.natural_start + it.length);
        if (by.empty()) by = it.note.substr(it.note.find(it.status == PlanStatus::cut ? " by " : " before ") +
                                            (it.status == PlanStatus::cut ? 4 : 8));
      }
      if (cut.empty() && skipped.empty()) continue;
      if (pp.overrun == Duration{0}) pp.overrun = natural_end - cut_at;
      if (pp.cut_by.empty()) pp.cut_by = by;
      std::string what;
      if (!cut.empty()) what += "cut: item " + fmt::format("{}", fmt::join(cut, ", item "));
      if (!skipped.empty()) what += (what.empty() ? "" : "; ") + std::string("skipped: item ") +
                                    fmt::format("{}", fmt::join(skipped, ", item "));
      warn(p.mark, fmt::format("programme '{}' overruns {} by {}; {}", p.id, by,
                               format_duration_short(pp.overrun), what));
    }
    for (const auto& g : plan_.gaps) {
      const Program& next = s_.programs[g.before_program];
      warn(next.at_mark, fmt::format("gap of {} before programme '{}' ({} to {}), filled with {}",
                                     format_duration_short(g.end - g.start), next.id, day_.clock(g.start),
                                     day_.clock(g.end), g.filled_with == Between::fill ? "fill" : "silence"));
    }
    for (std::size_t n = 0; n < plan_.programs.size(); ++n) {
      const auto& pp = plan_.programs[n];
      if (pp.late > Duration{0})
        warn(s_.programs[pp.index].at_mark,
             fmt::format("soft start of '{}' waits {} for the item on air; it starts at {}",
                         s_.programs[pp.index].id, format_duration_short(pp.late), day_.clock(pp.start)));
    }
  }

  const Schedule& s_;
  const LocalDay& day_;
  const MediaDurationLookup& media_;
  Diagnostics* diags_;
  const PlayFacts* facts_;
  Plan plan_;
  std::size_t open_ = 0;                     // items before it ended by last_at_
  TimePoint closed_end_ = TimePoint::min();  // the latest end among them
  TimePoint last_at_ = TimePoint::min();
};

}  // namespace

Plan make_plan(const Schedule& schedule, const LocalDay& day, const MediaDurationLookup& media_duration,
               Diagnostics* diags, const PlayFacts* facts) {
  return Planner(schedule, day, media_duration, diags, facts).run();
}

std::optional<OnAir> on_air_at(const Plan& plan, TimePoint t) {
  std::optional<OnAir> found;
  for (std::size_t i = 0; i < plan.items.size(); ++i) {
    const auto& it = plan.items[i];
    if (it.status != PlanStatus::skipped && it.start <= t && t < it.end) found = OnAir{i, t - it.start};
  }
  return found;
}

}  // namespace onair

// Re-planning as pure functions: replan() builds the list from a frame (in pieces up to a
// horizon, equal to building it all at once), keeps committed anchors; merge_replan() meets a
// new list with what the engine holds and has pending. Timelines are made in code with
// made-up media (replan does no I/O).
#include <gtest/gtest.h>

#include <date/date.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "scheduler/replan.hpp"

using namespace onair;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr int kRate = 48000;
const date::year_month_day kDay1 = date::year{2026} / 3 / 2;
const date::year_month_day kDay2 = date::year{2026} / 3 / 3;
const fs::path kRoot = "/srv/onair/media";

FrameCount frames(Duration d) { return frames_in(d, kRate); }
TimePoint at(date::year_month_day day, Duration time_of_day) { return TimePoint(date::sys_days(day)) + time_of_day; }

MediaInfo media(Duration d) {
  MediaInfo info;
  info.ok = true;
  info.duration = d;
  info.sample_rate = kRate;
  info.channels = 2;
  return info;
}

Program programme(const std::string& id, Duration time, std::vector<std::string> files,
                  StartMode start = StartMode::hard) {
  Program p;
  p.id = id;
  p.at = time;
  p.start = start;
  for (auto& f : files) {
    Item item;
    item.kind = ItemKind::file;
    item.source = f;
    p.items.push_back(std::move(item));
  }
  return p;
}

Schedule schedule(date::year_month_day day, std::vector<Program> programs, Between between = Between::silence) {
  Schedule s;
  s.date = day;
  s.timezone = "UTC";
  s.media_root = kRoot;
  s.between = between;
  if (between == Between::fill) s.fill = FillPool{"fill", FillOrder::shuffle, {}};
  s.programs = std::move(programs);
  return s;
}

// `n` made-up fill files of 150–210 s (`extra` added to each: another probe of the same names).
std::vector<fs::path> fill_pool(std::size_t n, MediaTable& table, Duration extra = Duration{0}) {
  std::vector<fs::path> pool;
  for (std::size_t i = 0; i < n; ++i) {
    pool.push_back(kRoot / "fill" / ("f" + std::to_string(100000 + i) + ".wav"));
    table.files[pool.back()] = media(150s + std::chrono::seconds(10 * static_cast<int>(i % 7)) + extra);
  }
  table.fill = pool;
  return pool;
}

// Today `news` (2 min) at 06:00, tomorrow `morning` (2 min) at 06:00: a 24 h gap of fill
// between them, from a pool of 10,000 files.
std::shared_ptr<const Timeline> long_fill_timeline(std::size_t pool_size = 10'000, Duration extra = Duration{0},
                                                   const std::string& tomorrow_id = "morning") {
  std::vector<BroadcastDay> days;
  days.push_back({schedule(kDay1, {programme("news", 6h, {"news.wav"})}, Between::fill), {}});
  days.push_back({schedule(kDay2, {programme(tomorrow_id, 6h, {"news.wav"})}, Between::fill), {}});
  for (auto& d : days) {
    d.media.files[kRoot / "news.wav"] = media(2min);
    fill_pool(pool_size, d.media, extra);
  }
  return std::make_shared<const Timeline>(std::move(days));
}

// Frame 0 airs at today's 06:00 (shifted by `shift`).
std::shared_ptr<const FrameClock> clock_at(Duration shift = Duration{0}) {
  return std::make_shared<VirtualClock>(at(kDay1, 6h) + shift, kRate);
}

ReplanResult run(const std::shared_ptr<const Timeline>& timeline, FrameCount frame, FrameCount horizon,
                 FillOrders& fill, std::shared_ptr<const FrameClock> clock = clock_at(), PlayState state = {}) {
  ReplanRequest r;
  r.timeline = timeline;
  r.clock = std::move(clock);
  r.state = std::move(state);
  r.frame = frame;
  r.horizon = horizon;
  return replan(r, fill);
}
ReplanResult run(const std::shared_ptr<const Timeline>& timeline, FrameCount frame, FrameCount horizon) {
  FillOrders fill;
  return run(timeline, frame, horizon, fill);
}

// What identifies and places a segment, printable so a mismatch shows where.
std::string key(const Segment& s) {
  return std::string(to_string(s.kind)) + " uid=" + std::to_string(s.uid) + " src=" + s.source +
         " [" + std::to_string(s.start) + "," + std::to_string(s.end) + ") origin=" + std::to_string(s.origin) +
         " cue=" + std::to_string(s.cue_in) + " len=" + std::to_string(s.length) + " item=" + std::to_string(s.item) +
         " cut=" + std::to_string(s.cut) + " skipped=" + std::to_string(s.skipped) +
         " sched=" + std::to_string(s.scheduled.time_since_epoch().count());
}
template <class Pred>
std::vector<std::string> keys(const std::vector<Segment>& v, Pred keep) {
  std::vector<std::string> out;
  for (const auto& s : v)
    if (keep(s)) out.push_back(key(s));
  return out;
}
std::vector<std::string> keys(const std::vector<Segment>& v) {
  return keys(v, [](const Segment&) { return true; });
}

}  // namespace

// ---- replan ---------------------------------------------------------------------------

TEST(Replan, HorizonBuildsOnlyAnHourAhead) {
  const auto timeline = long_fill_timeline();
  const FrameCount horizon = frames(1h);
  const auto piece = run(timeline, 0, horizon);
  ASSERT_TRUE(piece.error.empty()) << piece.error;
  ASSERT_FALSE(piece.segments.empty());
  EXPECT_EQ(piece.planned_until, horizon);
  for (const auto& s : piece.segments) EXPECT_LT(s.start, horizon) << key(s);
  // The news and then fill up to the horizon (not a handful: the hour is filled).
  EXPECT_EQ(piece.segments.front().kind, Segment::Kind::file);
  EXPECT_GT(piece.segments.size(), 15u);
  EXPECT_GE(piece.segments.back().end, horizon - frames(210s));
}

TEST(Replan, BuildingInPiecesEqualsBuildingAtOnce) {
  const auto timeline = long_fill_timeline();
  const auto whole = run(timeline, 0, 0);
  ASSERT_TRUE(whole.error.empty()) << whole.error;
  EXPECT_EQ(whole.planned_until, ReplanResult::kNoEnd);
  // The whole day: from the news to tomorrow's morning, the fill back to back between.
  ASSERT_GT(whole.segments.size(), 400u);
  const FrameCount morning = frames(24h);
  EXPECT_EQ(whole.segments.back().start, morning);
  EXPECT_EQ(whole.segments.back().kind, Segment::Kind::file);
  for (std::size_t i = 1; i < whole.segments.size(); ++i)
    ASSERT_EQ(whole.segments[i].start, whole.segments[i - 1].end) << key(whole.segments[i]);

  const FrameCount horizon = frames(1h);
  // Pieces from where the engine asks for more (halfway), and from deep in the gap.
  for (const FrameCount from : {FrameCount{0}, frames(30min), frames(90min), frames(13h) + 12345}) {
    SCOPED_TRACE("from " + std::to_string(from));
    const auto piece = run(timeline, from, horizon);
    EXPECT_EQ(piece.planned_until, from + horizon);
    // Without join, what is under way at `from` is there whole, as in the full list.
    EXPECT_EQ(keys(piece.segments),
              keys(whole.segments, [&](const Segment& s) { return s.end > from && s.start < from + horizon; }));
  }
}

TEST(Replan, HorizonCountsFromKeepUntil) {
  // A new timeline at 30 min keeps what starts before 40 min: building starts there, joined.
  const auto timeline = long_fill_timeline();
  const auto whole = run(timeline, 0, 0);
  ReplanRequest r;
  r.timeline = timeline;
  r.clock = clock_at();
  r.frame = frames(30min);
  r.keep_until = frames(40min);
  r.horizon = frames(1h);
  FillOrders fill;
  const auto piece = replan(r, fill);
  EXPECT_EQ(piece.planned_until, r.keep_until + r.horizon);
  std::vector<Segment> expected;
  for (Segment s : whole.segments) {
    if (s.end <= r.keep_until || s.start >= piece.planned_until) continue;
    s.start = std::max(s.start, r.keep_until);
    expected.push_back(s);
  }
  EXPECT_EQ(keys(piece.segments), keys(expected));
}

TEST(Replan, ScheduleEndingBeforeTheHorizonIsComplete) {
  const auto timeline = long_fill_timeline();
  const auto whole = run(timeline, 0, 0);
  const FrameCount from = frames(24h - 10min);
  const auto piece = run(timeline, from, frames(1h));
  // Nothing was left out: the engine need not ask again.
  EXPECT_EQ(piece.planned_until, ReplanResult::kNoEnd);
  EXPECT_EQ(keys(piece.segments), keys(whole.segments, [&](const Segment& s) { return s.end > from; }));
  EXPECT_EQ(piece.segments.back().start, frames(24h));
}

TEST(Replan, ReusedFillOrdersGiveWhatFreshOnesGive) {
  const auto timeline = long_fill_timeline();
  const FrameCount horizon = frames(1h);
  FillOrders reused;
  const auto first = run(timeline, 0, horizon, reused);
  const auto second = run(timeline, frames(30min), horizon, reused);
  FillOrders fresh1, fresh2;
  EXPECT_EQ(keys(first.segments), keys(run(timeline, 0, horizon, fresh1).segments));
  EXPECT_EQ(keys(second.segments), keys(run(timeline, frames(30min), horizon, fresh2).segments));

  // A reload: the same names probed with other lengths. The kept order must not keep the
  // old timeline's lengths.
  const auto reloaded = long_fill_timeline(10'000, 7s);
  const auto after = run(reloaded, frames(30min), horizon, reused);
  FillOrders fresh3;
  const auto expected = run(reloaded, frames(30min), horizon, fresh3);
  EXPECT_EQ(keys(after.segments), keys(expected.segments));
  EXPECT_NE(keys(after.segments), keys(second.segments));  // the lengths did change the list

  // A reload with a file added to the pool: a new order.
  const auto grown = long_fill_timeline(10'001);
  FillOrders fresh4;
  EXPECT_EQ(keys(run(grown, frames(30min), horizon, reused).segments),
            keys(run(grown, frames(30min), horizon, fresh4).segments));
}

TEST(Replan, BadFillFilesArePassedOver) {
  const auto timeline = long_fill_timeline();
  const auto whole = run(timeline, 0, frames(1h));
  // The first two fillers failed: what follows takes their place.
  PlayState state;
  ASSERT_EQ(whole.segments[1].kind, Segment::Kind::fill);
  state.bad_files = {whole.segments[1].source, whole.segments[2].source};
  FillOrders fill;
  const auto r = run(timeline, 0, frames(1h), fill, clock_at(), state);
  ASSERT_GT(r.segments.size(), 3u);
  EXPECT_EQ(r.segments[1].source, whole.segments[3].source);
  EXPECT_EQ(r.segments[1].start, whole.segments[1].start);
  for (const auto& s : r.segments) EXPECT_FALSE(state.bad_files.contains(s.source)) << key(s);
}

// Two hard programmes an hour apart, silence between: anchors at 06:00 and 07:00.
std::shared_ptr<const Timeline> two_programmes() {
  std::vector<BroadcastDay> days;
  days.push_back({schedule(kDay1, {programme("a", 6h, {"a.wav"}), programme("b", 7h, {"b.wav"})}), {}});
  days[0].media.files[kRoot / "a.wav"] = media(10min);
  days[0].media.files[kRoot / "b.wav"] = media(5min);
  return std::make_shared<const Timeline>(std::move(days));
}

const Segment* find_item(const ReplanResult& r, const std::string& file) {
  for (const auto& s : r.segments)
    if (s.kind == Segment::Kind::file && fs::path(s.source).filename() == file) return &s;
  return nullptr;
}

TEST(Replan, AnchorsAtOrBeforeTheFrameAreCommitted) {
  const auto timeline = two_programmes();
  FillOrders fill;
  const TimePoint a = at(kDay1, 6h), b = at(kDay1, 7h);
  // Half past six: 06:00 airs already (audio depends on it), 07:00 still follows the clock.
  const auto half = run(timeline, frames(30min), 0, fill);
  ASSERT_TRUE(half.anchors.contains(a));
  EXPECT_EQ(half.anchors.at(a), 0);
  EXPECT_FALSE(half.anchors.contains(b));
  // Exactly at 07:00's frame: committed too.
  const auto seven = run(timeline, frames(1h), 0, fill);
  ASSERT_TRUE(seven.anchors.contains(b));
  EXPECT_EQ(seven.anchors.at(b), frames(1h));
  // Anchors handed in stay, whatever the frame.
  PlayState state;
  state.anchors[a - 1h] = 42;
  const auto kept = run(timeline, frames(30min), 0, fill, clock_at(), state);
  ASSERT_TRUE(kept.anchors.contains(a - 1h));
  EXPECT_EQ(kept.anchors.at(a - 1h), 42);
}

TEST(Replan, CommittedAnchorKeepsItsFrameWhenTheClockMoves) {
  const auto timeline = two_programmes();
  const TimePoint a = at(kDay1, 6h), b = at(kDay1, 7h);
  // The clock stepped: frame 0 now airs 2 s earlier, so 06:00 maps to 2 s of frames.
  const auto stepped = clock_at(-2s);
  ASSERT_EQ(stepped->frame_at(a), frames(2s));
  PlayState state;
  state.anchors[a] = 0;  // committed when 06:00 aired at frame 0
  FillOrders fill;
  const auto r = run(timeline, frames(5min), 0, fill, stepped, state);
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_TRUE(r.anchors.contains(a));
  EXPECT_EQ(r.anchors.at(a), 0);
  const Segment* on_air = find_item(r, "a.wav");
  ASSERT_NE(on_air, nullptr);
  EXPECT_EQ(on_air->origin, 0);  // the programme on air stays on its frames
  EXPECT_EQ(on_air->end, frames(10min));
  // The next hard start, not committed yet, follows the clock's new mapping.
  const Segment* next = find_item(r, "b.wav");
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(next->start, stepped->frame_at(b));
  EXPECT_FALSE(r.anchors.contains(b));

  // Without the committed anchor the same request places 06:00 where the clock says.
  FillOrders fill2;
  const auto uncommitted = run(timeline, frames(5min), 0, fill2, stepped);
  ASSERT_NE(find_item(uncommitted, "a.wav"), nullptr);
  EXPECT_EQ(find_item(uncommitted, "a.wav")->origin, frames(2s));
}

TEST(Replan, ReachedAnchorsKeepTheFramesOfTheListThatAiredThem) {
  // Frame 0 airs 2 s before 06:00: the first list is made before `news` airs, so nothing is
  // committed; the fill after it is placed from 06:00's frame by that list's clock.
  const auto timeline = long_fill_timeline(100);
  const TimePoint news = at(kDay1, 6h);
  FillOrders fill;
  const auto first = run(timeline, 0, 0, fill, clock_at(-2s));
  ASSERT_TRUE(first.error.empty()) << first.error;
  EXPECT_TRUE(first.anchors.empty());
  ASSERT_TRUE(first.placed.contains(news));
  EXPECT_EQ(first.placed.at(news), frames(2s));
  // By the next re-plan (3 min in: the fill airs) the clock's fit moved by 9 frames.
  const auto refit = clock_at(-2s + std::chrono::microseconds(190));
  ASSERT_NE(refit->frame_at(news), frames(2s));
  const FrameCount now = frames(2s + 3min);
  // The next hour of fill (the last filler ends on tomorrow's hard start, which may follow
  // the clock: it is not reached).
  const FrameCount hour = now + frames(1h);
  auto fills = [&](const ReplanResult& r) {
    return keys(r.segments, [&](const Segment& s) { return s.kind == Segment::Kind::fill && s.start < hour; });
  };
  std::vector<std::string> aired_on;  // those of `first` still to end after now
  for (const auto& s : first.segments)
    if (s.kind == Segment::Kind::fill && s.end > now && s.start < hour) {
      Segment joined = s;
      joined.start = std::max(s.start, now);
      aired_on.push_back(key(joined));
    }
  // Through the clock alone, the fill on air and after it moves under the engine.
  FillOrders fill2;
  ReplanRequest r;
  r.timeline = timeline;
  r.clock = refit;
  r.frame = now;
  r.join = true;
  const auto unanchored = replan(r, fill2);
  EXPECT_NE(fills(unanchored), aired_on);
  // With the anchors the engine reached committed where the airing list put them, the new
  // list meets what airs: the same fillers on the same frames.
  commit_placed(first.placed, now, r.state.anchors);
  EXPECT_EQ(r.state.anchors.at(news), frames(2s));
  const auto anchored = replan(r, fill);
  EXPECT_EQ(fills(anchored), aired_on);
  EXPECT_FALSE(moves_reached_anchor(first.placed, anchored.placed, now));
  EXPECT_TRUE(moves_reached_anchor(first.placed, unanchored.placed, now));
}

TEST(Replan, OnlyReachedAnchorsThatMovedMakeAListStale) {
  const TimePoint a = at(kDay1, 6h), b = at(kDay1, 7h), c = at(kDay1, 8h);
  const std::map<TimePoint, FrameCount> airing{{a, 100}, {b, 1'000}};
  EXPECT_FALSE(moves_reached_anchor(airing, {{a, 100}, {b, 1'009}}, 999)) << "b is not reached: it may follow the clock";
  EXPECT_TRUE(moves_reached_anchor(airing, {{a, 100}, {b, 1'009}}, 1'000));
  EXPECT_FALSE(moves_reached_anchor(airing, {{a, 100}, {c, 5}}, 2'000)) << "what the new list does not place is not moved";
  std::map<TimePoint, FrameCount> committed{{a, 90}};
  commit_placed(airing, 1'000, committed);
  EXPECT_EQ(committed.at(a), 90) << "a committed anchor keeps its frame";
  EXPECT_EQ(committed.at(b), 1'000);
  commit_placed({{c, 5'000}}, 4'999, committed);
  EXPECT_FALSE(committed.contains(c));
}

// ---- merge_replan ---------------------------------------------------------------------

namespace {

Segment seg(std::uint64_t uid, FrameCount start, FrameCount end, const std::string& source = "/m/a.wav",
            Segment::Kind kind = Segment::Kind::file) {
  Segment s;
  s.kind = kind;
  s.uid = uid;
  s.source = source;
  s.start = s.origin = start;
  s.end = end;
  s.length = end - start;
  return s;
}

std::vector<std::uint64_t> uids(const std::deque<Segment>& d) {
  std::vector<std::uint64_t> out;
  for (const auto& s : d) out.push_back(s.uid);
  return out;
}

const Segment* by_uid(const std::deque<Segment>& d, std::uint64_t uid) {
  for (const auto& s : d)
    if (s.uid == uid) return &s;
  return nullptr;
}

}  // namespace

TEST(MergeReplan, StartedSegmentKeepsItsSourceAndTakesTheNewEnd) {
  const Segment on_air = seg(1, 0, 10'000, "/m/on_air.wav");
  const HeldSegment held[] = {{&on_air, true}};
  std::deque<Segment> pending;
  Segment cut = seg(1, 0, 6'000, "/m/on_air.wav");
  cut.length = 10'000;
  cut.cut = true;
  cut.cut_fade = 500;
  cut.label.note = "cut by the hard start";
  cut.program = 3;
  const Merge m = merge_replan(held, pending, {cut, seg(2, 6'000, 9'000)}, 1'000, -1);
  ASSERT_EQ(m.actions.size(), 1u);
  EXPECT_EQ(m.actions[0], Merge::Action::update);  // not reopened: it is on air
  EXPECT_EQ(m.updated[0].source, "/m/on_air.wav");
  EXPECT_EQ(m.updated[0].start, 0);
  EXPECT_EQ(m.updated[0].length, 10'000);  // the held segment's own, not the new one's
  EXPECT_EQ(m.updated[0].end, 6'000);
  EXPECT_TRUE(m.updated[0].cut);
  EXPECT_EQ(m.updated[0].cut_fade, 500);
  EXPECT_EQ(m.updated[0].label.note, "cut by the hard start");
  EXPECT_EQ(m.updated[0].program, 3u);
  // The match is used up: it is not opened a second time.
  EXPECT_EQ(uids(m.pending), (std::vector<std::uint64_t>{2}));
}

TEST(MergeReplan, StartedSegmentNeverEndsBeforeNow) {
  const Segment on_air = seg(1, 0, 10'000);
  const HeldSegment held[] = {{&on_air, true}};
  std::deque<Segment> pending;
  const Merge m = merge_replan(held, pending, {seg(1, 0, 2'000)}, 3'000, -1);
  EXPECT_EQ(m.actions[0], Merge::Action::update);
  EXPECT_EQ(m.updated[0].end, 3'000);
}

TEST(MergeReplan, StartedSegmentWhoseOriginMovedIsKept) {
  // Another placement of the same item (it would have to start again): what airs goes on.
  const Segment on_air = seg(1, 0, 10'000);
  const HeldSegment held[] = {{&on_air, true}};
  std::deque<Segment> pending;
  const Merge m = merge_replan(held, pending, {seg(1, 500, 10'500)}, 1'000, -1);
  EXPECT_EQ(m.actions[0], Merge::Action::keep);
}

TEST(MergeReplan, UnstartedSegmentReopensOnlyWhenItsSourcePositionMoves) {
  const Segment a = seg(1, 2'000, 3'000), b = seg(2, 4'000, 5'000), c = seg(3, 6'000, 7'000);
  const HeldSegment held[] = {{&a, false}, {&b, false}, {&c, false}};
  std::deque<Segment> pending;
  // a: moved later as a whole (origin with it): the source still starts at its cue-in.
  const Segment a2 = seg(1, 2'100, 3'100);
  // b: same start, but the cue-in changed: the source must be opened again.
  Segment b2 = seg(2, 4'000, 5'000);
  b2.cue_in = 48;
  // c: starts later but its origin stayed: joined part-way, another source position.
  Segment c2 = seg(3, 6'200, 7'000);
  c2.origin = 6'000;
  const Merge m = merge_replan(held, pending, {a2, b2, c2}, 1'000, -1);
  EXPECT_EQ(m.actions[0], Merge::Action::update);
  EXPECT_EQ(m.updated[0].start, 2'100);
  EXPECT_EQ(m.updated[0].end, 3'100);
  EXPECT_EQ(m.actions[1], Merge::Action::reopen);
  EXPECT_EQ(m.updated[1].cue_in, 48);
  EXPECT_EQ(m.actions[2], Merge::Action::reopen);
  EXPECT_EQ(m.updated[2].start, 6'200);
  EXPECT_TRUE(m.pending.empty());
}

TEST(MergeReplan, UnstartedAbsentIsDroppedStartedAbsentIsKept) {
  const Segment on_air = seg(1, 0, 10'000), prerolled = seg(2, 10'000, 20'000);
  const HeldSegment held[] = {{&on_air, true}, {&prerolled, false}};
  std::deque<Segment> pending;
  const Merge m = merge_replan(held, pending, {seg(7, 10'000, 20'000, "/m/other.wav")}, 1'000, -1);
  EXPECT_EQ(m.actions[0], Merge::Action::keep);
  EXPECT_EQ(m.actions[1], Merge::Action::drop);
  EXPECT_EQ(uids(m.pending), (std::vector<std::uint64_t>{7}));
}

TEST(MergeReplan, PendingBeforeKeepUntilStaysAsPlanned) {
  Segment p1 = seg(1, 500, 1'500, "/m/p1.wav");
  p1.label.note = "as planned";
  std::deque<Segment> pending = {p1, seg(2, 1'500, 2'500, "/m/p2.wav")};
  // The new list (a new timeline, built from keep_until) has p1 elsewhere and p2 moved.
  Segment p1_new = seg(1, 700, 1'700, "/m/p1.wav");
  p1_new.label.note = "replanned";
  const Segment p2_new = seg(2, 1'700, 2'700, "/m/p2.wav");
  const Segment p3 = seg(3, 2'700, 3'700, "/m/p3.wav");
  const Merge m = merge_replan({}, pending, {p1_new, p2_new, p3}, 100, 1'000);
  ASSERT_EQ(uids(m.pending), (std::vector<std::uint64_t>{1, 2, 3}));  // no second p1
  EXPECT_EQ(key(m.pending[0]), key(p1));
  EXPECT_EQ(m.pending[0].label.note, "as planned");
  EXPECT_EQ(key(m.pending[1]), key(p2_new));  // past keep_until: the new plan
  EXPECT_EQ(key(m.pending[2]), key(p3));
}

TEST(MergeReplan, HeldUnstartedBeforeKeepUntilIsProtected) {
  const Segment prerolled = seg(1, 500, 1'500);
  const HeldSegment held[] = {{&prerolled, false}};
  std::deque<Segment> pending;
  const Merge m = merge_replan(held, pending, {seg(1, 800, 1'800), seg(2, 1'800, 2'800)}, 100, 1'000);
  EXPECT_EQ(m.actions[0], Merge::Action::keep);
  EXPECT_EQ(uids(m.pending), (std::vector<std::uint64_t>{2}));  // its copy is not opened again
}

TEST(MergeReplan, FinishedSegmentsDoNotAirAgain) {
  std::deque<Segment> pending;
  // Segment 9 ended while the list was being made; the list still has it.
  const Merge m = merge_replan({}, pending, {seg(9, 0, 1'000), seg(10, 1'000, 2'000)}, 500, -1, {9});
  EXPECT_EQ(uids(m.pending), (std::vector<std::uint64_t>{10}));
}

TEST(MergeReplan, ListMadeEarlierJoinsNow) {
  std::deque<Segment> pending;
  const FrameCount now = 1'000;
  const Merge m = merge_replan({}, pending,
                               {seg(1, 0, 800),        // over already
                                seg(2, 800, 1'600),    // under way: joins now
                                seg(3, 1'600, 2'000)}, // ahead: as it is
                               now, -1);
  ASSERT_EQ(uids(m.pending), (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(m.pending[0].start, now);
  EXPECT_EQ(m.pending[0].end, 1'600);
  EXPECT_EQ(m.pending[0].origin, 800);  // the source position follows from the origin
  EXPECT_EQ(m.pending[1].start, 1'600);
}

TEST(MergeReplan, HeldUnstartedFromAListMadeEarlierJoinsNow) {
  const Segment prerolled = seg(1, 800, 1'600);
  const HeldSegment held[] = {{&prerolled, false}};
  std::deque<Segment> pending;
  const Merge m = merge_replan(held, pending, {seg(1, 800, 1'600)}, 1'000, -1);
  EXPECT_EQ(m.actions[0], Merge::Action::reopen);  // joined part-way: another source position
  EXPECT_EQ(m.updated[0].start, 1'000);
  EXPECT_EQ(m.updated[0].end, 1'600);
}

TEST(MergeReplan, SkippedBeforeNowIsRecordedAtNow) {
  std::deque<Segment> pending;
  Segment skipped = seg(5, 700, 700);
  skipped.skipped = true;
  const Merge m = merge_replan({}, pending, {skipped, seg(6, 1'000, 2'000)}, 1'000, -1);
  const Segment* s = by_uid(m.pending, 5);
  ASSERT_NE(s, nullptr);  // a record of what did not air is kept
  EXPECT_TRUE(s->skipped);
  EXPECT_EQ(s->start, s->end);
  EXPECT_EQ(s->start, 1'000);

  // The same for one the engine holds (pre-rolled, not started).
  Segment held_skip = seg(7, 600, 600);
  held_skip.skipped = true;
  const HeldSegment held[] = {{&held_skip, false}};
  std::deque<Segment> none;
  const Merge h = merge_replan(held, none, {held_skip}, 1'000, -1);
  EXPECT_NE(h.actions[0], Merge::Action::drop);
  EXPECT_TRUE(h.updated[0].skipped);
  EXPECT_EQ(h.updated[0].start, h.updated[0].end);
  EXPECT_EQ(h.updated[0].start, 1'000);
}

TEST(MergeReplan, RenamedProgrammeKeepsTheFillOnAir) {
  // A reload renamed the programme the fill leads to: the fill's uid (made from that name)
  // changed, but it is the same file from the same frame.
  Segment on_air = seg(111, 0, 9'000, "/m/fill/f1.wav", Segment::Kind::fill);
  on_air.label.next_program_id = "morning";
  const HeldSegment held[] = {{&on_air, true}};
  std::deque<Segment> pending;
  Segment renamed = seg(222, 0, 9'000, "/m/fill/f1.wav", Segment::Kind::fill);
  renamed.label.next_program_id = "breakfast";
  Segment next = seg(223, 9'000, 18'000, "/m/fill/f2.wav", Segment::Kind::fill);
  const Merge m = merge_replan(held, pending, {renamed, next}, 1'000, -1);
  EXPECT_EQ(m.actions[0], Merge::Action::update);
  EXPECT_EQ(m.updated[0].source, "/m/fill/f1.wav");
  EXPECT_EQ(m.updated[0].label.next_program_id, "breakfast");
  EXPECT_EQ(uids(m.pending), (std::vector<std::uint64_t>{223}));  // not aired twice
}

TEST(MergeReplan, OnlyFillAndSilenceAreMatchedWithoutTheirUid) {
  // A file item is its uid: another item of the same file at the same frame is another one.
  const Segment on_air = seg(1, 0, 9'000, "/m/a.wav");
  const HeldSegment held[] = {{&on_air, true}};
  std::deque<Segment> pending;
  const Merge m = merge_replan(held, pending, {seg(2, 0, 9'000, "/m/a.wav")}, 1'000, -1);
  EXPECT_EQ(m.actions[0], Merge::Action::keep);
  EXPECT_EQ(uids(m.pending), (std::vector<std::uint64_t>{2}));
  // And a renamed fill that is another file is not this one.
  const Segment fill = seg(10, 0, 9'000, "/m/fill/f1.wav", Segment::Kind::fill);
  const HeldSegment held_fill[] = {{&fill, true}};
  const Merge n = merge_replan(held_fill, pending, {seg(20, 0, 9'000, "/m/fill/f2.wav", Segment::Kind::fill)}, 1'000, -1);
  EXPECT_EQ(n.actions[0], Merge::Action::keep);
  EXPECT_EQ(uids(n.pending), (std::vector<std::uint64_t>{20}));
}

#pragma once
// The playout engine: executes the edit decision list into one output stream, frame by
// frame. Sources are opened ahead of air time (pre-roll); a source that fails before air
// is replaced by what follows with no gap; one that fails or ends early mid-play is
// followed at once. Every such fact re-plans the timeline from that frame. Times in the
// as-run log come from output frames through the clock, never from the plan.
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <vector>

#include "player/asrun/log.hpp"
#include "player/output/output.hpp"
#include "player/output/processed.hpp"
#include "player/engine/planner.hpp"
#include "player/source/factory.hpp"
#include "scheduler/edl.hpp"
#include "scheduler/replan.hpp"

namespace onair {

struct EngineOptions {
  FrameCount block = 1024;                         // frames rendered per step (at most)
  std::chrono::seconds preroll{8};                 // files and fill open this early
  std::chrono::seconds relay_preroll{20};          // relays open this early
  bool realtime = false;                           // play: never wait long for a source
  std::chrono::milliseconds realtime_wait{20};     // at most this for a lagging source
  std::chrono::seconds render_wait{60};            // render: give up on a hung source
  std::chrono::milliseconds head_start_wait{500};  // realtime start: at most this for 4 blocks ahead
  // Render: a source that is behind is waited for until this much is ready (or it ends),
  // so the decoder thread hands over half a second at a time, not a chunk per wake-up.
  FrameCount render_ahead = 24'000;
  // What the as-run says of items on air when the run ends without a stop request.
  AsRunStatus end_status = AsRunStatus::cut;
  std::string end_detail = "end of the rendered window";
  // The daemon: when the schedule has nothing left, air silence and wait for more
  // (a new timeline) instead of returning.
  bool run_forever = false;
  // Called after each block with the next frame (progress display, status).
  std::function<void(FrameCount)> progress;
  // How far ahead a re-plan builds segments; the engine asks for more when half is left.
  // A long gap of fill or a 100,000-item tomorrow then costs a re-plan what an hour does.
  std::chrono::minutes plan_horizon{60};
  // The master processor in front of the outputs (the engine's Output, or behind it): told
  // before each block what airs (AGC for what was not measured ahead, the ceiling).
  ProcessedOutput* master = nullptr;
  // A break-in takes back the audio rendered ahead (Output::retract) but this much, which
  // plays while the break-in's first frames are rendered; it replaces the rest at once.
  std::chrono::milliseconds retract_keep{60};
  // Render rehearsal (`render --inject`): blocks also end at these frames (ascending) and the
  // status is fresh there, so a request made from `progress` at one takes effect at that frame.
  std::vector<FrameCount> block_ends;
};

// A break-in: an urgent announcement aired at once (the item on air fades out with the cut
// fade), `repeat` times, then the schedule is rejoined at whatever is on air by then. With a
// sink that can take back what it has not played (a sound card), the audio rendered ahead is
// replaced: the cut fade starts at the frame about to play, not after the render-ahead.
struct BreakIn {
  std::string source;   // absolute path
  std::string display_source;  // as the operator named it (for the as-run log)
  std::string title;
  Duration length{0};   // probed
  double gain_db = 0.0;
  int repeat = 1;
  // Not measured ahead (it must air at once): the master AGC levels it toward the
  // station's target unless loudness is off (docs/loudness.md).
  SegmentLoudness loudness{.agc = true};
  std::optional<BulletinTag> bulletin;  // an emergency bulletin's airing (as-run "bulletin", "level")
  bool attention_tone = false;          // the attention signal first (scheduler/bulletin.hpp)
  std::string note;                     // what the as-run says of what it cut ("" = a break-in)
};

// What is on air, for the status API.
struct EngineStatus {
  struct Entry {
    std::string title, program, source, kind;
    TimePoint start, end;  // wall time via the clock
    std::uint64_t uid = 0;  // the timeline item's (Item::uid), for the station's inserts
    std::string bulletin;   // the bulletin it airs ("" when none)
  };
  std::optional<Entry> on_air;   // the latest-starting segment on air
  std::optional<Entry> next;     // the next segment to start
  std::optional<Entry> next_hard_start;  // the next programme that starts on its time
  TimePoint now;                 // wall time of the frame being rendered
  FrameCount frame = 0;
  bool held = false;             // stopped after the current item by the operator
  double drift_ppm = 0.0;
  std::int64_t failures = 0;
};

struct EngineStats {
  FrameCount frames = 0;
  std::int64_t segments_started = 0, failures = 0, early_ends = 0, replans = 0;
  FrameCount starved_frames = 0;  // realtime: frames a source could not deliver in time
};

class Engine {
 public:
  static constexpr FrameCount kForever = std::numeric_limits<FrameCount>::max();
  Engine(const Timeline& timeline, FrameClock& clock, Output& output, SourceFactory& sources,
         AsRunSink* asrun, AudioFormat format, EngineOptions options = {});
  Engine(std::shared_ptr<const Timeline> timeline, FrameClock& clock, Output& output, SourceFactory& sources,
         AsRunSink* asrun, AudioFormat format, EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Renders from output frame 0 (joining whatever is on air then) up to `until`
  // (exclusive), or until `stop` is requested (items on air are then `interrupted`).
  // With a finite `until`, silence fills to it once the schedule has nothing left;
  // with `until` = kForever, the run ends after the schedule's last item.
  void run(FrameCount until, std::stop_token stop = {});

  const EngineStats& stats() const { return stats_; }
  // What the engine remembers of what aired (lengths, skips, committed anchors): bounded by
  // the timeline's days, since entries of days that left it are dropped. Engine thread only.
  std::size_t remembered() const {
    return state_.facts.played_length.size() + skipped_recorded_.size() + state_.anchors.size();
  }

  // Requests from other threads (control API, schedule reload, alarms); the engine
  // thread carries them out at its next block.
  // A new timeline (reload, next day, inserted item): applies from the end of the item on
  // air, and never within `protect` of now; what starts before then (an item crossfading in)
  // airs as it was planned, pre-rolled or not.
  void replace_timeline(std::shared_ptr<const Timeline> timeline, std::chrono::seconds protect = std::chrono::seconds(2));
  void skip();                          // fade out the item on air now; what follows starts
  void hold(bool enable);               // stop after the current item / resume (rejoin)
  void break_in(BreakIn request);
  void fail_current(std::string reason);  // e.g. the output stayed silent: end it as failed
  EngineStatus status() const;
  std::shared_ptr<const Timeline> timeline() const;
  // Sets where the as-run log goes from the next record on (a new broadcast day's file).
  void set_asrun(AsRunSink* asrun);

 private:
  struct Active;
  // How long the engine thread waits for a re-plan it asked for.
  enum class Wait {
    ready,    // until it is there (render; nothing airs meanwhile)
    bounded,  // realtime: what follows must start now; at most realtime_wait, else later
    none,     // it applies to the future: take it when it comes
  };
  void replan(FrameCount frame, bool join, FrameCount keep_until = -1, Wait wait = Wait::bounded);
  void adopt(ReplanResult result, FrameCount frame);
  void join_at_start();
  void head_start();
  void preroll(FrameCount frame);
  bool start_due(FrameCount frame);
  FrameCount next_boundary(FrameCount frame, FrameCount until) const;
  FrameCount render(FrameCount frame, FrameCount frames);
  BusControl bus_control(FrameCount frame, FrameCount frames);
  void finish_ended(FrameCount frame);
  void close_all(FrameCount frame, AsRunStatus status, const std::string& detail);
  void record_fact(const Active& a, FrameCount ended_at);
  void record_start(Active& a, FrameCount frame);
  void record_end(Active& a, FrameCount frame, AsRunStatus status, std::string detail);
  void record_skipped(const Segment& s);
  FrameCount frames_of(std::chrono::seconds s) const { return s.count() * format_.sample_rate; }

  std::shared_ptr<const Timeline> timeline_;
  FrameClock& clock_;
  Output& output_;
  SourceFactory& sources_;
  AsRunSink* asrun_;
  AudioFormat format_;
  EngineOptions options_;
  EngineStats stats_;

  PlayState state_;                              // what playout learned: re-plans start from it
  std::set<std::uint64_t> skipped_recorded_;
  std::deque<Segment> pending_;                  // by start, not yet opened
  std::vector<std::unique_ptr<Active>> active_;  // opened (pre-rolled) or on air
  std::vector<float> mix_, scratch_;
  BusControl bus_;  // told to the master processor with each block

  // Re-planning: the planner thread computes, the engine thread adopts between blocks.
  struct Replanning {
    bool needed = false;         // a fact asks for a re-plan at the next step
    bool awaiting = false;       // one was asked for and not adopted yet
    FrameCount keep_until = -1;  // of the one awaited
    bool join = false;           // of the one awaited
    std::set<std::uint64_t> finished;  // segments ended since it was asked for
    FrameCount planned_until = ReplanResult::kNoEnd;
    std::uint64_t mapping_version = 0;
    std::map<TimePoint, FrameCount> placed;  // the anchors' frames in the list airing
  } replanning_;
  PlannerThread planner_;
  FrameCount last_status_ = 0;

  // Control: requests queued by other threads, applied by the engine thread.
  struct Requests;
  static std::unique_ptr<Requests> make_requests();
  std::unique_ptr<Requests> requests_;
  // Returns the frame to go on from: earlier than `frame` when a break-in took back audio.
  FrameCount apply_requests(FrameCount frame);
  FrameCount start_break_in(const BreakIn& b, FrameCount frame);
  FrameCount retract_for_break_in(FrameCount frame, const std::string& why);
  FrameCount cut_on_air(FrameCount frame, const std::string& why, bool as_fact);
  // Writes a block to the output, keeping a copy for a break-in's fade (history_).
  void emit(const float* mix, FrameCount frame, FrameCount frames);
  void forget_days_gone();
  void update_status(FrameCount frame);
  bool held_ = false, hold_after_current_ = false;
  FrameCount resume_at_ = -1;  // after a break-in: rejoin the schedule here

  // What went to the output lately (realtime with a sink that can retract): frame f at
  // (f % history_frames_). A break-in fades out from it what it takes back.
  std::vector<float> history_;
  FrameCount history_frames_ = 0;
  std::vector<float> tail_;  // the faded-out audio the break-in airs first, from tail_start_
  FrameCount tail_start_ = 0, tail_frames_ = 0;
  FrameCount break_in_first_ = -1;  // the break-in's first frame: its source gets longer to open
  std::chrono::milliseconds break_in_wait_{0};
};

}  // namespace onair

#include "station/station.hpp"
#include "player/output/factory.hpp"

#include <fmt/format.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cmath>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "station/day_files.hpp"
#include "station/day_pipeline.hpp"
#include "station/disk_monitor.hpp"
#include "station/broadcast_days.hpp"
#include "station/bulletins.hpp"
#include "station/inserts.hpp"
#include "station/output_drops.hpp"
#include "station/logging.hpp"
#include "player/asrun/queue.hpp"
#include "player/monitor/loudness_asrun.hpp"
#include "player/output/processed.hpp"
#include "player/output/tee.hpp"
#include "player/decode/prober.hpp"
#include "player/decode/probe_cache.hpp"
#include "scheduler/media_paths.hpp"
#include "station/days.hpp"

namespace onair {

namespace fs = std::filesystem;

namespace {

// The as-run records also tell the operator: a failed item or relay raises its alarm, and
// so does an as-run file that cannot be written (its records wait in memory meanwhile).
class AlarmingAsRun final : public AsRunSink {
 public:
  AlarmingAsRun(AsRunSink& inner, Alarms& alarms, BulletinBoard* board = nullptr)
      : inner_(inner), alarms_(alarms), board_(board) {}
  void started(const AsRunRecord& r) override {
    inner_.started(r);
    check_writing();
  }
  void ended(const AsRunRecord& r) override {
    inner_.ended(r);
    check_writing();
    if (board_) board_->record(r);  // the proof of each bulletin's airings
    if (r.status != AsRunStatus::failed) return;
    alarms_.raise(r.relay ? AlarmKind::relay_failure : AlarmKind::item_failed,
                  fmt::format("{} '{}' ({}) failed: {}", r.program, r.title, r.source, r.detail));
  }
  void event(const AsRunEvent& e) override {
    inner_.event(e);
    check_writing();
  }
  void retry() override {
    inner_.retry();
    check_writing();
  }
  AsRunHealth health() const override { return inner_.health(); }

 private:
  // Raised when writing starts failing (again when the error changes or records are
  // dropped), cleared once everything waiting is in the file.
  void check_writing() {
    std::lock_guard lock(mutex_);  // the engine and the monitor both check
    const AsRunHealth h = inner_.health();
    if (h.ok) {
      if (raised_) alarms_.clear(AlarmKind::asrun_write);
      raised_ = false;
      return;
    }
    if (raised_ && h.error == raised_error_ && h.lost == raised_lost_) return;
    raised_ = true;
    raised_error_ = h.error;
    raised_lost_ = h.lost;
    alarms_.raise(AlarmKind::asrun_write,
                  fmt::format("the as-run log {} cannot be written ({}); {} record line(s) waiting in memory{}",
                              h.file.string(), h.error, h.pending,
                              h.lost ? fmt::format(", {} dropped (the oldest; they are in the player's log)", h.lost)
                                     : std::string()));
  }

  AsRunSink& inner_;
  Alarms& alarms_;
  BulletinBoard* board_;
  std::mutex mutex_;
  bool raised_ = false;
  std::string raised_error_;
  std::size_t raised_lost_ = 0;
};

// What one load on the loader thread produced, for the monitor thread to apply.
struct LoadResult {
  std::shared_ptr<const Timeline> timeline;  // today's window, when one was asked for
  std::optional<DayCheck> tomorrow;          // tomorrow's check, when one was asked for
  date::year_month_day tomorrow_day{};
};

// One thread that loads schedules (file reads, templates, media probes) so that a file
// that never answers holds up only this thread: the monitor submits a job when none is in
// flight, picks the result up without waiting, and meanwhile keeps watching the output.
class ScheduleLoader {
 public:
  ScheduleLoader() : thread_([this](std::stop_token stop) { loop(stop); }) {}
  ~ScheduleLoader() {
    thread_.request_stop();
    cv_.notify_all();
  }  // joins: a load still hung at shutdown holds the exit until it returns

  bool busy() {
    std::lock_guard lock(mutex_);
    return job_ || running_;
  }
  bool submit(std::function<LoadResult()> job) {
    std::lock_guard lock(mutex_);
    if (job_ || running_ || result_) return false;
    job_ = std::move(job);
    started_ = std::chrono::steady_clock::now();
    cv_.notify_all();
    return true;
  }
  std::optional<LoadResult> take() {
    std::lock_guard lock(mutex_);
    auto r = std::move(result_);
    result_.reset();
    return r;
  }
  std::chrono::steady_clock::duration running_for() {
    std::lock_guard lock(mutex_);
    return job_ || running_ ? std::chrono::steady_clock::now() - started_ : std::chrono::steady_clock::duration{};
  }

 private:
  void loop(std::stop_token stop) {
    for (;;) {
      std::function<LoadResult()> job;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return stop.stop_requested() || job_; });
        if (!job_) return;
        job = std::move(*job_);
        job_.reset();
        running_ = true;
      }
      LoadResult r;
      try {
        r = job();
      } catch (const std::exception& e) {
        logger("station")->error("loading schedules: {}", e.what());
      }
      std::lock_guard lock(mutex_);
      running_ = false;
      result_ = std::move(r);
    }
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<std::function<LoadResult()>> job_;
  bool running_ = false;
  std::optional<LoadResult> result_;
  std::chrono::steady_clock::time_point started_{};
  std::jthread thread_;  // last: started once the members it uses exist
};

}  // namespace

struct Station::Impl {
  StationConfig config;
  StationHooks hooks;
  Alarms& alarms;
  std::shared_ptr<spdlog::logger> log = logger("station");
  std::unique_ptr<MediaProber> prober;
  std::unique_ptr<StationDays> days;
  std::unique_ptr<Output> output;
  TeeOutput* tee = nullptr;  // the output, watched for silence, measured and recorded
  ProcessedOutput* master = nullptr;  // the master processor in front of it (m.output)
  std::int64_t aircheck_errors = 0;
  bool aircheck_failing = false;
  bool silence_raised = false;
  TimePoint silence_since{};
  std::uint64_t silence_loud_mark = 0;
  static constexpr auto kUnderrunClearAfter = std::chrono::seconds(30);
  TimePoint last_underrun_at{};
  std::int64_t underruns_at_raise = 0;
  AudioFormat format;
  std::unique_ptr<FrameClock> clock;
  // Before the as-run chain: the queue's thread writes what still waits as it is destroyed,
  // through the folder, which reads the zone (destroyed after it, members go in reverse).
  std::unique_ptr<LocalDay> zone;
  std::unique_ptr<AsRunFolder> asrun;
  std::unique_ptr<AlarmingAsRun> asrun_alarms;
  // The engine's sink: loudness marks → queue (files and fsyncs on its own thread) → stamp.
  std::unique_ptr<MeteredAsRun> asrun_chain;
  std::unique_ptr<Engine> engine;
  // The engine for other threads (control API): set once run() has built everything the
  // control calls read (engine, output, zone, prober, days); null before.
  std::atomic<Engine*> live{nullptr};
  MediaSourceFactory sources;
  std::atomic<bool> reload_requested{false};
  date::year_month_day today{};
  std::optional<date::year_month_day> checked_tomorrow;
  std::int64_t last_underruns = 0, last_reopens = 0;
  std::vector<std::string> streams_down;  // the names in the stream_down alarm
  std::map<std::string, FrameCount> queue_dropped;  // per following output, at the last check
  std::vector<std::string> outputs_behind;           // the names in the output_behind alarm
  std::chrono::steady_clock::time_point last_queue_drop{};
  FrameCount last_dropped = 0;
  std::chrono::steady_clock::time_point last_disk_check{};
  std::chrono::sys_time<std::chrono::hours> last_trim{};
  DiskMonitor disk;
  // Every timeline given to the engine is `base` (the schedule's days) with the inserts
  // applied, made under this lock: a reload keeps the inserts, and inserts made at once
  // each build on the one before (not on the engine's timeline, which lags behind).
  std::mutex publish_mutex;
  std::shared_ptr<const Timeline> base, published;
  StationInserts inserts;
  BulletinBoard bulletins;

  // Carries out what the board says is due: emergencies break in, priority bulletins go
  // after the item on air (first in the next programme between programmes).
  std::string issue(const BulletinDue& d);
  void issue_due(TimePoint t) {
    for (const auto& d : bulletins.due(t)) {
      const std::string error = issue(d);
      if (!error.empty()) log->error("bulletin {} could not be aired: {}", d.id, error);
    }
  }

  std::shared_ptr<const Timeline> publish(std::shared_ptr<const Timeline> schedule_days,
                                          std::chrono::seconds protect = std::chrono::seconds(2)) {
    std::lock_guard lock(publish_mutex);
    base = std::move(schedule_days);
    published = inserts.apply(base);
    if (engine) engine->replace_timeline(published, protect);
    return published;
  }
  std::unique_ptr<ScheduleLoader> loader;  // run() only; destroyed before days
  bool load_stuck = false;                 // schedule_stuck raised for the load in flight

  Impl(StationConfig c, StationHooks h, Alarms& a)
      : config(std::move(c)), hooks(std::move(h)), alarms(a),
        disk(a, disk_paths(config), config.alarms.disk_min_free_bytes) {}

  static std::vector<fs::path> disk_paths(const StationConfig& c) {
    std::vector<fs::path> paths{c.asrun_dir, c.log_dir};
    if (c.aircheck) paths.push_back(c.aircheck->dir);
    return paths;
  }

  const WallClock& wall() const { return hooks.wall ? *hooks.wall : system_wall_clock(); }
  TimePoint now() const {
    if (engine) {  // the output's time (virtual in tests), once the engine has published it
      const TimePoint t = engine->status().now;
      if (t.time_since_epoch().count() != 0) return t;
    }
    return hooks.virtual_start ? *hooks.virtual_start : wall().sys_now();
  }
  date::year_month_day local_date(TimePoint t) const {
    const auto local = zone->zone()->to_local(t);
    return date::year_month_day(date::floor<date::days>(local));
  }

  // Whether tomorrow is due for its check (once a day, after next_day_check).
  std::optional<date::year_month_day> tomorrow_due(TimePoint t) const {
    const auto tomorrow = date::year_month_day(date::sys_days(local_date(t)) + date::days(1));
    if (checked_tomorrow == tomorrow) return std::nullopt;
    const auto local = zone->zone()->to_local(t);
    if (local - date::floor<date::days>(local) < config.next_day_check) return std::nullopt;
    return tomorrow;
  }

  void report_tomorrow(date::year_month_day tomorrow, const DayCheck& report) {
    if (report.missing) {
      alarms.raise(AlarmKind::schedule_not_ready,
                   fmt::format("no schedule for tomorrow {}: add {}/{}.yaml or a weekday template", iso_date(tomorrow),
                               config.schedules.string(), iso_date(tomorrow)));
    } else if (!report.errors.empty()) {
      alarms.raise(AlarmKind::schedule_invalid,
                   fmt::format("tomorrow's schedule {} has errors: {}", report.file.string(), report.errors));
    } else {
      alarms.clear(AlarmKind::schedule_not_ready);
      log->info("tomorrow ({}) is ready: {} programmes from {}", iso_date(tomorrow), report.programs, report.origin);
    }
  }

  // Reloads, the day switch and tomorrow's check run on the loader thread; this never
  // waits for them. A load past hooks.load_timeout raises schedule_stuck (the engine keeps
  // its last good timeline); requests made meanwhile are kept and run once it returns.
  void drive_loads(TimePoint t) {
    if (auto r = loader->take()) {
      if (r->timeline && engine) publish(r->timeline);
      if (r->tomorrow) report_tomorrow(r->tomorrow_day, *r->tomorrow);
      if (load_stuck) {
        load_stuck = false;
        alarms.clear(AlarmKind::schedule_stuck);
        log->warn("loading schedules has finished again");
      }
    }
    if (loader->busy()) {
      const auto late = loader->running_for();
      if (!load_stuck && late > hooks.load_timeout) {
        load_stuck = true;
        alarms.raise(AlarmKind::schedule_stuck,
                     fmt::format("loading schedules from {} has not finished after {} s (a file on a hung share?); "
                                 "the last good schedule stays on air",
                                 config.schedules.string(),
                                 std::chrono::duration_cast<std::chrono::seconds>(late).count()));
      }
      return;
    }
    const auto d = local_date(t);
    const bool window = d != today || reload_requested.load();
    const auto tomorrow = tomorrow_due(t);
    if (!window && !tomorrow) return;
    const bool reload = reload_requested.exchange(false);
    if (reload) log->info("reloading schedules");
    const bool submitted = loader->submit([this, reload, window, d, tomorrow] {
      if (hooks.before_load) hooks.before_load();
      LoadResult r;
      if (reload) days->reload();
      if (window) r.timeline = days->window(d);
      if (tomorrow) {
        r.tomorrow = days->check_day(*tomorrow);
        r.tomorrow_day = *tomorrow;
      }
      return r;
    });
    if (!submitted) {  // a result not yet taken: ask again next time
      if (reload) reload_requested = true;
      return;
    }
    today = d;
    if (tomorrow) checked_tomorrow = tomorrow;
  }

  // A stream output without its server (icecast://) for alarms.stream_down_after: raised
  // once while any is down, re-raised when the set of down streams changes, cleared when all
  // are back. The follower's own queue keeps the master untouched meanwhile.
  void watch_streams() {
    std::vector<OutputStatus> outs;
    output->collect_status(outs);
    const auto steady = std::chrono::steady_clock::now();
    std::vector<std::string> down;
    for (const auto& o : outs) {
      if (o.connected || o.since == std::chrono::steady_clock::time_point{}) continue;
      if (steady - o.since >= config.alarms.stream_down_after)
        down.push_back(fmt::format("{} (no connection for {} s{})", o.name,
                                   std::chrono::duration_cast<std::chrono::seconds>(steady - o.since).count(),
                                   o.last_error.empty() ? "" : ": " + o.last_error));
    }
    std::vector<std::string> names;
    for (const auto& d : down) names.push_back(d.substr(0, d.find(" (")));
    if (down.empty()) {
      if (alarms.is_active(AlarmKind::stream_down)) alarms.clear(AlarmKind::stream_down, "every stream is connected");
    } else if (!alarms.is_active(AlarmKind::stream_down) || names != streams_down) {
      alarms.raise(AlarmKind::stream_down, fmt::format("{}", fmt::join(down, "; ")));
    }
    streams_down = std::move(names);
    watch_queues(outs, steady);
  }

  // A follower whose queue is full drops audio for itself alone (the master and the others
  // play on): raised when one drops, re-raised when another starts to, cleared once none
  // has dropped for alarms.stream_down_after.
  void watch_queues(const std::vector<OutputStatus>& outs, std::chrono::steady_clock::time_point steady) {
    QueueDrops drops = new_queue_drops(outs, queue_dropped, format.sample_rate);
    if (!drops.names.empty()) {
      last_queue_drop = steady;
      if (!alarms.is_active(AlarmKind::output_behind) || drops.names != outputs_behind)
        alarms.raise(AlarmKind::output_behind, drops.message);
      outputs_behind = std::move(drops.names);
    } else if (alarms.is_active(AlarmKind::output_behind) && steady - last_queue_drop >= config.alarms.stream_down_after) {
      alarms.clear(AlarmKind::output_behind, "every output keeps up again");
      outputs_behind.clear();
    }
  }


  // Dead air the schedule did not ask for: raise the alarm (once: it stays raised while the
  // output stays silent) and, with `fill`, move on to what follows. Only sound ends it.
  void watch_silence(TimePoint t) {
    auto detector = tee->silence();
    if (!detector) return;
    if (silence_raised && !detector->silent() && detector->loud_windows() != silence_loud_mark) {
      silence_raised = false;
      alarms.clear(AlarmKind::silence,
                   fmt::format("sound is back after {:.1f} s of silence",
                               std::chrono::duration<double>(t - silence_since).count()));
      return;
    }
    if (!detector->silent()) return;
    const EngineStatus st = engine->status();
    if (!st.on_air || (st.on_air->kind != "file" && st.on_air->kind != "relay")) return;  // silence was planned
    const std::string what = fmt::format("the output has been silent (below {} dBFS) for {} s during '{}'",
                                         config.silence.threshold_db,
                                         std::chrono::duration_cast<std::chrono::seconds>(config.silence.after).count(),
                                         st.on_air->title);
    if (!silence_raised) {
      silence_raised = true;
      silence_since = t - std::chrono::duration_cast<Duration>(config.silence.after);
      alarms.raise(AlarmKind::silence, what);
    }
    silence_loud_mark = detector->loud_windows();
    if (config.silence.action == SilenceAction::fill) {
      engine->fail_current(what);
      // What follows gets its own `after` before it is failed too; the alarm stays raised.
      detector->request_reset();  // the engine thread feeds it
    }
  }

  // Underruns come in bursts: raised at the first, kept while more follow, cleared once
  // none came for kUnderrunClearAfter of station time.
  void watch_underruns(TimePoint t, std::int64_t underruns) {
    if (underruns > last_underruns) {
      if (!alarms.is_active(AlarmKind::underrun)) {
        alarms.raise(AlarmKind::underrun, fmt::format("{} output underrun(s) so far", underruns));
        underruns_at_raise = last_underruns;
      }
      last_underrun_at = t;
      last_underruns = underruns;
    } else if (alarms.is_active(AlarmKind::underrun) && t - last_underrun_at >= kUnderrunClearAfter) {
      alarms.clear(AlarmKind::underrun, fmt::format("{} underrun(s) in all, none for {} s", underruns - underruns_at_raise,
                                                    std::chrono::duration_cast<std::chrono::seconds>(kUnderrunClearAfter).count()));
    }
  }

  // Raised while the recorder cannot record (cleared when it records again); a failure
  // that did not stop it (a retention delete) is raised on its own.
  void watch_aircheck() {
    auto recorder = tee->aircheck();
    if (!recorder) return;
    const auto st = recorder->stats();
    if (st.failing) {
      if (!aircheck_failing) alarms.raise(AlarmKind::aircheck, st.last_error);
      aircheck_failing = true;
    } else if (aircheck_failing) {
      aircheck_failing = false;
      alarms.clear(AlarmKind::aircheck, "recording again");
    } else if (st.errors > aircheck_errors) {
      alarms.raise(AlarmKind::aircheck, st.last_error);
    }
    aircheck_errors = st.errors;
  }

  void monitor_once() {
    const TimePoint t = now();
    drive_loads(t);
    if (!engine) return;
    issue_due(t);
    const auto stats = output->stats();
    // A device that went away drops audio at real-time pace until it is reopened.
    if (stats.dropped_frames > last_dropped && !alarms.is_active(AlarmKind::device_lost)) {
      alarms.raise(AlarmKind::device_lost, fmt::format("the output {} is not taking audio ({} frames dropped)",
                                                       output->describe(), stats.dropped_frames));
    } else if (stats.reopens > last_reopens && alarms.is_active(AlarmKind::device_lost)) {
      alarms.clear(AlarmKind::device_lost);
      log->warn("the output {} is back", output->describe());
    }
    last_dropped = stats.dropped_frames;
    last_reopens = stats.reopens;
    watch_underruns(t, stats.underruns);
    watch_streams();
    watch_silence(t);
    asrun_chain->engine_side().retry();  // the writer thread writes records that wait (a no-op when none do)
    watch_aircheck();
    const auto steady = std::chrono::steady_clock::now();
    if (config.alarms.disk_min_free_bytes > 0 && steady - last_disk_check > config.alarms.disk_check_interval) {
      last_disk_check = steady;
      disk.poll();
    }
    trim_heap(t);
  }

  // Once an hour of station time, hands the allocator's free pages back to the system.
  // Every item is decoded on a thread of its own with its own buffers, so over days the
  // heap gets holes that glibc keeps resident; malloc_trim releases them (a few ms).
  void trim_heap(TimePoint t) {
    const auto hour = std::chrono::floor<std::chrono::hours>(t);
    if (hour == last_trim) return;
    last_trim = hour;
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
  }
};

Station::Station(StationConfig config, StationHooks hooks) {
  AlarmOptions options;
  options.command = config.alarms.command;
  options.min_interval = config.alarms.min_interval;
  options.timeout = config.alarms.timeout;
  if (!config.timezone.empty()) options.zone = date::locate_zone(config.timezone);
  alarms_ = std::make_unique<Alarms>(options);
  impl_ = std::make_unique<Impl>(std::move(config), std::move(hooks), *alarms_);
}

Station::~Station() = default;

void Station::request_reload() { impl_->reload_requested = true; }

int Station::run(std::stop_token stop) {
  Impl& m = *impl_;
  m.zone = std::make_unique<LocalDay>(m.config.timezone, date::year_month_day{date::year(2000), date::month(1), date::day(1)});
  m.prober = std::make_unique<ProbeCache>(std::make_unique<FfmpegProber>(), m.config.log_dir / "probe-cache.json");
  m.days = std::make_unique<StationDays>(m.config, *m.prober, m.alarms);
  m.sources.use_speech(&m.days->speech());
  try {
    auto inner = m.hooks.output ? std::move(m.hooks.output) : make_outputs(m.config.output_list(), OutputOptions{});
    TeeOptions tee;
    if (m.config.silence.action != SilenceAction::off) {
      tee.silence = SilenceOptions{};
      tee.silence->threshold_dbfs = m.config.silence.threshold_db;
      tee.silence->duration = std::chrono::duration_cast<std::chrono::milliseconds>(m.config.silence.after);
    }
    if (m.config.aircheck) {
      AirCheckOptions a;
      a.folder = m.config.aircheck->dir;
      a.format = m.config.aircheck->format;
      a.bitrate = m.config.aircheck->bitrate_kbps * 1000;
      a.retention_days = m.config.aircheck->retention_days;
      a.time_zone = m.config.timezone;
      a.wait_when_full = m.hooks.virtual_start.has_value() && !inner->realtime();
      tee.aircheck = a;
    }
    tee.loudness = LoudnessMeterOptions{};
    auto tee_output = std::make_unique<TeeOutput>(std::move(inner), tee);
    m.tee = tee_output.get();
    auto master = std::make_unique<ProcessedOutput>(std::move(tee_output));
    m.master = master.get();
    m.output = std::move(master);
    m.format = m.output->open(AudioFormat{});
  } catch (const std::exception& e) {
    m.log->critical("cannot open the output {}: {}", m.config.output, e.what());  // names the stream that failed
    m.alarms.raise(AlarmKind::device_lost, e.what());
    return 1;
  }
  const TimePoint start = m.now();
  m.today = m.local_date(start);
  auto timeline = m.publish(m.days->window(m.today));
  if (!timeline) {
    m.log->critical("no schedule could be built for {}", iso_date(m.today));
    return 1;
  }
  if (m.hooks.virtual_start) m.clock = std::make_unique<VirtualClock>(*m.hooks.virtual_start, m.format.sample_rate);
  else m.clock = std::make_unique<RealClock>([out = m.output.get()] { return out->stamp(); }, m.wall(), m.format.sample_rate);
  m.tee->set_clock(*m.clock);
  m.asrun = std::make_unique<AsRunFolder>(m.config.asrun_dir, *m.zone);
  m.asrun->open(iso_date(m.today));  // recovers an item a crash left in flight
  EngineOptions options;
  options.realtime = !m.hooks.virtual_start.has_value();
  options.run_forever = true;
  options.end_status = AsRunStatus::interrupted;
  options.end_detail = "playout stopped";
  m.asrun_alarms = std::make_unique<AlarmingAsRun>(*m.asrun, m.alarms, &m.bulletins);
  // Titles to the streams; their connections into the as-run log.
  m.asrun_chain = std::make_unique<MeteredAsRun>(*m.asrun_alarms, m.tee->loudness(), m.output.get(),
                                                 [&m] { return m.wall().sys_now(); });
  options.master = m.master;
  m.engine = std::make_unique<Engine>(timeline, *m.clock, *m.output, m.sources, &m.asrun_chain->engine_side(), m.format,
                                      options);
  m.live.store(m.engine.get(), std::memory_order_release);

  m.loader = std::make_unique<ScheduleLoader>();
  std::jthread monitor([&m](std::stop_token own) {
    while (!own.stop_requested()) {
      try {
        m.monitor_once();
      } catch (const std::exception& e) {
        m.log->error("monitor: {}", e.what());
      }
      std::this_thread::sleep_for(m.hooks.monitor_period);
    }
  });
  m.log->info("on air: {} to {}", m.config.schedules.string(), m.output->describe());
  m.engine->run(m.hooks.run_frames, stop);
  monitor.request_stop();
  monitor.join();
  m.loader.reset();
  m.output->close();
  return 0;
}

nlohmann::json Station::status() {
  Impl& m = *impl_;
  nlohmann::json j;
  Engine* engine = m.live.load(std::memory_order_acquire);
  if (!engine) return {{"state", "starting"}, {"alarms", alarms_->active()}};
  const EngineStatus st = engine->status();
  const LocalDay& z = *m.zone;
  auto entry = [&](const std::optional<EngineStatus::Entry>& e) -> nlohmann::json {
    if (!e) return nullptr;
    return {{"title", e->title}, {"program", e->program}, {"source", e->source}, {"kind", e->kind},
            {"start", z.iso(e->start)}, {"end", z.iso(e->end)}};
  };
  j["now"] = z.iso(st.now);
  j["state"] = st.held ? "held" : "playing";
  j["on_air"] = entry(st.on_air);
  if (st.on_air) {
    j["on_air"]["position_s"] = std::chrono::duration<double>(st.now - st.on_air->start).count();
    j["on_air"]["remaining_s"] = std::chrono::duration<double>(st.on_air->end - st.now).count();
  }
  j["next"] = entry(st.next);
  j["next_hard_start"] = entry(st.next_hard_start);
  const auto out = m.output->stats();
  j["output"] = m.output->describe();
  j["buffer_s"] = static_cast<double>(out.written - out.played) / m.format.sample_rate;
  j["underruns"] = out.underruns;
  j["device_reopens"] = out.reopens;
  j["drift_ppm"] = st.drift_ppm;
  j["failures"] = st.failures;
  // The output's meter (EBU R128) and what the master processor is doing.
  auto level = [](double v) { return std::isfinite(v) ? nlohmann::json(std::round(v * 10.0) / 10.0) : nlohmann::json(nullptr); };
  nlohmann::json loud = {{"agc_gain_db", level(m.master->agc_gain_db())},
                         {"limiter_db", level(m.master->limiter_reduction_db())}};
  if (const auto meter = m.tee->loudness()) {
    const LoudnessReading r = meter->reading();
    loud["momentary_lufs"] = level(r.momentary_lufs);
    loud["short_term_lufs"] = level(r.short_term_lufs);
    loud["peak_dbtp"] = level(r.peak_dbtp);
  }
  j["loudness"] = std::move(loud);
  // Every output: the master, then each stream with its connection or listeners.
  std::vector<OutputStatus> outs;
  m.output->collect_status(outs);
  nlohmann::json outputs = nlohmann::json::array();
  const auto steady = std::chrono::steady_clock::now();
  for (const auto& o : outs) {
    nlohmann::json e = {{"name", o.name}, {"connected", o.connected}, {"dropped_s", static_cast<double>(o.dropped_frames) / m.format.sample_rate}};
    if (o.bytes > 0 || o.connects > 0 || o.listeners >= 0) e["bytes"] = o.bytes;
    if (o.since != std::chrono::steady_clock::time_point{})
      e["for_s"] = std::round(std::chrono::duration<double>(steady - o.since).count() * 10.0) / 10.0;
    if (o.connects > 0 || o.failures > 0) {
      e["connects"] = o.connects;
      e["failures"] = o.failures;
    }
    if (!o.last_error.empty()) e["last_error"] = o.last_error;
    if (o.listeners >= 0) {
      e["listeners"] = o.listeners;
      e["listeners_peak"] = o.listeners_peak;
      e["listeners_served"] = o.listeners_served;
      e["listeners_dropped"] = o.listeners_dropped;
      e["refused"] = o.refused;
    }
    outputs.push_back(std::move(e));
  }
  j["outputs"] = std::move(outputs);
  j["alarms"] = alarms_->active();
  j["alarms_resolved"] = alarms_->resolved();
  return j;
}

std::string Station::skip() {
  Engine* engine = impl_->live.load(std::memory_order_acquire);
  if (!engine) return "not on air yet";
  engine->skip();
  return {};
}

std::string Station::stop_after_current(bool enable) {
  Engine* engine = impl_->live.load(std::memory_order_acquire);
  if (!engine) return "not on air yet";
  engine->hold(enable);
  return {};
}

namespace {

// The station's default `loudness:` for what airs unmeasured (break-ins, bulletins): the AGC
// levels it toward the target unless loudness is off.
SegmentLoudness station_loudness(const StationConfig& config) {
  SegmentLoudness l{.agc = true};
  const auto& spec = config.loudness;
  l.agc = spec && !spec->off;
  if (l.agc && spec->target) l.target_lufs = static_cast<float>(*spec->target);
  if (l.agc && spec->true_peak) l.ceiling_dbtp = static_cast<float>(*spec->true_peak);
  return l;
}

std::string probe_request(MediaProber& prober, const fs::path& root, const ItemRequest& item, BreakIn& out) {
  const auto resolved = resolve_media_path(root, item.file);
  if (!resolved.error.empty()) return item.file + ": " + resolved.error;
  const MediaInfo info = prober.probe(resolved.path);
  if (!info.ok) return item.file + " cannot be played: " + info.error;
  out.source = resolved.path.string();
  out.display_source = item.file;
  out.title = item.title.empty() ? resolved.path.filename().string() : item.title;
  out.length = info.duration;
  out.gain_db = item.gain_db;
  out.repeat = item.repeat;
  return {};
}

}  // namespace

std::string Station::break_in(const ItemRequest& item) {
  Impl& m = *impl_;
  Engine* engine = m.live.load(std::memory_order_acquire);
  if (!engine) return "not on air yet";
  BreakIn b;
  if (auto error = probe_request(*m.prober, m.config.media_root, item, b); !error.empty()) return error;
  // Levelled by the AGC as the station's default `loudness:` says (none, or off: as it is).
  b.loudness = station_loudness(m.config);
  engine->break_in(std::move(b));
  return {};
}

std::string Station::insert_next(const ItemRequest& item) {
  Impl& m = *impl_;
  Engine* engine = m.live.load(std::memory_order_acquire);
  if (!engine) return "not on air yet";
  BreakIn b;
  if (auto error = probe_request(*m.prober, m.config.media_root, item, b); !error.empty()) return error;
  const EngineStatus st = engine->status();
  if (!st.on_air || st.on_air->program.empty() || st.on_air->program == "break-in")
    return "nothing of a programme is on air to insert after";
  std::lock_guard lock(m.publish_mutex);
  if (auto error = m.inserts.add(*m.published, st.on_air->uid, b); !error.empty()) return error;
  m.published = m.inserts.apply(m.base);
  engine->replace_timeline(m.published, std::chrono::seconds(0));
  return {};
}

std::string Station::reload() {
  request_reload();
  return {};
}

}  // namespace onair

// --- bulletins (docs/bulletins.md) ---------------------------------------------------------

namespace onair {

namespace {

// The first words of a text, for a title.
std::string first_words(const std::string& text) {
  std::string out;
  int words = 0;
  for (std::size_t i = 0; i < text.size() && out.size() < 80; ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\n' || c == '\t') {
      if (!out.empty() && out.back() != ' ' && ++words == 8) break;
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  // Never cut inside a UTF-8 sequence.
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
  if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
  return out.size() < text.size() ? out + "…" : out;
}

}  // namespace

// Airing `k` of a due bulletin, as the engine (emergency) or the inserts (the others) take it.
BreakIn airing_of(const BulletinDue& d, int k, const StationConfig& config) {
  BreakIn b;
  b.source = d.spec.source;
  b.display_source = d.spec.display_source;
  b.title = d.spec.title;
  b.length = d.spec.length;
  b.gain_db = d.spec.gain_db;
  b.loudness = station_loudness(config);
  b.bulletin = BulletinTag{d.id, d.spec.level, k};
  return b;
}

std::string Station::Impl::issue(const BulletinDue& d) {
  Engine* e = live.load(std::memory_order_acquire);
  if (!e) return "not on air yet";
  auto airing = [&](int k) { return airing_of(d, k, config); };
  if (d.spec.level == BulletinLevel::emergency) {
    BreakIn b = airing(d.first);
    b.repeat = d.count;
    b.attention_tone = d.spec.tone;
    b.note = "interrupted by emergency bulletin " + d.id;
    e->break_in(std::move(b));
    return {};
  }
  // Priority: after the item of a programme on air, else ahead of the next programme's first.
  const EngineStatus st = e->status();
  std::lock_guard lock(publish_mutex);
  for (int k = 0; k < d.count; ++k)
    if (auto error = inserts.add_priority(*published, st, airing(d.first + k)); !error.empty()) return error;
  published = inserts.apply(base);
  e->replace_timeline(published, std::chrono::seconds(0));
  return {};
}

std::string Station::add_bulletin(const BulletinRequest& req, std::string& id) {
  Impl& m = *impl_;
  Engine* engine = m.live.load(std::memory_order_acquire);
  if (!engine) return "not on air yet";
  BulletinSpec spec;
  spec.level = req.level;
  spec.gain_db = req.gain_db;
  spec.repeat = req.repeat;
  spec.every = req.every;
  spec.tone = req.tone;
  if (req.every && req.repeat < 2) return "\"every\" needs \"repeat\" of 2 or more (how many airings in all)";
  if (req.every && req.level == BulletinLevel::normal)
    return "a normal bulletin airs where the producers place it: \"every\" is for priority and emergency ones";
  if (req.tone && req.level != BulletinLevel::emergency) return "the attention tone (\"tone\") is for emergency bulletins";
  const TimePoint now = m.now();
  if (!req.until.empty()) {
    const ParsedDuration tod = parse_time_of_day(req.until);
    if (tod.value) {
      spec.until = m.zone->next_at(*tod.value, now).time;
    } else {
      std::string error;  // an ISO date-time (2026-12-04T18:00:00+07:00)
      const auto t = parse_when(req.until, *m.zone, error);
      if (!t) return "\"until\" " + req.until + " is not a time of day (HH:MM[:SS]) or an ISO date-time: " + error;
      spec.until = *t;
    }
  }
  if (!req.file.empty()) {
    BreakIn probed;
    if (auto error = probe_request(*m.prober, m.config.media_root, ItemRequest{req.file, req.title, req.gain_db, 1}, probed);
        !error.empty())
      return error;
    spec.source = probed.source;
    spec.display_source = probed.display_source;
    spec.title = probed.title;
    spec.length = probed.length;
  } else {
    if (req.text.empty()) return "a bulletin needs a recording (\"file\") or a text to speak (\"text\")";
    const SpeechVoice voice;  // the default Vietnamese voice (docs/speech.md)
    const SpeechResult spoken = m.days->speech().render(req.text, voice);
    if (spoken.file.empty()) return "the text could not be spoken: " + spoken.error;
    MediaInfo info = m.prober->probe(spoken.file);
    if (!info.ok) return "the spoken text cannot be played: " + info.error;
    spec.source = spoken.file.string();
    spec.text = req.text;
    spec.display_source = "say: " + first_words(req.text);
    spec.title = req.title.empty() ? first_words(req.text) : req.title;
    spec.length = info.duration;
  }
  if (spec.length <= Duration{0}) return "the bulletin's audio is empty";
  const BulletinLevel level = spec.level;
  if (auto error = m.bulletins.add(std::move(spec), now, *m.zone, id); !error.empty()) return error;
  m.log->warn("bulletin {} ({}) accepted", id, to_string(level));
  m.issue_due(now);
  return {};
}

nlohmann::json Station::bulletins() { return impl_->bulletins.list(*impl_->zone); }

std::string Station::cancel_bulletin(const std::string& id) {
  Impl& m = *impl_;
  if (auto error = m.bulletins.cancel(id); !error.empty()) return error;
  Engine* engine = m.live.load(std::memory_order_acquire);
  if (!engine) return {};
  {
    std::lock_guard lock(m.publish_mutex);
    if (m.inserts.remove_bulletin(id) > 0) {
      m.published = m.inserts.apply(m.base);
      engine->replace_timeline(m.published, std::chrono::seconds(0));
    }
  }
  const EngineStatus st = engine->status();
  if (st.on_air && st.on_air->bulletin == id) engine->skip();  // on air now: it ends with the cut fade
  m.log->warn("bulletin {} cancelled", id);
  return {};
}

std::string Station::place_bulletin(const std::string& id, const std::string& program, int position) {
  Impl& m = *impl_;
  Engine* engine = m.live.load(std::memory_order_acquire);
  if (!engine) return "not on air yet";
  if (position < 0) return "the position must be 1 or more (0: at the end of the programme)";
  // Today's programme of that id, else tomorrow's.
  std::string day;
  {
    std::lock_guard lock(m.publish_mutex);
    const Schedule& merged = m.published->merged();
    const std::string today = iso_date(m.local_date(m.now()));
    for (std::size_t p = 0; p < merged.programs.size() && day.empty(); ++p)
      if (merged.programs[p].id == program && m.published->date_of(p) >= today) day = m.published->date_of(p);
  }
  if (day.empty()) return "no programme '" + program + "' today or tomorrow";
  BulletinDue d;
  if (auto error = m.bulletins.place(id, program, d); !error.empty()) return error;
  std::lock_guard lock(m.publish_mutex);
  for (int k = 0; k < d.count; ++k) {
    const BreakIn b = airing_of(d, d.first + k, m.config);
    if (auto error = m.inserts.add_at(*m.published, day, program, static_cast<std::size_t>(position), b); !error.empty())
      return error;
  }
  m.published = m.inserts.apply(m.base);
  engine->replace_timeline(m.published, std::chrono::seconds(0));
  return {};
}

}  // namespace onair

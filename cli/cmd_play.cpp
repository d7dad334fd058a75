// `onair play`: real time from now on an output device, joining what should be on air.
#include <pthread.h>
#include <signal.h>

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include "station/broadcast_days.hpp"
#include "player/output/factory.hpp"
#include "cli/commands.hpp"
#include "station/logging.hpp"
#include "cli/media_probing.hpp"
#include "cli/speech_setup.hpp"
#include "player/output/portaudio/devices.hpp"
#include "player/monitor/loudness_asrun.hpp"
#include "player/output/processed.hpp"
#include "player/output/tee.hpp"
#include "player/engine/engine.hpp"
#include "player/output/real_clock.hpp"

namespace onair {
namespace {

// The system clock seen `offset` later or earlier: `play --from` rehearses a day at
// another time of day in real time.
class ShiftedWallClock final : public WallClock {
 public:
  ShiftedWallClock(const WallClock& inner, Duration offset) : inner_(inner), offset_(offset) {}
  MonoTime mono_now() const override { return inner_.mono_now(); }
  TimePoint sys_now() const override { return inner_.sys_now() + offset_; }

 private:
  const WallClock& inner_;
  Duration offset_;
};

// Turns SIGINT/SIGTERM into a stop request (the signals are blocked in every thread and
// taken here synchronously, so no handler runs inside the engine).
class SignalStopper {
 public:
  SignalStopper() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    thread_ = std::jthread([this](std::stop_token own) {
      const timespec tick{0, 200'000'000};
      while (!own.stop_requested()) {
        const int sig = sigtimedwait(&set_, nullptr, &tick);
        if (sig == SIGINT || sig == SIGTERM) {
          logger("app")->warn("signal {} received: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
          source_.request_stop();
          return;
        }
      }
    });
  }
  std::stop_token token() const { return source_.get_token(); }

 private:
  sigset_t set_{};
  std::stop_source source_;
  std::jthread thread_;
};

}  // namespace

int cmd_devices() {
  try {
    const auto devices = list_devices();
    if (devices.empty()) {
      std::cout << "no audio output devices found\n";
      return 1;
    }
    std::cout << format_devices(devices);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "onair: " << e.what() << "\n";
    return 1;
  }
}

int cmd_play(const PlayArgs& args, const CommonOptions& common) {
  SignalStopper signals;  // first, so every thread started below inherits the blocked mask
  auto log = logger("app");
  auto prober = make_media_prober(common);
  auto speech = make_speech_cache(common);
  if (!speech) return 1;
  auto playout = load_timeline_for_playout(args.schedule, common.media_root, *prober, "play", speech.get());
  if (!playout) return 1;
  // The given day's, not the timeline's first (yesterday): `--from 06:00` is on its date.
  const LocalDay day(playout->main().schedule.timezone, playout->main().schedule.date);
  const WallClock* wall = &system_wall_clock();
  std::optional<ShiftedWallClock> shifted;
  if (args.from) {
    std::string error;
    const auto when = parse_when(*args.from, day, error);
    if (!when) {
      std::cerr << "onair: " << error << "\n";
      return 2;
    }
    shifted.emplace(system_wall_clock(), *when - system_wall_clock().sys_now());
    wall = &*shifted;
    log->info("rehearsal: playing as if it were {}", day.iso(*when));
  }
  std::unique_ptr<ProcessedOutput> output;  // master processor → tee (meter) → the sink
  TeeOutput* tee = nullptr;
  AudioFormat format;
  std::unique_ptr<AsRunLog> asrun;
  DiscardedAsRun discarded;
  // engine → loudness marks → queue (the disk on its own thread, never the engine's) → stamp → log
  std::unique_ptr<MeteredAsRun> metered;
  try {
    if (args.asrun) asrun = std::make_unique<AsRunLog>(*args.asrun, day);  // first: no output file or device for nothing
    auto tee_output = std::make_unique<TeeOutput>(make_outputs(args.output, OutputOptions{}),
                                                  TeeOptions{std::nullopt, std::nullopt, LoudnessMeterOptions{}});
    tee = tee_output.get();
    output = std::make_unique<ProcessedOutput>(std::move(tee_output));
    format = output->open(AudioFormat{});
    // Streams show each item's title, from the as-run records: kept even without a log.
    const bool titles = std::any_of(args.output.begin(), args.output.end(), [](const std::string& o) { return is_stream_output(o); });
    const auto now = [wall] { return wall->sys_now(); };  // the events' times (a rehearsal's shifted clock)
    if (asrun) metered = std::make_unique<MeteredAsRun>(*asrun, tee->loudness(), titles ? output.get() : nullptr, now);
    else if (titles) metered = std::make_unique<MeteredAsRun>(discarded, tee->loudness(), output.get());
  } catch (const std::exception& e) {
    std::cerr << "onair: " << e.what() << "\n";
    return 1;
  }
  RealClock clock([&] { return output->stamp(); }, *wall, format.sample_rate);
  tee->set_clock(clock);
  MediaSourceFactory sources({}, speech.get());
  EngineOptions engine_options;
  engine_options.master = output.get();
  engine_options.realtime = true;
  engine_options.end_status = AsRunStatus::played;
  engine_options.end_detail = "";
  Engine engine(playout->timeline, clock, *output, sources, metered ? &metered->engine_side() : nullptr, format,
                engine_options);
  log->info("playing {} to {} from {}", args.schedule, output->describe(), day.iso(wall->sys_now()));
  engine.run(Engine::kForever, signals.token());
  output->close();
  const auto stats = output->stats();
  log->info("stopped after {}; {} failures, {} underruns, drift {:.1f} ppm",
            format_duration(duration_of(engine.stats().frames, format.sample_rate)), engine.stats().failures,
            stats.underruns, clock.drift_ppm());
  return 0;
}

}  // namespace onair

// `onair render`: the engine on a virtual clock, as fast as decoding allows.
#include <unistd.h>

#include <fmt/format.h>

#include <iostream>

#include "station/broadcast_days.hpp"
#include "player/output/factory.hpp"
#include "cli/commands.hpp"
#include "station/logging.hpp"
#include "cli/media_probing.hpp"
#include "cli/speech_setup.hpp"
#include "player/engine/engine.hpp"
#include "player/monitor/loudness_asrun.hpp"
#include "player/output/processed.hpp"
#include "player/output/tee.hpp"

namespace onair {

int cmd_render(const RenderArgs& args, const CommonOptions& common) {
  auto log = logger("app");
  auto prober = make_media_prober(common);
  auto speech = make_speech_cache(common);
  if (!speech) return 1;
  auto playout = load_timeline_for_playout(args.schedule, common.media_root, *prober, "render", speech.get());
  if (!playout) return 1;
  // The day the command names is the one whose date `--from`/`--to` times refer to.
  const LocalDay day(playout->main().schedule.timezone, playout->main().schedule.date);
  std::string error;
  const auto from = parse_when(args.from, day, error);
  const auto to = from ? parse_when(args.to, day, error) : std::nullopt;
  if (!from || !to) {
    std::cerr << "onair: " << error << "\n";
    return 2;
  }
  if (*to <= *from) {
    std::cerr << "onair: --to must be after --from\n";
    return 2;
  }
  OutputOptions out_options;
  out_options.realtime = false;
  // The master processor, then a tee whose meter stamps each as-run record with what aired
  // (no as-run, no meter: nothing would read it).
  std::optional<LoudnessMeterOptions> metering;
  if (args.asrun) metering = LoudnessMeterOptions{};
  auto tee_output = std::make_unique<TeeOutput>(make_output("wav:" + args.out, out_options),
                                                TeeOptions{std::nullopt, std::nullopt, metering});
  TeeOutput* tee = tee_output.get();
  auto output = std::make_unique<ProcessedOutput>(std::move(tee_output));
  AudioFormat format;
  std::unique_ptr<AsRunLog> asrun;
  std::unique_ptr<MeteredAsRun> metered;
  try {
    if (args.asrun) asrun = std::make_unique<AsRunLog>(*args.asrun, day);  // first: no output file or device for nothing
    format = output->open(AudioFormat{});
    if (asrun) metered = std::make_unique<MeteredAsRun>(*asrun, tee->loudness());
  } catch (const std::exception& e) {
    std::cerr << "onair: " << e.what() << "\n";
    return 1;
  }

  VirtualClock clock(*from, format.sample_rate);
  tee->set_clock(clock);
  MediaSourceFactory sources({}, speech.get());
  EngineOptions engine_options;
  engine_options.master = output.get();
  const FrameCount total = frames_in(*to - *from, format.sample_rate);
  const bool tty = ::isatty(STDERR_FILENO);
  int shown = -1;
  engine_options.progress = [&](FrameCount frame) {
    if (!tty) return;
    const int permille = static_cast<int>(frame * 1000 / total);
    if (permille == shown) return;
    shown = permille;
    std::cerr << fmt::format("\rrender: {:5.1f}%  {}", permille / 10.0, day.clock(clock.time_of(frame))) << std::flush;
  };
  Engine engine(playout->timeline, clock, *output, sources, metered ? &metered->engine_side() : nullptr, format,
                engine_options);
  log->info("rendering {} to {} into {}", day.iso(*from), day.iso(*to), args.out);
  engine.run(total);
  output->close();
  if (tty) std::cerr << "\r" << std::string(40, ' ') << "\r";
  const auto& st = engine.stats();
  std::cerr << fmt::format("rendered {} ({} frames at {} Hz) to {}; {} segments, {} failures{}\n",
                           format_duration(duration_of(total, format.sample_rate)), total, format.sample_rate,
                           args.out, st.segments_started, st.failures,
                           args.asrun ? "; as-run log " + args.asrun->string() : "");
  return 0;
}

}  // namespace onair

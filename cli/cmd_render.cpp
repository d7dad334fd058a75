// `onair render`: the engine on a virtual clock, as fast as decoding allows.
#include <unistd.h>

#include <fmt/format.h>

#include <iostream>
#include <set>

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
#include "scheduler/bulletin.hpp"
#include "scheduler/media_paths.hpp"
#include "station/inserts.hpp"

namespace onair {

namespace fs = std::filesystem;

namespace {

// A bulletin the rehearsal puts on air as the station would have on its request.
struct Injection {
  std::string spec;  // as given, for messages
  BulletinLevel level = BulletinLevel::emergency;
  std::string file;
  TimePoint at;
  int repeat = 1;
  bool tone = false;
  FrameCount frame = 0;
  BreakIn airing;  // probed
};

// "LEVEL:FILE@TIME[,repeat=N][,tone]"; the file may hold ':' and '@' (the last '@' ends it).
std::optional<Injection> parse_injection(const std::string& spec, const LocalDay& day, std::string& error) {
  Injection in;
  in.spec = spec;
  const auto colon = spec.find(':');
  const auto at = spec.rfind('@');
  if (colon == std::string::npos || at == std::string::npos || at < colon) {
    error = "is not LEVEL:FILE@TIME";
    return std::nullopt;
  }
  const auto level = parse_bulletin_level(spec.substr(0, colon));
  if (!level || *level == BulletinLevel::normal) {
    error = "level '" + spec.substr(0, colon) + "' is not emergency or priority (a normal bulletin waits to be placed)";
    return std::nullopt;
  }
  in.level = *level;
  in.file = spec.substr(colon + 1, at - colon - 1);
  if (in.file.empty()) {
    error = "names no file";
    return std::nullopt;
  }
  std::string rest = spec.substr(at + 1);
  std::string when = rest.substr(0, rest.find(','));
  rest = rest.size() > when.size() ? rest.substr(when.size() + 1) : "";
  const auto t = parse_when(when, day, error);
  if (!t) return std::nullopt;
  in.at = *t;
  while (!rest.empty()) {
    const std::string field = rest.substr(0, rest.find(','));
    rest = rest.size() > field.size() ? rest.substr(field.size() + 1) : "";
    if (field == "tone") {
      if (in.level != BulletinLevel::emergency) {
        error = "the attention tone is for emergency bulletins";
        return std::nullopt;
      }
      in.tone = true;
    } else if (field.rfind("repeat=", 0) == 0) {
      const std::string n = field.substr(7);
      if (n.empty() || n.size() > 2 || n.find_first_not_of("0123456789") != std::string::npos || std::stoi(n) < 1) {
        error = "repeat '" + n + "' is not a count from 1 to 99";
        return std::nullopt;
      }
      in.repeat = std::stoi(n);
    } else {
      error = "unknown field '" + field + "' (repeat=N, tone)";
      return std::nullopt;
    }
  }
  return in;
}

// The id the station would give it (docs/bulletins.md): b-YYYYMMDD-HHMMSS[-n].
std::string bulletin_id(const LocalDay& day, TimePoint at, std::set<std::string>& used) {
  const std::string iso = day.iso(at);
  std::string id = "b-" + iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + "-" + iso.substr(11, 2) +
                   iso.substr(14, 2) + iso.substr(17, 2);
  std::string unique = id;
  for (int n = 2; used.count(unique); ++n) unique = id + "-" + std::to_string(n);
  used.insert(unique);
  return unique;
}

}  // namespace

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
  std::vector<Injection> injections;
  {
    std::set<std::string> ids;
    const fs::path root = playout->main().schedule.media_root;
    for (const auto& spec : args.inject) {
      auto in = parse_injection(spec, day, error);
      if (in && (in->at < *from || in->at >= *to)) error = "is outside the rendered window";
      if (!in || !error.empty()) {
        std::cerr << "onair: --inject '" << spec << "': " << error << "\n";
        return 2;
      }
      const auto resolved = fs::path(in->file).is_absolute() ? ResolvedPath{in->file, {}} : resolve_media_path(root, in->file);
      const MediaInfo info = resolved.error.empty() ? prober->probe(resolved.path) : MediaInfo{};
      if (!resolved.error.empty() || !info.ok || info.duration <= Duration{0}) {
        std::cerr << "onair: --inject '" << spec << "': " << in->file << " cannot be played: "
                  << (!resolved.error.empty() ? resolved.error : info.ok ? "it is empty" : info.error) << "\n";
        return 1;
      }
      BreakIn& b = in->airing;
      b.source = resolved.path.string();
      b.display_source = in->file;
      b.title = resolved.path.filename().string();
      b.length = info.duration;
      b.bulletin = BulletinTag{bulletin_id(day, in->at, ids), in->level, 1};
      injections.push_back(std::move(*in));
    }
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
  for (auto& in : injections) {
    in.frame = frames_in(in.at - *from, format.sample_rate);
    // A priority bulletin goes after the item on air: at --from itself, once one airs.
    if (in.level == BulletinLevel::priority) in.frame = std::max<FrameCount>(in.frame, 1);
  }
  std::stable_sort(injections.begin(), injections.end(), [](const auto& a, const auto& b) { return a.frame < b.frame; });
  for (const auto& in : injections)
    if (engine_options.block_ends.empty() || engine_options.block_ends.back() != in.frame)
      engine_options.block_ends.push_back(in.frame);
  const FrameCount total = frames_in(*to - *from, format.sample_rate);
  const bool tty = ::isatty(STDERR_FILENO);
  int shown = -1;
  // Priority bulletins go into the timeline as the station puts them (station/inserts.hpp).
  const auto base = std::make_shared<const Timeline>(std::move(playout->timeline));
  auto published = base;
  StationInserts inserts;
  Engine* engine_ptr = nullptr;
  std::size_t next_injection = 0;
  auto inject_due = [&](FrameCount frame) {
    for (; next_injection < injections.size() && injections[next_injection].frame <= frame; ++next_injection) {
      const Injection& in = injections[next_injection];
      const std::string& id = in.airing.bulletin->id;
      log->warn("rehearsal: {} bulletin {} ({}) accepted at {}", to_string(in.level), id, in.file, day.clock(in.at));
      if (in.level == BulletinLevel::emergency) {
        BreakIn b = in.airing;
        b.repeat = in.repeat;
        b.attention_tone = in.tone;
        b.note = "interrupted by emergency bulletin " + id;
        engine_ptr->break_in(std::move(b));
        continue;
      }
      const EngineStatus st = engine_ptr->status();
      std::string refused;
      for (int k = 1; k <= in.repeat && refused.empty(); ++k) {
        BreakIn b = in.airing;
        b.bulletin->airing = k;
        refused = inserts.add_priority(*published, st, b);
      }
      if (!refused.empty()) {
        std::cerr << "render: priority bulletin " << id << " at " << day.clock(in.at) << " not placed: " << refused << "\n";
        continue;
      }
      published = inserts.apply(base);
      engine_ptr->replace_timeline(published, std::chrono::seconds(0));
    }
  };
  engine_options.progress = [&](FrameCount frame) {
    inject_due(frame);
    if (!tty) return;
    const int permille = static_cast<int>(frame * 1000 / total);
    if (permille == shown) return;
    shown = permille;
    std::cerr << fmt::format("\rrender: {:5.1f}%  {}", permille / 10.0, day.clock(clock.time_of(frame))) << std::flush;
  };
  Engine engine(base, clock, *output, sources, metered ? &metered->engine_side() : nullptr, format, engine_options);
  engine_ptr = &engine;
  inject_due(0);  // at --from itself: before the first block
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

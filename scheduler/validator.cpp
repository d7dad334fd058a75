#include "scheduler/validator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "scheduler/loudness.hpp"
#include "scheduler/media_paths.hpp"
#include "scheduler/yaml_reader.hpp"

namespace onair {

namespace fs = std::filesystem;

bool looks_like_audio(const fs::path& file) {
  static const std::set<std::string> extensions = {".mp3", ".wav", ".flac", ".ogg", ".oga", ".opus",
                                                   ".m4a", ".aac", ".mp2", ".wma", ".aif", ".aiff"};
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return extensions.count(ext) > 0;
}

MediaDurationLookup MediaTable::durations(const Schedule& schedule) const {
  return [this, root = schedule.media_root](const Item& item) -> std::optional<Duration> {
    if (item.kind != ItemKind::file) return std::nullopt;
    const auto resolved = resolve_item_file(root, item.source, item.generated);
    auto it = files.find(resolved.path);
    if (it == files.end() || !it->second.ok) return std::nullopt;
    return it->second.duration;
  };
}

namespace {

class MediaChecker {
 public:
  MediaChecker(const Schedule& s, MediaProber& prober, Diagnostics& diags) : s_(s), prober_(prober), diags_(diags) {}

  // Checks one named file; returns its info when it is usable.
  const MediaInfo* check_file(const std::string& source, const SourceMark& mark, const char* what,
                              bool generated = false) {
    if (source.empty()) return nullptr;
    const ResolvedPath resolved = resolve_item_file(s_.media_root, source, generated);
    if (!resolved.error.empty()) {
      diags_.error(mark, fmt::format("{} {}: {}", what, quote_value(source), resolved.error));
      return nullptr;
    }
    auto cached = table_.files.find(resolved.path);
    if (cached == table_.files.end()) {
      cached = table_.files.emplace(resolved.path, probe(resolved.path)).first;
    }
    const MediaInfo& info = cached->second;
    if (!info.ok) {
      if (info.error == kMissing) {
        std::string hint;
        if (auto other = find_other_normalization(resolved.path))
          hint = fmt::format("; {} exists with the same name in another Unicode normalization (NFC vs NFD): "
                             "rename the file or retype the name",
                             quote_value(other->lexically_relative(s_.media_root).string()));
        diags_.error(mark, fmt::format("{} {} not found (looked for {}){}", what, quote_value(source),
                                       resolved.path.string(), hint));
      } else {
        diags_.error(mark, fmt::format("{} {} cannot be decoded: {}", what, quote_value(source), info.error));
      }
      return nullptr;
    }
    if (warned_.insert(resolved.path).second) {
      if (info.duration_estimated)
        diags_.warning(mark, fmt::format("the duration of {} could only be estimated ({}); its timing may be off",
                                         quote_value(source), format_duration_short(info.duration)));
      else if (info.header_duration)
        diags_.warning(mark, fmt::format("{} has a wrong duration in its header ({}); measured {} by scanning the file",
                                         quote_value(source), format_duration_short(*info.header_duration),
                                         format_duration_short(info.duration)));
    }
    return &info;
  }

  void check_item(const Program& p, std::size_t index) {
    const Item& item = p.items[index];
    if (item.kind == ItemKind::relay) {
      if (!item.fallback.empty()) check_file(item.fallback, item.fallback_mark, "fallback");
      return;
    }
    if (item.kind != ItemKind::file) return;
    const MediaInfo* info =
        check_file(item.source, item.source_mark, item.generated ? "rendered speech" : "media file", item.generated);
    if (!info) return;
    const Duration length = info->duration;
    const bool cues_ok = !(item.cue_in && *item.cue_in >= length) && !(item.cue_out && *item.cue_out > length);
    if (cues_ok)
      if (auto settings = effective_loudness(s_, &p, &item))
        measure(resolve_item_file(s_.media_root, item.source, item.generated).path, cue_range_of(item), *settings, item.gain_db,
                item.mark, item.source);
    if (item.cue_in && *item.cue_in >= length)
      diags_.error(item.in_mark, fmt::format("cue in {} is beyond the end of {} ({})", format_duration_short(*item.cue_in),
                                             quote_value(item.source), format_duration_short(length)));
    if (item.cue_out && *item.cue_out > length)
      diags_.error(item.out_mark, fmt::format("cue out {} is beyond the end of {} ({})", format_duration_short(*item.cue_out),
                                              quote_value(item.source), format_duration_short(length)));
    const Duration played = std::min(item.cue_out.value_or(length), length) - item.cue_in.value_or(Duration{0});
    if (played > Duration{0} && item.fade_in + item.fade_out > played)
      diags_.warning(item.mark, fmt::format("fade_in + fade_out ({}) are longer than the item ({})",
                                            format_duration_short(item.fade_in + item.fade_out),
                                            format_duration_short(played)));
    if (played > Duration{0} && item.crossfade > played)
      diags_.warning(item.crossfade_mark, fmt::format("crossfade {} is longer than the item ({}); it is shortened",
                                                      format_duration_short(item.crossfade), format_duration_short(played)));
  }

  void check_fill() {
    if (!s_.fill) return;
    const ResolvedPath dir = resolve_media_path(s_.media_root, s_.fill->dir);
    if (!dir.error.empty()) {
      diags_.error(s_.fill->mark, fmt::format("fill folder {}: {}", quote_value(s_.fill->dir), dir.error));
      return;
    }
    std::error_code ec;
    if (!fs::is_directory(dir.path, ec)) {
      diags_.error(s_.fill->mark, fmt::format("fill folder {} not found (looked for {})", quote_value(s_.fill->dir),
                                              dir.path.string()));
      return;
    }
    std::vector<fs::path> candidates;
    for (const auto& e : fs::recursive_directory_iterator(dir.path, ec))
      if (e.is_regular_file(ec) && looks_like_audio(e.path())) candidates.push_back(e.path());
    std::sort(candidates.begin(), candidates.end());
    const std::optional<LoudnessSettings> fill_loudness = effective_loudness(s_, nullptr, nullptr);
    std::size_t bad = 0;
    for (const auto& f : candidates) {
      auto it = table_.files.emplace(f, probe(f)).first;
      if (it->second.ok && it->second.duration > Duration{0}) {
        table_.fill.push_back(f);
        if (fill_loudness) measure(f, CueRange{}, *fill_loudness, 0.0, s_.fill->mark, f.lexically_relative(dir.path).string());
      } else {
        ++bad;
      }
    }
    if (table_.fill.empty())
      diags_.error(s_.fill->mark, fmt::format("fill folder {} has no playable audio files", quote_value(s_.fill->dir)));
    else if (bad > 0)
      diags_.warning(s_.fill->mark, fmt::format("{} file(s) in fill folder {} cannot be decoded and will not be used",
                                                bad, quote_value(s_.fill->dir)));
  }

  MediaTable take() { return std::move(table_); }

  // Measures the range (the prober caches it) and keeps it in the table for the EDL's
  // gain; warns once per file and range when the target cannot be reached.
  void measure(const fs::path& path, CueRange range, const LoudnessSettings& settings, double gain_db,
               const SourceMark& mark, const std::string& source) {
    auto& info = table_.files[path];
    if (!info.loudness.contains(range)) {
      std::optional<LoudnessMeasure> m = prober_.measure(path, range);
      if (!m) {
        diags_.warning(mark, fmt::format("the loudness of {} could not be measured; the output processor's AGC "
                                         "levels it on air",
                                         quote_value(source)));
        return;
      }
      info.loudness[range] = *m;
    }
    if (!measure_warned_.insert({path, range, settings.target_lufs, settings.max_gain_db, settings.true_peak_dbtp}).second)
      return;
    const LoudnessMeasure& m = info.loudness.at(range);
    const LoudnessGain g = loudness_gain(settings, m, gain_db);
    if (g.silent)
      diags_.warning(mark, fmt::format("{} is digital silence (below -70 LUFS): nothing to bring to {:g} LUFS",
                                       quote_value(source), settings.target_lufs));
    else if (g.capped_by_max_gain)
      diags_.warning(mark, fmt::format("{} measures {:.1f} LUFS: it needs {:+.1f} dB to reach {:g} LUFS but "
                                       "max_gain allows {:+g} dB; it airs at {:.1f} LUFS",
                                       quote_value(source), m.integrated_lufs, g.wanted_db, settings.target_lufs,
                                       settings.max_gain_db, m.integrated_lufs + settings.max_gain_db));
    else if (g.capped_by_ceiling)
      diags_.warning(mark, fmt::format("{} measures {:.1f} LUFS with true peak {:.1f} dBTP: {:+.1f} dB would "
                                       "pass the {:g} dBTP ceiling, so it gets {:+.1f} dB and airs at {:.1f} LUFS",
                                       quote_value(source), m.integrated_lufs, m.true_peak_dbtp, g.wanted_db,
                                       settings.true_peak_dbtp, g.gain_db - gain_db,
                                       m.integrated_lufs + g.gain_db - gain_db));
  }

 private:
  static constexpr const char* kMissing = "no such file";

  MediaInfo probe(const fs::path& path) {
    std::error_code ec;
    MediaInfo unusable;
    if (!fs::exists(path, ec)) unusable.error = kMissing;
    else if (fs::is_directory(path, ec)) unusable.error = "it is a folder";
    else return prober_.probe(path);
    return unusable;
  }

  const Schedule& s_;
  MediaProber& prober_;
  Diagnostics& diags_;
  MediaTable table_;
  std::set<fs::path> warned_;
  std::set<std::tuple<fs::path, CueRange, double, double, double>> measure_warned_;
};

}  // namespace

MediaTable validate_media(const Schedule& schedule, MediaProber& prober, Diagnostics& diags) {
  MediaChecker checker(schedule, prober, diags);
  for (const auto& p : schedule.programs)
    for (std::size_t i = 0; i < p.items.size(); ++i) checker.check_item(p, i);
  checker.check_fill();
  return checker.take();
}

}  // namespace onair

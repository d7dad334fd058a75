#include "scheduler/loudness.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "scheduler/media_paths.hpp"

namespace onair {

LoudnessSpec overlay_loudness(const std::optional<LoudnessSpec>& lower, const LoudnessSpec& upper) {
  LoudnessSpec out = lower.value_or(LoudnessSpec{});
  out.mark = upper.mark;
  out.off = upper.off;
  if (upper.off) return out;  // values below are kept for a level that turns it on again
  if (upper.target) out.target = upper.target;
  if (upper.true_peak) out.true_peak = upper.true_peak;
  if (upper.max_gain) out.max_gain = upper.max_gain;
  return out;
}

std::optional<LoudnessSettings> effective_loudness(const Schedule& day, const Program* program, const Item* item) {
  std::optional<LoudnessSpec> spec = day.loudness;
  if (program && program->loudness) spec = overlay_loudness(spec, *program->loudness);
  if (item && item->loudness) spec = overlay_loudness(spec, *item->loudness);
  if (!spec || spec->off) return std::nullopt;
  LoudnessSettings s;
  if (spec->target) s.target_lufs = *spec->target;
  if (spec->true_peak) s.true_peak_dbtp = *spec->true_peak;
  if (spec->max_gain) s.max_gain_db = *spec->max_gain;
  return s;
}

CueRange cue_range_of(const Item& item) {
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  CueRange r;
  if (item.cue_in) r.in_us = duration_cast<microseconds>(*item.cue_in).count();
  if (item.cue_out) r.out_us = duration_cast<microseconds>(*item.cue_out).count();
  return r;
}

LoudnessGain loudness_gain(const LoudnessSettings& settings, const LoudnessMeasure& measured, double item_gain_db) {
  LoudnessGain g;
  if (!std::isfinite(measured.integrated_lufs)) {
    g.silent = true;
    g.gain_db = item_gain_db;
    return g;
  }
  g.wanted_db = settings.target_lufs - measured.integrated_lufs;
  double gain = g.wanted_db;
  if (gain > settings.max_gain_db) {
    gain = settings.max_gain_db;
    g.capped_by_max_gain = true;
  }
  if (std::isfinite(measured.true_peak_dbtp) && measured.true_peak_dbtp + gain > settings.true_peak_dbtp) {
    gain = settings.true_peak_dbtp - measured.true_peak_dbtp;
    g.capped_by_ceiling = true;
    g.capped_by_max_gain = false;  // the ceiling is the tighter limit
  }
  g.gain_db = gain + item_gain_db;
  return g;
}

ItemLoudness item_loudness(const Schedule& day, const MediaTable& media, const Program& program, const Item& item) {
  ItemLoudness out;
  out.gain.gain_db = item.gain_db;
  const auto settings = effective_loudness(day, &program, &item);
  if (!settings || item.kind == ItemKind::silence) return out;
  out.settings = *settings;
  out.mode = ItemLoudness::Mode::agc;
  if (item.kind != ItemKind::file) return out;
  const auto path = resolve_item_file(day.media_root, item.source, item.generated).path;
  if (auto it = media.files.find(path); it != media.files.end())
    if (auto m = it->second.loudness.find(cue_range_of(item)); m != it->second.loudness.end()) {
      out.mode = ItemLoudness::Mode::measured;
      out.measured = m->second;
      out.gain = loudness_gain(*settings, m->second, item.gain_db);
    }
  return out;
}

}  // namespace onair

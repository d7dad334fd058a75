#pragma once
// Loudness normalisation (docs/loudness.md): which settings apply to an item (day,
// programme and item `loudness:` keys), and the static gain that brings its measured
// loudness to the target without passing the true-peak ceiling. Pure functions.
#include <optional>

#include "scheduler/media_info.hpp"
#include "scheduler/model.hpp"
#include "scheduler/validator.hpp"

namespace onair {

struct LoudnessSettings {
  double target_lufs = -16.0;
  double true_peak_dbtp = -1.0;  // the ceiling
  double max_gain_db = 12.0;
};

// `upper` written over `lower` (either may be absent); off wins until a lower level names values.
LoudnessSpec overlay_loudness(const std::optional<LoudnessSpec>& lower, const LoudnessSpec& upper);

// The settings for an item, or nullopt when loudness is off for it (including when no
// `loudness:` is written anywhere). `item` may be null: fill and gaps follow the day.
std::optional<LoudnessSettings> effective_loudness(const Schedule& day, const Program* program, const Item* item);

// The part of its file an item plays.
CueRange cue_range_of(const Item& item);

struct LoudnessGain {
  double gain_db = 0.0;            // to apply, the item's own `gain` included
  double wanted_db = 0.0;          // target - measured (0 for silence)
  bool capped_by_max_gain = false;
  bool capped_by_ceiling = false;  // measured true peak + gain would pass the ceiling
  bool silent = false;             // digital silence: nothing to normalise
  bool reaches_target() const { return !capped_by_max_gain && !capped_by_ceiling && !silent; }
};
// gain = min(target - I, max_gain, ceiling - true_peak) + item_gain.
LoudnessGain loudness_gain(const LoudnessSettings& settings, const LoudnessMeasure& measured, double item_gain_db);

// What happens to one item's level on air, for check/plan and the EDL.
struct ItemLoudness {
  enum class Mode { off, measured, agc } mode = Mode::off;  // agc: relay or unmeasured file
  LoudnessSettings settings;
  std::optional<LoudnessMeasure> measured;
  LoudnessGain gain;  // measured: the static gain (with the item's own); otherwise just `gain`
};
ItemLoudness item_loudness(const Schedule& day, const MediaTable& media, const Program& program, const Item& item);

}  // namespace onair

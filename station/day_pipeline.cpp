#include "station/day_pipeline.hpp"

namespace onair {

std::optional<LoadedDay> load_day(const std::filesystem::path& file, const LoadOptions& options, MediaProber& prober,
                                  Diagnostics& diags) {
  auto schedule = load_schedule(file, options, diags);
  if (!schedule) return std::nullopt;
  LoadedDay loaded;
  loaded.schedule = std::move(*schedule);
  render_speech(loaded.schedule, options.speech, diags);
  loaded.media = validate_media(loaded.schedule, prober, diags);
  try {
    loaded.day = std::make_unique<LocalDay>(loaded.schedule.timezone, loaded.schedule.date);
  } catch (const std::exception&) {
    return loaded;  // the loader has reported the bad zone
  }
  loaded.plan = make_plan(loaded.schedule, *loaded.day, loaded.media.durations(loaded.schedule), &diags);
  return loaded;
}

}  // namespace onair

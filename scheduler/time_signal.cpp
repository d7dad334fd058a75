#include "scheduler/time_signal.hpp"

namespace onair {
namespace {

ToneSpec tone_of(const PipsSpec& spec) {
  ToneSpec t;
  t.frequency_hz = spec.frequency_hz;
  t.level_dbfs = spec.level_dbfs;
  return t;
}

}  // namespace

ToneSpec pips_countdown(const PipsSpec& spec) {
  ToneSpec t = tone_of(spec);
  for (int k = 0; k < 5; ++k) t.beeps[t.beep_count++] = {std::chrono::seconds(k), std::chrono::milliseconds(100)};
  return t;
}

ToneSpec pips_on_time(const PipsSpec& spec) {
  ToneSpec t = tone_of(spec);
  t.beeps[t.beep_count++] = {Duration{0}, kOnTimePip};
  return t;
}

}  // namespace onair

#include "scheduler/bulletin.hpp"

namespace onair {

const char* to_string(BulletinLevel level) noexcept {
  switch (level) {
    case BulletinLevel::normal: return "normal";
    case BulletinLevel::priority: return "priority";
    case BulletinLevel::emergency: return "emergency";
  }
  return "normal";
}

const char* vietnamese_name(BulletinLevel level) noexcept {
  switch (level) {
    case BulletinLevel::normal: return "thông thường";
    case BulletinLevel::priority: return "ưu tiên";
    case BulletinLevel::emergency: return "khẩn cấp";
  }
  return "thông thường";
}

std::optional<BulletinLevel> parse_bulletin_level(std::string_view text) noexcept {
  if (text == "normal" || text == "thông thường") return BulletinLevel::normal;
  if (text == "priority" || text == "ưu tiên") return BulletinLevel::priority;
  if (text == "emergency" || text == "khẩn cấp") return BulletinLevel::emergency;
  return std::nullopt;
}

ToneSpec attention_tone() {
  ToneSpec t;
  t.frequency_hz = 853.0;
  t.level_dbfs = -9.0;
  t.ramp = std::chrono::milliseconds(10);
  for (int k = 0; k < 3; ++k) t.beeps[t.beep_count++] = {std::chrono::milliseconds(600 * k), std::chrono::milliseconds(400)};
  return t;
}

}  // namespace onair

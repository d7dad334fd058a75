#pragma once
// Bulletin levels of Circular 39/2020/TT-BTTTT (docs/bulletins.md): normal (the commune
// schedules it: the producers place it), priority (the next item boundary of the programme
// on air), emergency (at once). An item or segment that airs a bulletin carries its tag,
// so the as-run says which bulletin each airing was ("bulletin", "level").
#include <optional>
#include <string>
#include <string_view>

#include "scheduler/time_signal.hpp"

namespace onair {

enum class BulletinLevel { normal, priority, emergency };

const char* to_string(BulletinLevel level) noexcept;
// "normal" | "priority" | "emergency", and the Vietnamese "thông thường" | "ưu tiên" | "khẩn cấp".
std::optional<BulletinLevel> parse_bulletin_level(std::string_view text) noexcept;
// For people: "khẩn cấp" …
const char* vietnamese_name(BulletinLevel level) noexcept;

struct BulletinTag {
  std::string id;  // the station's id of the bulletin ("b-20261204-0007")
  BulletinLevel level = BulletinLevel::normal;
  int airing = 1;  // which airing of it this is (1 = the first)
};

// The attention signal before an emergency (`--tone`): three 0.4 s beeps of 853 Hz (the
// emergency-alert tone's lower note) 0.6 s apart, then 0.4 s of silence.
inline constexpr Duration kAttentionToneLength = std::chrono::milliseconds(2200);
ToneSpec attention_tone();
// How the tone is labelled on air and in the as-run (part of the bulletin's airing).
inline constexpr std::string_view kAttentionToneTitle = "Tín hiệu chú ý";
inline constexpr std::string_view kAttentionToneSource = "attention tone";

}  // namespace onair

#include "scheduler/spoken_time.hpp"

#include <fmt/format.h>

namespace onair {

SpokenTimeText fill_spoken_time(std::string_view tmpl, ClockReading r) {
  SpokenTimeText out;
  std::string text;
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '{') {
      text += tmpl[i];
      continue;
    }
    const std::size_t close = tmpl.find('}', i);
    if (close == std::string_view::npos) {
      out.error = fmt::format("'{{' at character {} is not closed; placeholders are {{H}}, {{h}}, {{M}}, {{MM}} and "
                              "{{buổi}}",
                              i + 1);
      return out;
    }
    const std::string_view name = tmpl.substr(i + 1, close - i - 1);
    if (name == "H") text += std::to_string(r.hour);
    else if (name == "h") text += std::to_string(r.hour % 12 == 0 ? 12 : r.hour % 12);
    else if (name == "M") text += std::to_string(r.minute);
    else if (name == "MM") text += fmt::format("{:02}", r.minute);
    else if (name == "buổi" || name == "buoi")
      text += r.hour <= 10 ? "sáng" : r.hour <= 12 ? "trưa" : r.hour <= 17 ? "chiều" : r.hour <= 21 ? "tối" : "đêm";
    else {
      out.error = fmt::format("unknown placeholder '{{{}}}'; placeholders are {{H}}, {{h}}, {{M}}, {{MM}} and {{buổi}}",
                              name);
      return out;
    }
    i = close;
  }
  out.text = std::move(text);
  return out;
}

ClockReading clock_reading(TimePoint t, const date::time_zone* zone) {
  const auto second = std::chrono::round<std::chrono::seconds>(t);
  const auto local = zone ? zone->to_local(second) : date::local_seconds(second.time_since_epoch());
  const auto day = date::floor<date::days>(local);
  const date::hh_mm_ss<std::chrono::seconds> hms(local - day);
  return {static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count())};
}

std::vector<ClockReading> slot_readings() {
  // "hai mươi ba giờ năm mươi bảy phút", "mười một giờ năm mươi lăm" …: every hour and
  // minute of the longest kind (three syllables), with each part of the day.
  return {{23, 57}, {22, 58}, {21, 55}, {23, 44}, {21, 27}, {11, 59}, {12, 57}, {17, 58}, {10, 55}};
}

}  // namespace onair

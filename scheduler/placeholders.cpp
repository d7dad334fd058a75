#include "scheduler/placeholders.hpp"

#include <array>
#include <fmt/format.h>
#include <sstream>

namespace onair {

std::string weekday_name(date::weekday wd) {
  static const std::array<const char*, 7> names = {"sunday",   "monday", "tuesday", "wednesday",
                                                   "thursday", "friday", "saturday"};
  return names[wd.c_encoding()];
}

namespace {

std::optional<std::string> expand_one(std::string_view name, date::year_month_day day) {
  const int y = static_cast<int>(day.year());
  const unsigned m = static_cast<unsigned>(day.month()), d = static_cast<unsigned>(day.day());
  if (name == "date") return fmt::format("{:04}-{:02}-{:02}", y, m, d);
  if (name == "yyyy") return fmt::format("{:04}", y);
  if (name == "yy") return fmt::format("{:02}", y % 100);
  if (name == "mm") return fmt::format("{:02}", m);
  if (name == "dd") return fmt::format("{:02}", d);
  const auto wd = date::weekday(date::sys_days(day));
  if (name == "weekday") return weekday_name(wd);
  if (name == "wd") return weekday_name(wd).substr(0, 3);
  if (name.substr(0, 5) == "date:" && name.size() > 5) {
    const std::string format(name.substr(5));
    for (std::size_t i = 0; i + 1 < format.size(); ++i) {
      // Only date fields make sense: a day has no time of day.
      if (format[i] == '%') {
        const char c = format[++i];
        if (std::string_view("dmyYbBaAjeuwVGgUW%").find(c) == std::string_view::npos) return std::nullopt;
      }
    }
    std::ostringstream out;
    out << date::format(format.c_str(), date::sys_days(day));
    return out.str();
  }
  return std::nullopt;
}

}  // namespace

Expansion expand_placeholders(std::string_view text, date::year_month_day day) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      out += '{';
      ++i;
    } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      out += '}';
      ++i;
    } else if (c == '{') {
      const auto close = text.find('}', i);
      if (close == std::string_view::npos)
        return {std::nullopt, "unclosed '{' (write '{{' for a literal brace)"};
      const auto name = text.substr(i + 1, close - i - 1);
      auto value = expand_one(name, day);
      if (!value)
        return {std::nullopt,
                fmt::format("unknown placeholder '{{{}}}': use {{date}}, {{yyyy}}, {{yy}}, {{mm}}, {{dd}}, "
                            "{{weekday}}, {{wd}} or {{date:%d%m%Y}}-style date formats",
                            name)};
      out += *value;
      i = close;
    } else {
      out += c;
    }
  }
  return {std::move(out), {}};
}

}  // namespace onair

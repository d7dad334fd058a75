#include "scheduler/timecode.hpp"

#include <charconv>
#include <cstdint>
#include <fmt/format.h>
#include <vector>

namespace onair {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;

// Parses "SS" or "SS.fff" (up to 6 fractional digits) into microseconds.
std::optional<std::int64_t> parse_seconds(std::string_view s, bool allow_any_integer) {
  if (s.empty()) return std::nullopt;
  auto dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && frac.empty())) return std::nullopt;
  if (!allow_any_integer && whole.size() != 2) return std::nullopt;
  if (frac.size() > 6) return std::nullopt;
  std::int64_t w = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    w = w * 10 + (c - '0');
    if (w > 10'000'000'000LL) return std::nullopt;  // absurd, and keeps us far from overflow
  }
  std::int64_t f = 0, scale = kMicrosPerSecond;
  for (char c : frac) {
    if (c < '0' || c > '9') return std::nullopt;
    scale /= 10;
    f += (c - '0') * scale;
  }
  return w * kMicrosPerSecond + f;
}

std::optional<int> parse_two_digits(std::string_view s, bool allow_one_digit) {
  if (s.size() != 2 && !(allow_one_digit && s.size() == 1)) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::vector<std::string_view> split_colons(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    auto pos = s.find(':', start);
    parts.push_back(s.substr(start, pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return parts;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

ParsedDuration parse_time_of_day(std::string_view text, bool allow_24) {
  text = trim(text);
  const std::string expect = "expected HH:MM, HH:MM:SS or HH:MM:SS.mmm";
  auto parts = split_colons(text);
  if (parts.size() < 2 || parts.size() > 3) return {std::nullopt, expect};
  auto h = parse_two_digits(parts[0], true);
  auto m = parse_two_digits(parts[1], false);
  if (!h || !m) return {std::nullopt, expect};
  std::int64_t sec_us = 0;
  if (parts.size() == 3) {
    auto s = parse_seconds(parts[2], false);
    if (!s) return {std::nullopt, expect};
    sec_us = *s;
  } else if (parts[1].find('.') != std::string_view::npos) {
    return {std::nullopt, expect};
  }
  if (*m > 59) return {std::nullopt, fmt::format("minutes {} out of range 00-59", *m)};
  if (sec_us >= 60 * kMicrosPerSecond) return {std::nullopt, "seconds out of range 00-59"};
  const std::int64_t total = (*h * 3600LL + *m * 60LL) * kMicrosPerSecond + sec_us;
  if (*h > 23) {
    if (allow_24 && *h == 24 && total == 24 * 3600LL * kMicrosPerSecond) return {Duration(total), {}};
    return {std::nullopt, fmt::format("hour {} out of range 00-23", *h)};
  }
  return {Duration(total), {}};
}

ParsedDuration parse_duration(std::string_view text) {
  text = trim(text);
  const std::string expect = "expected seconds (e.g. 90 or 1.5), MM:SS or HH:MM:SS[.mmm]";
  if (!text.empty() && text.front() == '-') return {std::nullopt, "must not be negative"};
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  auto parts = split_colons(text);
  if (parts.size() == 1) {
    auto s = parse_seconds(parts[0], true);
    if (!s) return {std::nullopt, expect};
    return {Duration(*s), {}};
  }
  if (parts.size() > 3) return {std::nullopt, expect};
  std::int64_t hours = 0;
  std::size_t i = 0;
  if (parts.size() == 3) {
    auto h = parse_two_digits(parts[0], true);
    if (!h) {
      // Allow long hour counts ("100:00:00") for relays spanning days.
      std::int64_t v = 0;
      auto r = std::from_chars(parts[0].data(), parts[0].data() + parts[0].size(), v);
      if (r.ec != std::errc() || r.ptr != parts[0].data() + parts[0].size() || v > 10000)
        return {std::nullopt, expect};
      hours = v;
    } else {
      hours = *h;
    }
    i = 1;
  }
  auto m = parse_two_digits(parts[i], parts.size() == 2);
  if (!m) return {std::nullopt, expect};
  if (parts.size() == 3 && *m > 59) return {std::nullopt, fmt::format("minutes {} out of range 00-59", *m)};
  auto s = parse_seconds(parts[i + 1], false);
  if (!s) return {std::nullopt, expect};
  if (*s >= 60 * kMicrosPerSecond) return {std::nullopt, "seconds out of range 00-59"};
  return {Duration((hours * 3600 + *m * 60) * kMicrosPerSecond + *s), {}};
}

std::string format_duration(Duration d) {
  const bool neg = d.count() < 0;
  std::int64_t us = neg ? -d.count() : d.count();
  const std::int64_t ms = (us + 500) / 1000;
  const std::int64_t h = ms / 3'600'000, m = ms / 60'000 % 60, s = ms / 1000 % 60, f = ms % 1000;
  std::string sign = neg ? "-" : "";
  if (h > 0) return fmt::format("{}{}:{:02}:{:02}.{:03}", sign, h, m, s, f);
  return fmt::format("{}{}:{:02}.{:03}", sign, m, s, f);
}

std::string format_duration_short(Duration d) {
  const bool neg = d.count() < 0;
  std::int64_t us = neg ? -d.count() : d.count();
  const std::int64_t ms = (us + 500) / 1000;
  std::string sign = neg ? "-" : "";
  if (ms < 60'000) {
    if (ms % 1000 == 0) return fmt::format("{}{} s", sign, ms / 1000);
    return fmt::format("{}{:.3f} s", sign, static_cast<double>(ms) / 1000.0);
  }
  const std::int64_t h = ms / 3'600'000, m = ms / 60'000 % 60, s = ms / 1000 % 60, f = ms % 1000;
  std::string frac = f ? fmt::format(".{:03}", f) : "";
  if (h > 0) return fmt::format("{}{}:{:02}:{:02}{}", sign, h, m, s, frac);
  return fmt::format("{}{}:{:02}{}", sign, m, s, frac);
}

std::string format_time_of_day(Duration since_midnight) {
  const std::int64_t ms = since_midnight.count() / 1000;
  return fmt::format("{:02}:{:02}:{:02}.{:03}", ms / 3'600'000, ms / 60'000 % 60, ms / 1000 % 60,
                     ms % 1000);
}

}  // namespace onair

#include "player/speech/vietnamese_number.hpp"

namespace onair {
namespace {

constexpr std::string_view kDigit[10] = {"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"};

void add(std::string& out, std::string_view word) {
  if (!out.empty()) out += ' ';
  out += word;
}

// 0..999. `full`: the group follows a higher one, so its hundreds are read even when zero
// ("không trăm") and a lone unit after them takes "linh" (105 "một trăm linh năm").
void add_group(std::string& out, unsigned g, bool full) {
  const unsigned h = g / 100, t = g / 10 % 10, u = g % 10;
  const bool hundreds = full || h != 0;
  if (hundreds) {
    add(out, kDigit[h]);
    add(out, "trăm");
  }
  if (t == 0) {
    if (u == 0) return;
    if (hundreds) add(out, "linh");  // "linh" (Northern), not the Southern "lẻ"
    add(out, kDigit[u]);             // "linh bốn": "tư" is only said after "mươi"
  } else if (t == 1) {
    add(out, "mười");
    if (u == 5) add(out, "lăm");
    else if (u != 0) add(out, kDigit[u]);  // 11 "mười một", 14 "mười bốn"
  } else {
    add(out, kDigit[t]);
    add(out, "mươi");
    if (u == 1) add(out, "mốt");
    else if (u == 4) add(out, "tư");
    else if (u == 5) add(out, "lăm");
    else if (u != 0) add(out, kDigit[u]);
  }
}

// Below a billion; `full` as for add_group (a "tỷ" was read before).
void add_below_billion(std::string& out, std::uint64_t n, bool full) {
  const unsigned millions = static_cast<unsigned>(n / 1'000'000);
  const unsigned thousands = static_cast<unsigned>(n / 1000 % 1000);
  const unsigned units = static_cast<unsigned>(n % 1000);
  if (millions != 0) {
    add_group(out, millions, full);
    add(out, "triệu");
    full = true;
  }
  if (thousands != 0) {
    add_group(out, thousands, full);
    add(out, "nghìn");  // "nghìn" (Northern), not "ngàn"
    full = true;
  }
  if (units != 0) add_group(out, units, full);
}

void add_number(std::string& out, std::uint64_t n) {
  if (n >= 1'000'000'000) {
    add_number(out, n / 1'000'000'000);  // 10^12 -> "một nghìn tỷ"
    add(out, "tỷ");
    if (n % 1'000'000'000 != 0) add_below_billion(out, n % 1'000'000'000, true);
  } else {
    add_below_billion(out, n, false);
  }
}

}  // namespace

std::string vietnamese_number(std::int64_t n) {
  if (n == 0) return std::string(kDigit[0]);
  std::string out;
  // The magnitude in unsigned arithmetic: -INT64_MIN does not fit an int64_t.
  std::uint64_t magnitude = static_cast<std::uint64_t>(n);
  if (n < 0) {
    out = "âm";
    magnitude = ~magnitude + 1;
  }
  add_number(out, magnitude);
  return out;
}

std::string vietnamese_digits(std::string_view digits) {
  std::string out;
  for (char c : digits)
    if (c >= '0' && c <= '9') add(out, kDigit[c - '0']);
  return out;
}

}  // namespace onair

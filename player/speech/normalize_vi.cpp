// The normaliser: the text is decoded (invalid bytes become spaces), put in NFC, cut into
// tokens (runs of letters, runs of ASCII digits, single symbols, each knowing whether a
// space or a line break came before it), then read token by token. A reading looks ahead
// over the tokens (a date is digits, '/', digits, '/', digits touching each other) and
// back at the words before (the "ngày" before a date, the "khóa" before a Roman numeral).
//
// Reading choices (Northern standard):
// - numbers: vietnamese_number.hpp ("nghìn", "linh", 1.000.005 "một triệu không trăm linh
//   năm"); '.' groups thousands, ',' is the decimal mark; the digits after the comma are
//   a number ("3,14" "ba phẩy mười bốn") unless they start with 0 or are more than three
//   ("2,05" "hai phẩy không năm"), then digit by digit; '.' not grouping thousands is "chấm"
//   ("4.0" "bốn chấm không"); a digit run longer than 18 or starting with 0 and longer than 2
//   is read digit by digit ("05" is "năm", "0123" is "không một hai ba").
// - dates d/m/yyyy, d-m-yyyy, d.m.yyyy and d/m (d-m and d.m only after "ngày"), valid days
//   and months only: "ngày" is said unless it was written; days 1-10 are "mùng"; month 4 is
//   "tư", month 1 "một" (not the lunar "giêng"); m/yyyy is "tháng m năm yyyy". A date
//   followed by another '/' is a document number ("10/2020/NĐ-CP"), not a date.
// - "+84" reads "cộng tám bốn": phone numbers are digit by digit throughout.
// - a '-' touching the digits after it, not the word before, is a minus ("-5" "âm năm"),
//   also at the start of a line; a bullet is "- " with a space.
// - uppercase tokens that are no dictionary word and no Vietnamese syllable are spelled
//   with Vietnamese letter names ("ABC" "a bê xê"); headlines in capitals ("THÔNG BÁO")
//   stay words. A single capital letter is spelled only when it touches digits ("H5N1"
//   "hát năm en một"). Roman numerals outside their context words stay as written.
// - e-mail and web addresses are not read specially.
#include "player/speech/normalize_vi.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <array>
#include <climits>
#include <cstdint>
#include <vector>

#include "player/speech/vietnamese_number.hpp"

namespace onair {
namespace {

// ---- Unicode ----------------------------------------------------------------------------

// Strict UTF-8 (no overlongs, surrogates or values past U+10FFFF); each bad byte is a space.
std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out += static_cast<char32_t>(b);
      ++i;
      continue;
    }
    std::size_t len = 0;
    char32_t cp = 0, min = 0;
    if ((b & 0xE0) == 0xC0) len = 2, cp = b & 0x1F, min = 0x80;
    else if ((b & 0xF0) == 0xE0) len = 3, cp = b & 0x0F, min = 0x800;
    else if ((b & 0xF8) == 0xF0) len = 4, cp = b & 0x07, min = 0x10000;
    bool ok = len != 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      ok = (c & 0xC0) == 0x80;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (!ok || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      out += U' ';
      ++i;
      continue;
    }
    out += cp;
    i += len;
  }
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Through ICU's NFC or NFD; the text unchanged if ICU fails (it then still reads, only a
// decomposed letter may be split).
std::u32string normalized(const std::u32string& s, bool compose) {
  if (s.empty() || s.size() > INT32_MAX / 4) return s;
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* n = compose ? icu::Normalizer2::getNFCInstance(err) : icu::Normalizer2::getNFDInstance(err);
  if (U_FAILURE(err) || n == nullptr) return s;
  const std::vector<UChar32> in(s.begin(), s.end());
  const icu::UnicodeString u = icu::UnicodeString::fromUTF32(in.data(), static_cast<int32_t>(in.size()));
  const icu::UnicodeString r = n->normalize(u, err);
  if (U_FAILURE(err)) return s;
  std::vector<UChar32> buf(static_cast<std::size_t>(r.length()) + 1);
  const int32_t len = r.toUTF32(buf.data(), static_cast<int32_t>(buf.size()), err);
  if (U_FAILURE(err) || len < 0) return s;
  return std::u32string(buf.begin(), buf.begin() + len);
}

bool is_line_break(char32_t c) {
  return c == U'\n' || c == U'\r' || c == 0x0B || c == 0x0C || c == 0x85 || c == 0x2028 || c == 0x2029;
}
bool is_ascii_digit(char32_t c) { return c >= U'0' && c <= U'9'; }
// Letters of any script and their combining marks; other scripts' digits are kept as words.
// º and ª are letters to Unicode but degree signs in typed bulletins ("30ºC").
bool is_word_char(char32_t c) {
  if (c == 0xBA || c == 0xAA) return false;
  const auto ch = static_cast<UChar32>(c);
  return u_hasBinaryProperty(ch, UCHAR_ALPHABETIC) || (U_GET_GC_MASK(ch) & U_GC_M_MASK) != 0 ||
         (u_isdigit(ch) && !is_ascii_digit(c));
}
bool is_apostrophe(char32_t c) { return c == U'\'' || c == 0x2019 || c == 0x02BC; }

// ---- Tokens -----------------------------------------------------------------------------

enum class Kind { Word, Digits, Symbol };

struct Token {
  Kind kind = Kind::Symbol;
  std::string text;   // UTF-8
  std::string lower;  // words only
  char32_t sym = 0;   // symbols only
  bool space_before = true;  // whitespace, a line break or the start of the text before it
  bool line_before = false;
  bool upper = false;        // a word whose cased letters are all capitals
  std::u32string cps;        // words only: its code points
};

std::vector<Token> tokenize(const std::u32string& s) {
  std::vector<Token> toks;
  bool space = true, line = false;
  auto start = [&](Kind k) -> Token& {
    Token& t = toks.emplace_back();
    t.kind = k;
    t.space_before = space || toks.size() == 1;
    t.line_before = line && toks.size() > 1;
    space = line = false;
    return t;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    const bool joins = !space && !toks.empty();
    if (is_line_break(c)) {
      space = line = true;
    } else if (u_isUWhiteSpace(static_cast<UChar32>(c)) || u_charType(static_cast<UChar32>(c)) == U_CONTROL_CHAR) {
      space = true;
    } else if (u_charType(static_cast<UChar32>(c)) == U_FORMAT_CHAR) {
      // soft hyphen, zero-width joiner, BOM: dropped without splitting the word around them
    } else if (is_ascii_digit(c)) {
      Token& t = joins && toks.back().kind == Kind::Digits ? toks.back() : start(Kind::Digits);
      t.text += static_cast<char>(c);
    } else if (is_word_char(c) || (is_apostrophe(c) && joins && toks.back().kind == Kind::Word &&
                                   i + 1 < s.size() && is_word_char(s[i + 1]))) {
      // An apostrophe inside a word belongs to it: the ethnic names "M'Nông", "H'Mông".
      const char32_t w = is_apostrophe(c) ? U'\'' : c;
      Token& t = joins && toks.back().kind == Kind::Word ? toks.back() : start(Kind::Word);
      t.cps += w;
    } else {
      Token& t = start(Kind::Symbol);
      t.sym = c;
      append_utf8(t.text, c);
    }
  }
  for (Token& t : toks) {
    if (t.kind != Kind::Word) continue;
    bool has_upper = false, has_lower = false;
    for (char32_t c : t.cps) {
      append_utf8(t.text, c);
      append_utf8(t.lower, static_cast<char32_t>(u_tolower(static_cast<UChar32>(c))));
      has_upper = has_upper || u_isUUppercase(static_cast<UChar32>(c));
      has_lower = has_lower || u_isULowercase(static_cast<UChar32>(c));
    }
    t.upper = has_upper && !has_lower;
  }
  return toks;
}

// ---- Words ------------------------------------------------------------------------------

// Whether an all-capitals word reads as one Vietnamese syllable (onset, one to three
// vowels, final), so "TIN", "ĐẢNG", "NGHIÊNG" stay words and "ABC", "VTV" are spelled.
bool vietnamese_syllable(const std::u32string& word) {
  std::string base;  // lowercase letters without diacritics, 'D' for đ
  for (char32_t c : normalized(word, false)) {
    if (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_M_MASK) continue;
    const auto l = static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
    if (l == 0x111) base += 'D';
    else if (l >= U'a' && l <= U'z') base += static_cast<char>(l);
    else return false;
  }
  static constexpr std::array<std::string_view, 28> kOnsets = {
      "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d",
      "D",   "g",  "h",  "k",  "l",  "m",  "n",  "p",  "r",  "s",  "t",  "v", "x", ""};
  static constexpr std::array<std::string_view, 9> kFinals = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"};
  auto vowel = [](char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; };
  const std::string_view b = base;
  for (std::string_view onset : kOnsets) {
    if (b.substr(0, onset.size()) != onset) continue;
    std::size_t k = onset.size(), vowels = 0;
    while (k < b.size() && vowel(b[k])) ++k, ++vowels;
    if (vowels == 0 || vowels > 3) continue;
    for (std::string_view final : kFinals)
      if (b.substr(k) == final) return true;
  }
  return false;
}

// The Vietnamese name of a capital letter as said in acronyms, or empty.
std::string_view letter_name(char32_t c) {
  switch (c) {
    case U'A': return "a";
    case 0x102: return "á";
    case 0xC2: return "ớ";
    case U'B': return "bê";
    case U'C': return "xê";
    case U'D': return "dê";
    case 0x110: return "đê";
    case U'E': return "e";
    case 0xCA: return "ê";
    case U'F': return "ép";
    case U'G': return "giê";
    case U'H': return "hát";
    case U'I': return "i";
    case U'J': return "gi";
    case U'K': return "ca";
    case U'L': return "e lờ";
    case U'M': return "em";
    case U'N': return "en";
    case U'O': return "o";
    case 0xD4: return "ô";
    case 0x1A0: return "ơ";
    case U'P': return "pê";
    case U'Q': return "quy";
    case U'R': return "e rờ";
    case U'S': return "ét";
    case U'T': return "tê";
    case U'U': return "u";
    case 0x1AF: return "ư";
    case U'V': return "vê";
    case U'W': return "vê kép";
    case U'X': return "ích";
    case U'Y': return "i dài";
    case U'Z': return "dét";
    default: return {};
  }
}

// Letter names of a word, or empty when a letter has none.
std::string spelled(const std::u32string& word) {
  std::string out;
  for (char32_t c : word) {
    const std::string_view name = letter_name(c);
    if (name.empty()) return {};
    if (!out.empty()) out += ' ';
    out += name;
  }
  return out;
}

// The value of a canonical Roman numeral (1..3999), 0 otherwise.
int roman_value(std::string_view s) {
  if (s.empty() || s.size() > 15) return 0;
  auto digit = [](char c) {
    switch (c) {
      case 'I': return 1;
      case 'V': return 5;
      case 'X': return 10;
      case 'L': return 50;
      case 'C': return 100;
      case 'D': return 500;
      case 'M': return 1000;
      default: return 0;
    }
  };
  int v = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const int d = digit(s[i]);
    if (d == 0) return 0;
    const int next = i + 1 < s.size() ? digit(s[i + 1]) : 0;
    v += d < next ? -d : d;
  }
  if (v <= 0 || v > 3999) return 0;
  // Only the canonical spelling counts ("IIII", "VX" are no numerals).
  static constexpr std::array<std::pair<int, std::string_view>, 13> kParts = {{{1000, "M"}, {900, "CM"}, {500, "D"},
      {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}}};
  std::string canonical;
  int rest = v;
  for (const auto& [value, text] : kParts)
    while (rest >= value) canonical += text, rest -= value;
  return canonical == s ? v : 0;
}

// ---- Readings ---------------------------------------------------------------------------

// A short digit string as an int (at most 18 digits).
std::int64_t to_int(std::string_view digits) {
  std::int64_t v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

// A run of digits as a whole number: "05" is "năm"; longer runs starting with 0 and runs
// too long for a number are codes, read digit by digit.
std::string integer_reading(std::string_view digits) {
  if (digits.size() > 18 || (digits.size() > 2 && digits[0] == '0')) return vietnamese_digits(digits);
  return vietnamese_number(to_int(digits));
}

std::string fraction_reading(std::string_view digits) {
  if (digits[0] == '0' || digits.size() > 3) return vietnamese_digits(digits);
  return vietnamese_number(to_int(digits));
}

// "thứ nhất", "thứ tư" (the Sino-Vietnamese ordinals); the others are the numbers.
std::string ordinal(std::int64_t v) {
  if (v == 1) return "nhất";
  if (v == 4) return "tư";
  return vietnamese_number(v);
}

std::string month_name(std::int64_t m) { return m == 4 ? "tư" : vietnamese_number(m); }

bool valid_date(std::int64_t day, std::int64_t month, std::int64_t year) {
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  if (month == 2 && year >= 0) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= (leap ? 29 : 28);
  }
  return day <= kDays[static_cast<std::size_t>(month - 1)];
}

// Units said after a number, by their exact spelling.
std::string_view unit_reading(std::string_view u) {
  static const std::map<std::string_view, std::string_view, std::less<>> kUnits = {
      {"km", "ki lô mét"}, {"Km", "ki lô mét"}, {"KM", "ki lô mét"}, {"m", "mét"}, {"cm", "xen ti mét"},
      {"mm", "mi li mét"}, {"ha", "héc ta"}, {"kg", "ki lô gam"}, {"Kg", "ki lô gam"}, {"KG", "ki lô gam"},
      {"g", "gam"}, {"mg", "mi li gam"}, {"l", "lít"}, {"ml", "mi li lít"}, {"kW", "ki lô oát"},
      {"kWh", "ki lô oát giờ"}, {"MW", "mê ga oát"}, {"oC", "độ xê"}, {"đ", "đồng"}, {"đồng", "đồng"},
      {"VNĐ", "đồng"}, {"VND", "đồng"}, {"vnđ", "đồng"}, {"vnd", "đồng"}, {"USD", "đô la Mỹ"}};
  const auto it = kUnits.find(u);
  return it == kUnits.end() ? std::string_view{} : it->second;
}

// Units after a '/' ("km/h", "đồng/kg"): the units above and the time units.
std::string_view per_unit_reading(std::string_view u) {
  if (u == "h") return "giờ";
  if (u == "s") return "giây";
  return unit_reading(u);
}

// ---- Output -----------------------------------------------------------------------------

// Words with the pause after each; the stronger pause wins when several meet.
class Speech {
 public:
  void word(std::string_view w) {
    if (!w.empty()) items_.push_back({std::string(w), 0});
  }
  void pause(char p) {
    if (items_.empty()) return;  // no pause before the first word
    char& current = items_.back().pause;
    if (current == 0 || (current == ',' && p != ',')) current = p;
  }
  // A line without final punctuation ends a sentence.
  void line_break() {
    if (!items_.empty() && items_.back().pause == 0) items_.back().pause = '.';
  }
  std::string text() const {
    std::string out;
    for (const Item& item : items_) {
      if (!out.empty()) out += ' ';
      out += item.text;
      if (item.pause != 0) out += item.pause;
    }
    return out;
  }

 private:
  struct Item {
    std::string text;
    char pause;
  };
  std::vector<Item> items_;
};

using Dictionary = std::map<std::string, std::string, std::less<>>;

// ---- The reader -------------------------------------------------------------------------

class Reader {
 public:
  Reader(std::vector<Token> toks, const Dictionary& extra, const Dictionary& base)
      : toks_(std::move(toks)), extra_(extra), base_(base) {}

  std::string run() {
    for (std::size_t i = 0; i < toks_.size();) {
      if (toks_[i].line_before) out_.line_break();
      const std::size_t next = step(i);
      i = next > i ? next : i + 1;
    }
    return out_.text();
  }

 private:
  static constexpr std::size_t kMaxKeyTokens = 9;  // "SARS-CoV-2" is five tokens

  bool has(std::size_t i) const { return i < toks_.size(); }
  bool is_digits(std::size_t i) const { return has(i) && toks_[i].kind == Kind::Digits; }
  bool is_word(std::size_t i) const { return has(i) && toks_[i].kind == Kind::Word; }
  bool is_sym(std::size_t i, char32_t c) const { return has(i) && toks_[i].kind == Kind::Symbol && toks_[i].sym == c; }
  bool is_dash(std::size_t i) const {
    return is_sym(i, U'-') || is_sym(i, 0x2013) || is_sym(i, 0x2014) || is_sym(i, 0x2212);
  }
  // Token i touches the token before it.
  bool joined(std::size_t i) const { return has(i) && !toks_[i].space_before; }
  bool same_line(std::size_t i) const { return has(i) && !toks_[i].line_before; }
  bool alnum(std::size_t i) const { return has(i) && toks_[i].kind != Kind::Symbol; }
  bool word_is(std::size_t i, std::string_view exact) const { return is_word(i) && toks_[i].text == exact; }
  bool lower_is(std::size_t i, std::string_view w) const { return is_word(i) && toks_[i].lower == w; }
  // Digits touching the token before them ("5" in "26/5").
  bool joined_digits(std::size_t i, std::size_t max_len = 99) const {
    return is_digits(i) && joined(i) && toks_[i].text.size() <= max_len;
  }

  // The lowercase word `back` tokens before token i on the same line, or "".
  std::string_view word_before(std::size_t i, std::size_t back = 1) const {
    if (i < back || !has(i)) return {};
    for (std::size_t k = i - back + 1; k <= i; ++k)
      if (toks_[k].line_before) return {};
    const Token& t = toks_[i - back];
    return t.kind == Kind::Word ? std::string_view(t.lower) : std::string_view{};
  }

  std::size_t step(std::size_t i) {
    if (const std::size_t end = abbreviation(i)) return end;
    switch (toks_[i].kind) {
      case Kind::Digits: return number_phrase(i, false);
      case Kind::Word: return word(i);
      case Kind::Symbol: return symbol(i);
    }
    return i + 1;
  }

  // The longest dictionary key made of whole tokens touching each other from token i.
  std::size_t abbreviation(std::size_t i) {
    if (i > 0 && joined(i) && alnum(i - 1) && alnum(i)) return 0;  // starts inside a word
    std::string key;
    std::size_t best = 0;
    const std::string* reading = nullptr;
    for (std::size_t k = i; k < toks_.size() && k < i + kMaxKeyTokens; ++k) {
      if (k > i && !joined(k)) break;
      key += toks_[k].text;
      if (joined(k + 1) && alnum(k) && alnum(k + 1)) continue;  // would end inside a word
      const std::string* found = nullptr;
      if (const auto it = extra_.find(key); it != extra_.end()) found = &it->second;
      else if (const auto b = base_.find(key); b != base_.end()) found = &b->second;
      if (found == nullptr) continue;
      reading = found;
      best = k + 1;
    }
    if (best == 0) return 0;
    out_.word(*reading);
    // "... của TP." at the end of a line: the dot also ended the sentence.
    if (toks_[best - 1].sym == U'.' && (!has(best) || toks_[best].line_before)) out_.pause('.');
    return best;
  }

  // ---- numbers

  std::size_t number_phrase(std::size_t i, bool negative) {
    // The later parts of a document number or of an impossible date ("31/2/2020") are
    // numbers, not a new date.
    const bool after_slash = i > 0 && joined(i) && is_sym(i - 1, U'/');
    if (!negative && !after_slash) {
      if (std::size_t end = phone(i)) return end;
      if (std::size_t end = service_number(i)) return end;
      if (std::size_t end = date(i)) return follow(end);
      if (std::size_t end = month_year(i)) return follow(end);
      if (std::size_t end = clock_time(i)) return follow(end);
    }
    return follow(amount(i, negative));
  }

  // After a number: a range "5-7" "năm đến bảy", a sum "5 + 3", a ratio "15/2020".
  std::size_t follow(std::size_t j) {
    if (!same_line(j)) return j;
    // Spaced alike both sides: "5-7", "5 - 7"; "20 -5" is twenty, then minus five.
    if (is_dash(j) && is_digits(j + 1) && same_line(j + 1) && toks_[j].space_before == toks_[j + 1].space_before) {
      out_.word("đến");
      return j + 1;
    }
    if (is_sym(j, U'+') && is_digits(j + 1) && same_line(j + 1)) {
      out_.word("cộng");
      return j + 1;
    }
    if (is_sym(j, U'/') && joined(j) && joined_digits(j + 1)) {
      out_.word("trên");
      return j + 1;
    }
    return j;
  }

  // Digit groups from token `first` joined by a touching '.' or '-', or by spaces (groups of
  // two digits or more): the digits so far and the end after each group.
  std::vector<std::pair<std::string, std::size_t>> digit_groups(std::size_t first, std::size_t max_digits) const {
    std::vector<std::pair<std::string, std::size_t>> groups;
    std::string all = toks_[first].text;
    std::size_t end = first + 1;
    groups.emplace_back(all, end);
    while (all.size() < max_digits) {
      std::size_t g = 0;
      if ((is_sym(end, U'.') || is_sym(end, U'-')) && joined(end) && joined_digits(end + 1)) g = end + 1;
      else if (is_digits(end) && same_line(end) && toks_[end].text.size() >= 2) g = end;
      else break;
      all += toks_[g].text;
      end = g + 1;
      groups.emplace_back(all, end);
    }
    return groups;
  }

  // 0 and 9-10 more digits, or +84 and 8-10 more: digit by digit.
  std::size_t phone(std::size_t i) {
    const bool plus = is_sym(i, U'+');
    const std::size_t first = plus ? i + 1 : i;
    if (!is_digits(first) || (plus && !joined(first))) return 0;
    const std::string& head = toks_[first].text;
    if (plus ? head.rfind("84", 0) != 0 : head[0] != '0') return 0;
    std::size_t best = 0;
    std::string digits;
    for (const auto& [all, end] : digit_groups(first, 12)) {
      if (plus ? all.size() >= 10 && all.size() <= 12 : all.size() == 10 || all.size() == 11) best = end, digits = all;
    }
    if (best == 0) return 0;
    out_.word((plus ? "cộng " : "") + vietnamese_digits(digits));
    return best;
  }

  // Hotlines: 1800/1900 numbers anywhere; numbers after "gọi", "hotline", "đường dây nóng",
  // "tổng đài"; the emergency numbers 111-119 after "số" too. Digit by digit.
  std::size_t service_number(std::size_t i) {
    const std::string& d = toks_[i].text;
    if (d.rfind("1800", 0) == 0 || d.rfind("1900", 0) == 0) {
      std::size_t best = 0;
      std::string digits;
      for (const auto& [all, end] : digit_groups(i, 10))
        if (all.size() == 8 || all.size() == 10) best = end, digits = all;
      if (best != 0) {
        out_.word(vietnamese_digits(digits));
        return best;
      }
    }
    if (d.size() < 3 || d.size() > 6) return 0;
    if ((is_sym(i + 1, U'.') || is_sym(i + 1, U',')) && joined(i + 1) && joined_digits(i + 2)) return 0;  // 1.000
    const std::string_view w = word_before(i), w2 = word_before(i, 2);
    const bool hotline = w == "gọi" || w == "hotline" || (w == "nóng" && w2 == "dây") || (w == "đài" && w2 == "tổng");
    const bool emergency = w == "số" && d.size() == 3 && d[0] == '1' && d[1] == '1' && d[2] != '0';
    if (!hotline && !emergency) return 0;
    out_.word(vietnamese_digits(d));
    return i + 1;
  }

  // Another separator and digits touching the end: a version or document number, no date.
  bool continues(std::size_t end) const {
    return (is_sym(end, U'/') || is_sym(end, U'-') || is_sym(end, U'.')) && joined(end) &&
           (is_sym(end, U'/') || joined_digits(end + 1));
  }

  std::size_t date(std::size_t i) {
    const std::size_t s = i + 1;
    if (toks_[i].text.size() > 2 || !joined(s) || !joined_digits(s + 1, 2)) return 0;
    if (!is_sym(s, U'/') && !is_sym(s, U'-') && !is_sym(s, U'.')) return 0;
    const char32_t sep = toks_[s].sym;
    const std::int64_t day = to_int(toks_[i].text), month = to_int(toks_[s + 1].text);
    std::int64_t year = -1;
    std::size_t end = s + 2;
    if (is_sym(end, sep) && joined(end) && joined_digits(end + 1)) {
      if (toks_[end + 1].text.size() != 4) return 0;
      year = to_int(toks_[end + 1].text);
      end += 2;
    }
    if (continues(end)) return 0;
    const bool after_ngay = word_before(i) == "ngày";
    if (year < 0 && sep != U'/' && !after_ngay) return 0;  // "5-7" is a range, "1.5" a number
    if (!valid_date(day, month, year)) return 0;
    std::string r = after_ngay ? "" : "ngày ";
    if (day <= 10) r += "mùng ";
    r += vietnamese_number(day) + " tháng " + month_name(month);
    if (year >= 0) r += " năm " + vietnamese_number(year);
    out_.word(r);
    return end;
  }

  // "11/2011" -> "tháng mười một năm hai nghìn không trăm mười một"; "quý 3/2024".
  std::size_t month_year(std::size_t i) {
    const std::string_view before = word_before(i);
    const std::size_t s = i + 1;
    const bool sep = is_sym(s, U'/') || (before == "tháng" && is_sym(s, U'-'));
    if (toks_[i].text.size() > 2 || !sep || !joined(s) || !joined_digits(s + 1, 4)) return 0;
    if (toks_[s + 1].text.size() != 4 || continues(s + 2) || before == "số") return 0;
    const std::int64_t month = to_int(toks_[i].text);
    const std::string year = " năm " + vietnamese_number(to_int(toks_[s + 1].text));
    if (before == "quý" && month >= 1 && month <= 4) out_.word(vietnamese_number(month) + year);
    else if (month < 1 || month > 12) return 0;
    else if (before == "tháng") out_.word(month_name(month) + year);
    else out_.word("tháng " + month_name(month) + year);
    return s + 2;
  }

  // 5:30, 05:30, 23:59:10, 5h30, 5g30, 17h.
  std::size_t clock_time(std::size_t i) {
    if (toks_[i].text.size() > 2) return 0;
    const std::int64_t hour = to_int(toks_[i].text);
    if (hour > 24) return 0;
    std::int64_t minute = -1, second = -1;
    std::size_t end = 0;
    auto two_digits_below_60 = [&](std::size_t k) {
      return joined_digits(k, 2) && toks_[k].text.size() == 2 && to_int(toks_[k].text) < 60;
    };
    if (is_sym(i + 1, U':') && joined(i + 1) && two_digits_below_60(i + 2)) {
      minute = to_int(toks_[i + 2].text);
      end = i + 3;
      if (is_sym(end, U':') && joined(end) && two_digits_below_60(end + 1)) {
        second = to_int(toks_[end + 1].text);
        end += 2;
      }
    } else if (is_word(i + 1) && joined(i + 1) &&
               (word_is(i + 1, "h") || word_is(i + 1, "H") || word_is(i + 1, "g") || word_is(i + 1, "G"))) {
      end = i + 2;
      if (joined_digits(end, 2) && to_int(toks_[end].text) < 60) {
        minute = to_int(toks_[end].text);
        ++end;
        if (word_is(end, "p") && joined(end)) ++end;  // "5h30p"
      } else if (toks_[i + 1].lower == "g") {
        return 0;  // "5g" is five grams
      }
    } else {
      return 0;
    }
    std::string r = vietnamese_number(hour) + " giờ";
    if (minute > 0 || (minute == 0 && second > 0)) r += " " + vietnamese_number(minute) + " phút";
    if (second > 0) r += " " + vietnamese_number(second) + " giây";
    out_.word(r);
    return end;
  }

  struct Number {
    std::string reading;
    std::size_t end = 0;
    bool plain = false;  // one run of at most 18 digits, no separator
    std::int64_t value = 0;
  };

  Number read_number(std::size_t i) const {
    Number n;
    std::string whole = toks_[i].text;
    std::size_t j = i + 1;
    bool grouped = false;
    if (whole.size() <= 3 && whole[0] != '0') {
      while (is_sym(j, U'.') && joined(j) && joined_digits(j + 1, 3) && toks_[j + 1].text.size() == 3 &&
             whole.size() < 18) {
        whole += toks_[j + 1].text;
        j += 2;
        grouped = true;
      }
    }
    n.reading = integer_reading(whole);
    n.plain = !grouped && whole.size() <= 18;
    if (whole.size() <= 18) n.value = to_int(whole);
    if ((is_sym(j, U',') || is_sym(j, U'.')) && joined(j) && joined_digits(j + 1)) {
      n.reading += is_sym(j, U',') ? " phẩy " : " chấm ";
      n.reading += fraction_reading(toks_[j + 1].text);
      n.plain = false;
      j += 2;
    }
    n.end = j;
    return n;
  }

  // A number with what is said with it: its context word before, "%", a unit, a currency.
  std::size_t amount(std::size_t i, bool negative) {
    const Number n = read_number(i);
    std::string r = n.reading;
    if (negative) {
      r = "âm " + r;
    } else if (n.plain) {
      const std::string_view before = word_before(i);
      if (before == "thứ") r = ordinal(n.value);
      else if (before == "tháng" && n.value >= 1 && n.value <= 12) r = month_name(n.value);
      else if (before == "ngày" && n.value >= 1 && n.value <= 10 && lower_is(n.end, "tháng")) r = "mùng " + r;
    }
    out_.word(r);
    return suffix(n.end);
  }

  std::size_t suffix(std::size_t k) {
    bool scaled = false;  // "2 triệu đồng": the currency after the scale word
    while (same_line(k) && (lower_is(k, "nghìn") || lower_is(k, "ngàn") || lower_is(k, "triệu") ||
                            lower_is(k, "tỷ") || lower_is(k, "tỉ"))) {
      out_.word(toks_[k].text);
      ++k;
      scaled = true;
    }
    if (!same_line(k)) return k;
    if (const std::size_t end = unit(k)) return end;
    if (!scaled && is_sym(k, U'%')) {
      out_.word("phần trăm");
      return k + 1;
    }
    return k;
  }

  std::size_t unit(std::size_t k) {
    const Token& t = toks_[k];
    if (t.kind == Kind::Symbol && (t.sym == 0xB0 || t.sym == 0xBA)) {  // ° º
      if (word_is(k + 1, "C") && joined(k + 1)) return out_.word("độ xê"), k + 2;
      if (word_is(k + 1, "F") && joined(k + 1)) return out_.word("độ ép"), k + 2;
      return out_.word("độ"), k + 1;
    }
    if (t.kind != Kind::Word) return 0;
    if (t.lower == "độ" && word_is(k + 1, "C") && same_line(k + 1)) return out_.word("độ xê"), k + 2;
    if (t.text == "m" || t.text == "km") {
      const std::string_view base = t.text == "m" ? "mét" : "ki lô mét";
      const bool two = (is_digits(k + 1) && toks_[k + 1].text == "2") || is_sym(k + 1, 0xB2);
      const bool three = (is_digits(k + 1) && toks_[k + 1].text == "3") || is_sym(k + 1, 0xB3);
      if ((two || three) && joined(k + 1)) {
        out_.word(std::string(base) + (two ? " vuông" : " khối"));
        return k + 2;
      }
    }
    const std::string_view reading = unit_reading(t.text);
    if (reading.empty()) return 0;
    out_.word(reading);
    // "km/h" "ki lô mét trên giờ"; "đồng/người" "đồng một người".
    if (is_sym(k + 1, U'/') && joined(k + 1) && is_word(k + 2) && joined(k + 2)) {
      const std::string_view per = per_unit_reading(toks_[k + 2].text);
      // A price per unit is said "đồng một ki lô gam", a rate "ki lô mét trên giờ".
      const bool price = reading == "đồng" || reading.starts_with("đô la");
      if (!per.empty()) return out_.word((price ? "một " : "trên ") + std::string(per)), k + 3;
      if (toks_[k + 2].text == toks_[k + 2].lower) return out_.word("một " + toks_[k + 2].text), k + 3;
    }
    return k + 1;
  }

  // ---- words and symbols

  // The words that number a Roman numeral after them: "khóa XIII", "thế kỷ XXI".
  bool roman_context(std::size_t i) const {
    const std::string_view w = word_before(i), w2 = word_before(i, 2);
    static constexpr std::array<std::string_view, 17> kWords = {"khóa", "khoá", "kỳ", "kì", "quý", "phần",
        "chương", "lần", "mục", "điều", "tập", "thứ", "hạng", "loại", "vùng", "đợt", "đoạn"};
    for (std::string_view k : kWords)
      if (w == k) return true;
    return (w == "hội" && w2 == "đại") || ((w == "kỷ" || w == "kỉ") && w2 == "thế");
  }

  std::size_t word(std::size_t i) {
    const Token& t = toks_[i];
    if (const int v = roman_value(t.text)) {
      if (!roman_context(i)) return out_.word(t.text), i + 1;
      out_.word(word_before(i) == "thứ" ? ordinal(v) : vietnamese_number(v));
      // "quý I/2024" "quý một năm hai nghìn không trăm hai mươi tư"
      if (is_sym(i + 1, U'/') && joined(i + 1) && joined_digits(i + 2, 4) && toks_[i + 2].text.size() == 4) {
        out_.word("năm " + vietnamese_number(to_int(toks_[i + 2].text)));
        return i + 3;
      }
      return i + 1;
    }
    if (t.upper) {
      const bool by_digits = (i > 0 && joined(i) && is_digits(i - 1)) || (joined_digits(i + 1));
      if (t.cps.size() >= 2 ? !vietnamese_syllable(t.cps) : by_digits) {
        const std::string letters = spelled(t.cps);
        if (!letters.empty()) return out_.word(letters), i + 1;
      }
    }
    out_.word(t.text);
    return i + 1;
  }

  std::size_t symbol(std::size_t i) {
    const Token& t = toks_[i];
    switch (t.sym) {
      case U'+':
        if (const std::size_t end = phone(i)) return end;
        return i + 1;
      case U'-':
      case 0x2212:
        // "-5°C": a minus touching the digits and not the word before.
        if (t.space_before && joined_digits(i + 1)) return number_phrase(i + 1, true);
        [[fallthrough]];
      case 0x2013:
      case 0x2014:
        // A dash with spaces both sides separates phrases; a bullet or a hyphen is silent.
        if (t.space_before && !t.line_before && i > 0 && has(i + 1) && toks_[i + 1].space_before &&
            same_line(i + 1))
          out_.pause(',');
        return i + 1;
      case U'.': {
        std::size_t k = i + 1;
        while (is_sym(k, U'.') && joined(k)) ++k;
        out_.pause(k - i >= 2 ? ',' : '.');  // "..." is a hesitation, not a full stop
        return k;
      }
      case 0x2026:  // …
      case U',':
      case U';':
      case U':':
      case U'(':
      case U')':
      case U'[':
      case U']':
      case U'{':
      case U'}':
        out_.pause(',');
        return i + 1;
      case U'?':
      case U'!':
        out_.pause(static_cast<char>(t.sym));
        return i + 1;
      case U'&': return out_.word("và"), i + 1;
      case U'@': return out_.word("a còng"), i + 1;
      case U'=': return out_.word("bằng"), i + 1;
      case U'%': return out_.word("phần trăm"), i + 1;
      default:
        return i + 1;  // quotes, bullets, emoji, other symbols: silent
    }
  }

  std::vector<Token> toks_;
  const Dictionary& extra_;
  const Dictionary& base_;
  Speech out_;
};

std::string to_utf8(const std::u32string& s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) append_utf8(out, c);
  return out;
}

std::string normalize(std::string_view text, const Dictionary& extra) {
  const Dictionary& base = default_vietnamese_abbreviations().words;
  return Reader(tokenize(normalized(decode_utf8(text), true)), extra, base).run();
}

}  // namespace

std::string normalize_vietnamese(std::string_view utf8_text, const SpeechDictionary& extra) {
  try {
    // A station's keys in NFC like the text; its readings normalised with the built-in
    // dictionary, so a reading with digits ("Quốc lộ 1A") is spoken too.
    Dictionary own;
    for (const auto& [key, reading] : extra.words) {
      std::string k = to_utf8(normalized(decode_utf8(key), true));
      if (!k.empty()) own[std::move(k)] = normalize(reading, {});
    }
    return normalize(utf8_text, own);
  } catch (const std::exception&) {
    return {};  // memory exhausted: nothing better to say
  }
}

}  // namespace onair

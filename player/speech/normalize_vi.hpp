#pragma once
// Vietnamese bulletin text made speakable before espeak-ng's "vi" voice reads it: digits,
// dates, times, money, units, phone numbers, Roman numerals, symbols and abbreviations
// become the words a human newsreader would say (Northern standard). espeak-ng on its own
// reads "UBND" as English letters and "26/11/2011" digit group by digit group.
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace onair {

// Abbreviation as written (case-sensitive, may end in '.': "TP.", "GS.") -> its reading.
// A key matches whole tokens only: "VN" never matches inside "VNĐ".
struct SpeechDictionary {
  std::map<std::string, std::string, std::less<>> words;
};

// The built-in administrative and news abbreviations (abbreviations_vi.cpp).
const SpeechDictionary& default_vietnamese_abbreviations();

// The text as one NFC line of words and the pause punctuation , . ? ! (attached to the word
// before, single spaces, no leading or trailing space). `extra` (a station's own words) adds
// to and overrides the built-in dictionary. Any bytes are accepted: invalid UTF-8 becomes a
// space. Never throws (on memory exhaustion the result is empty).
std::string normalize_vietnamese(std::string_view utf8_text, const SpeechDictionary& extra = {});

// Bumped whenever the output for some input changes: the speech cache keys on it.
inline constexpr int kVietnameseNormalizerVersion = 2;  // 2: prices per unit "đồng một ki lô gam"

}  // namespace onair

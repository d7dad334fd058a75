#pragma once
// Numbers read aloud in Vietnamese (Northern standard), for the speech normaliser.
#include <cstdint>
#include <string>
#include <string_view>

namespace onair {

// 2005 -> "hai nghìn không trăm linh năm", -3 -> "âm ba". Groups of thousands are "nghìn",
// "triệu", "tỷ" (then "nghìn tỷ", "triệu tỷ", "tỷ tỷ"). A group of zeros is skipped, and the
// next group after a higher one reads its hundreds in full: 1.000.005 -> "một triệu không
// trăm linh năm" (the common reading, not "... không nghìn ...").
std::string vietnamese_number(std::int64_t n);

// Digit by digit, for phone numbers and codes: "0912" -> "không chín một hai". Characters
// other than ASCII digits are skipped.
std::string vietnamese_digits(std::string_view digits);

}  // namespace onair

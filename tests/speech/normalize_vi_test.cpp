// Golden readings of the Vietnamese speech normaliser: what a newsreader would say for
// numbers, dates, times, money, units, ordinals, phone numbers, Roman numerals and
// abbreviations; then robustness (NFD, invalid UTF-8, random bytes) and speed.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

#include "player/speech/normalize_vi.hpp"
#include "player/speech/vietnamese_number.hpp"

using namespace onair;

namespace {

struct Golden {
  const char* input;
  const char* expected;
};

void PrintTo(const Golden& g, std::ostream* os) { *os << '"' << g.input << '"'; }

// Whether `s` is valid UTF-8 (strict: no overlongs, no surrogates).
bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    std::uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    const std::uint32_t min = len == 1 ? 0 : len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// The output contract: one line, single spaces, no space at either end, no digit, and
// punctuation only , . ? ! right after a word.
void expect_speakable(const std::string& out) {
  EXPECT_TRUE(valid_utf8(out)) << out;
  EXPECT_EQ(out.find('\n'), std::string::npos) << out;
  EXPECT_EQ(out.find('\r'), std::string::npos) << out;
  EXPECT_EQ(out.find('\t'), std::string::npos) << out;
  EXPECT_EQ(out.find("  "), std::string::npos) << out;
  if (!out.empty()) {
    EXPECT_NE(out.front(), ' ') << out;
    EXPECT_NE(out.back(), ' ') << out;
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(out[i]);
    EXPECT_FALSE(c >= '0' && c <= '9') << out;
    if (c == ',' || c == '.' || c == '?' || c == '!') {
      EXPECT_GT(i, 0u) << out;
      if (i > 0) {
        EXPECT_NE(out[i - 1], ' ') << out;
      }
      if (i + 1 < out.size()) {
        EXPECT_EQ(out[i + 1], ' ') << out;
      }
    }
  }
}

// ---- Numbers on their own

TEST(VietnameseNumber, ReadsTheTrickyNumbers) {
  EXPECT_EQ(vietnamese_number(0), "không");
  EXPECT_EQ(vietnamese_number(1), "một");
  EXPECT_EQ(vietnamese_number(4), "bốn");
  EXPECT_EQ(vietnamese_number(5), "năm");
  EXPECT_EQ(vietnamese_number(10), "mười");
  EXPECT_EQ(vietnamese_number(11), "mười một");
  EXPECT_EQ(vietnamese_number(14), "mười bốn");
  EXPECT_EQ(vietnamese_number(15), "mười lăm");
  EXPECT_EQ(vietnamese_number(20), "hai mươi");
  EXPECT_EQ(vietnamese_number(21), "hai mươi mốt");
  EXPECT_EQ(vietnamese_number(24), "hai mươi tư");
  EXPECT_EQ(vietnamese_number(25), "hai mươi lăm");
  EXPECT_EQ(vietnamese_number(30), "ba mươi");
  EXPECT_EQ(vietnamese_number(100), "một trăm");
  EXPECT_EQ(vietnamese_number(101), "một trăm linh một");
  EXPECT_EQ(vietnamese_number(104), "một trăm linh bốn");
  EXPECT_EQ(vietnamese_number(105), "một trăm linh năm");
  EXPECT_EQ(vietnamese_number(110), "một trăm mười");
  EXPECT_EQ(vietnamese_number(115), "một trăm mười lăm");
  EXPECT_EQ(vietnamese_number(1000), "một nghìn");
  EXPECT_EQ(vietnamese_number(1001), "một nghìn không trăm linh một");
  EXPECT_EQ(vietnamese_number(1010), "một nghìn không trăm mười");
  EXPECT_EQ(vietnamese_number(2005), "hai nghìn không trăm linh năm");
  EXPECT_EQ(vietnamese_number(10000), "mười nghìn");
  EXPECT_EQ(vietnamese_number(1000000), "một triệu");
  EXPECT_EQ(vietnamese_number(1000005), "một triệu không trăm linh năm");
  EXPECT_EQ(vietnamese_number(1005000), "một triệu không trăm linh năm nghìn");
  EXPECT_EQ(vietnamese_number(2000050000), "hai tỷ không trăm năm mươi nghìn");
  EXPECT_EQ(vietnamese_number(5000000000000), "năm nghìn tỷ");
  EXPECT_EQ(vietnamese_number(-12), "âm mười hai");
}

TEST(VietnameseNumber, ExtremesDoNotOverflow) {
  // 9.223.372.036.854.775.807: the part above a billion is itself read with "tỷ".
  const std::string max =
      "chín tỷ hai trăm hai mươi ba triệu ba trăm bảy mươi hai nghìn không trăm ba mươi sáu tỷ "
      "tám trăm năm mươi tư triệu bảy trăm bảy mươi lăm nghìn tám trăm linh ";
  EXPECT_EQ(vietnamese_number(INT64_MAX), max + "bảy");
  EXPECT_EQ(vietnamese_number(INT64_MIN), "âm " + max + "tám");
}

TEST(VietnameseNumber, DigitsOneByOne) {
  EXPECT_EQ(vietnamese_digits("0912"), "không chín một hai");
  EXPECT_EQ(vietnamese_digits("0 9-1"), "không chín một");
  EXPECT_EQ(vietnamese_digits(""), "");
}

// ---- Golden phrases

class Normalize : public testing::TestWithParam<Golden> {};

TEST_P(Normalize, ReadsAsANewsreaderWould) {
  const std::string out = normalize_vietnamese(GetParam().input);
  EXPECT_EQ(out, GetParam().expected);
  expect_speakable(out);
}

const Golden kNumbers[] = {
    {"1 người", "một người"},
    {"Có 4 hộ", "Có bốn hộ"},
    {"15 xã", "mười lăm xã"},
    {"21 thôn, 24 tổ và 25 đội", "hai mươi mốt thôn, hai mươi tư tổ và hai mươi lăm đội"},
    {"105 hộ nghèo", "một trăm linh năm hộ nghèo"},
    {"1001 đêm", "một nghìn không trăm linh một đêm"},
    {"12.500 người", "mười hai nghìn năm trăm người"},
    {"1.234.567", "một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy"},
    {"10.000 cây", "mười nghìn cây"},
    {"1.000.000", "một triệu"},
    {"1.000.005", "một triệu không trăm linh năm"},
    {"năm 2024", "năm hai nghìn không trăm hai mươi tư"},
    {"05 người", "năm người"},
    {"mã 0123", "mã không một hai ba"},
    {"nhiệt độ -2 độ", "nhiệt độ âm hai độ"},
    {"3,5", "ba phẩy năm"},
    {"2,05", "hai phẩy không năm"},
    {"3,14", "ba phẩy mười bốn"},
    {"công nghiệp 4.0", "công nghiệp bốn chấm không"},
    {"45%", "bốn mươi lăm phần trăm"},
    {"tăng 3,5 %", "tăng ba phẩy năm phần trăm"},
    {"5 + 3 = 8", "năm cộng ba bằng tám"},
};
INSTANTIATE_TEST_SUITE_P(Numbers, Normalize, testing::ValuesIn(kNumbers));

const Golden kDates[] = {
    {"26/11/2011", "ngày hai mươi sáu tháng mười một năm hai nghìn không trăm mười một"},
    {"26-11-2011", "ngày hai mươi sáu tháng mười một năm hai nghìn không trăm mười một"},
    {"26.11.2011", "ngày hai mươi sáu tháng mười một năm hai nghìn không trăm mười một"},
    {"Ngày 26/11/2011", "Ngày hai mươi sáu tháng mười một năm hai nghìn không trăm mười một"},
    {"ngày 26/11", "ngày hai mươi sáu tháng mười một"},
    {"ngày 5/3", "ngày mùng năm tháng ba"},
    {"sáng 5/3", "sáng ngày mùng năm tháng ba"},
    {"ngày 1.4", "ngày mùng một tháng tư"},
    {"ngày 10 tháng 4", "ngày mùng mười tháng tư"},
    {"tháng 1", "tháng một"},
    {"tháng 11/2011", "tháng mười một năm hai nghìn không trăm mười một"},
    {"trong 11/2011", "trong tháng mười một năm hai nghìn không trăm mười một"},
    {"29/2/2024", "ngày hai mươi chín tháng hai năm hai nghìn không trăm hai mươi tư"},
    // Impossible days are no dates: the numbers and the slashes are read.
    {"31/2/2020", "ba mươi mốt trên hai trên hai nghìn không trăm hai mươi"},
    {"32/1", "ba mươi hai trên một"},
    {"Nghị định 10/2020/NĐ-CP", "Nghị định mười trên hai nghìn không trăm hai mươi nghị định chính phủ"},
};
INSTANTIATE_TEST_SUITE_P(Dates, Normalize, testing::ValuesIn(kDates));

const Golden kTimes[] = {
    {"05:30", "năm giờ ba mươi phút"},
    {"lúc 5:30", "lúc năm giờ ba mươi phút"},
    {"5h30", "năm giờ ba mươi phút"},
    {"5g30", "năm giờ ba mươi phút"},
    {"17h", "mười bảy giờ"},
    {"5h00", "năm giờ"},
    {"05:00", "năm giờ"},
    {"14:05", "mười bốn giờ năm phút"},
    {"23:59:10", "hai mươi ba giờ năm mươi chín phút mười giây"},
    {"từ 7h-11h", "từ bảy giờ đến mười một giờ"},
};
INSTANTIATE_TEST_SUITE_P(Times, Normalize, testing::ValuesIn(kTimes));

const Golden kRangesAndMoney[] = {
    {"5-7 ngày", "năm đến bảy ngày"},
    {"5 - 7 ngày", "năm đến bảy ngày"},
    {"giai đoạn 2021 - 2025", "giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm"},
    {"500.000 đồng", "năm trăm nghìn đồng"},
    {"500.000đ", "năm trăm nghìn đồng"},
    {"500.000 VNĐ", "năm trăm nghìn đồng"},
    {"500.000 VND", "năm trăm nghìn đồng"},
    {"500.000 vnđ", "năm trăm nghìn đồng"},
    {"2 triệu đồng", "hai triệu đồng"},
    {"1,5 tỷ", "một phẩy năm tỷ"},
    {"1,5 triệu đ", "một phẩy năm triệu đồng"},
    {"2 triệu đồng/người", "hai triệu đồng một người"},
    {"giá lúa 7.500đ/kg", "giá lúa bảy nghìn năm trăm đồng một ki lô gam"},
    {"10 USD/ngày", "mười đô la Mỹ một ngày"},
    {"đơn vị: VNĐ", "đơn vị, Việt Nam đồng"},
};
INSTANTIATE_TEST_SUITE_P(RangesAndMoney, Normalize, testing::ValuesIn(kRangesAndMoney));

const Golden kUnits[] = {
    {"5 km", "năm ki lô mét"},
    {"cao 3m", "cao ba mét"},
    {"10 cm", "mười xen ti mét"},
    {"2mm", "hai mi li mét"},
    {"5 ha", "năm héc ta"},
    {"3kg", "ba ki lô gam"},
    {"5 g", "năm gam"},
    {"30°C", "ba mươi độ xê"},
    {"30 ºC", "ba mươi độ xê"},
    {"30 độ C", "ba mươi độ xê"},
    {"100 m2", "một trăm mét vuông"},
    {"50m²", "năm mươi mét vuông"},
    {"3 m3", "ba mét khối"},
    {"2 m³", "hai mét khối"},
    {"60 km/h", "sáu mươi ki lô mét trên giờ"},
    {"2 l", "hai lít"},
    {"500 ml", "năm trăm mi li lít"},
    {"-5°C", "âm năm độ xê"},
    {"cao 1m70", "cao một mét bảy mươi"},
    // Without a number before them the letters are words.
    {"m và g", "m và g"},
};
INSTANTIATE_TEST_SUITE_P(Units, Normalize, testing::ValuesIn(kUnits));

const Golden kOrdinals[] = {
    {"thứ 1", "thứ nhất"},
    {"thứ 2", "thứ hai"},
    {"thứ 4", "thứ tư"},
    {"Thứ 2 (26/11)", "Thứ hai, ngày hai mươi sáu tháng mười một,"},
    {"lần thứ 3", "lần thứ ba"},
    {"lần thứ 14", "lần thứ mười bốn"},
};
INSTANTIATE_TEST_SUITE_P(Ordinals, Normalize, testing::ValuesIn(kOrdinals));

const Golden kPhones[] = {
    {"0912345678", "không chín một hai ba bốn năm sáu bảy tám"},
    {"0912 345 678", "không chín một hai ba bốn năm sáu bảy tám"},
    {"0912.345.678", "không chín một hai ba bốn năm sáu bảy tám"},
    {"0912-345-678", "không chín một hai ba bốn năm sáu bảy tám"},
    {"024 3825 1234", "không hai bốn ba tám hai năm một hai ba bốn"},
    {"+84 912 345 678", "cộng tám bốn chín một hai ba bốn năm sáu bảy tám"},
    {"gọi 113", "gọi một một ba"},
    {"số 115", "số một một năm"},
    {"đường dây nóng 114", "đường dây nóng một một bốn"},
    {"tổng đài 1900 1234", "tổng đài một chín không không một hai ba bốn"},
    {"số 5", "số năm"},
};
INSTANTIATE_TEST_SUITE_P(Phones, Normalize, testing::ValuesIn(kPhones));

const Golden kRoman[] = {
    {"khóa XIII", "khóa mười ba"},
    {"khoá XV", "khoá mười lăm"},
    {"Quý III", "Quý ba"},
    {"quý I/2024", "quý một năm hai nghìn không trăm hai mươi tư"},
    {"thế kỷ XXI", "thế kỷ hai mươi mốt"},
    {"Đại hội XIII", "Đại hội mười ba"},
    {"lần thứ IV", "lần thứ tư"},
    {"chương II", "chương hai"},
    {"Vua Lê I và V", "Vua Lê I và V"},
    {"Mục IIII", "Mục i i i i"},
};
INSTANTIATE_TEST_SUITE_P(Roman, Normalize, testing::ValuesIn(kRoman));

const Golden kAbbreviations[] = {
    {"UBND xã", "ủy ban nhân dân xã"},
    {"HĐND huyện", "hội đồng nhân dân huyện"},
    {"TP. Hà Nội", "thành phố Hà Nội"},
    {"TP Huế", "thành phố Huế"},
    {"TP.HCM", "thành phố Hồ Chí Minh"},
    {"BCH T.Ư Đoàn", "ban chấp hành trung ương Đoàn"},
    {"Ban Chấp hành T.Ư.", "Ban Chấp hành trung ương."},
    {"UBMTTQ VN", "ủy ban mặt trận tổ quốc Việt Nam"},
    {"trường THCS và THPT", "trường trung học cơ sở và trung học phổ thông"},
    {"CSGT bảo đảm ATGT", "cảnh sát giao thông bảo đảm an toàn giao thông"},
    {"PCCC, PCTT và TKCN", "phòng cháy chữa cháy, phòng chống thiên tai và tìm kiếm cứu nạn"},
    {"Nghị định NĐ-CP", "Nghị định nghị định chính phủ"},
    {"QĐ-UBND", "quyết định ủy ban nhân dân"},
    {"GS. TS. Nguyễn Văn A", "giáo sư tiến sĩ Nguyễn Văn A"},
    {"ThS. BS. Lê Thị B", "thạc sĩ bác sĩ Lê Thị B"},
    {"phát triển KT-XH, giữ vững QP-AN", "phát triển kinh tế xã hội, giữ vững quốc phòng an ninh"},
    {"xây dựng NTM", "xây dựng nông thôn mới"},
    {"dịch Covid-19", "dịch cô vít mười chín"},
    {"Đ/c Chủ tịch", "đồng chí Chủ tịch"},
    {"ĐBSCL", "đồng bằng sông Cửu Long"},
    // Unknown capitals are spelled unless they are a Vietnamese syllable (headlines).
    {"công ty ABC", "công ty a bê xê"},
    {"THÔNG BÁO KHẨN", "THÔNG BÁO KHẨN"},
    {"cúm H5N1", "cúm hát năm en một"},
    // Whole tokens only.
    {"VNĐ", "Việt Nam đồng"},
    {"UBNDX", "u bê en dê ích"},
};
INSTANTIATE_TEST_SUITE_P(Abbreviations, Normalize, testing::ValuesIn(kAbbreviations));

const Golden kSymbols[] = {
    {"Nam & Nữ", "Nam và Nữ"},
    {"chờ đã... rồi…", "chờ đã, rồi,"},
    {"“Đoàn kết” – sức mạnh", "Đoàn kết, sức mạnh"},
    {"(UBND xã)", "ủy ban nhân dân xã,"},
    {"Vui quá 😀!", "Vui quá!"},
    {"Ai? Tôi!", "Ai? Tôi!"},
    {"dòng một\ndòng hai\r\ndòng ba.", "dòng một. dòng hai. dòng ba."},
    {"Thông báo:\n- Mục một;\n\n\t- Mục hai", "Thông báo, Mục một, Mục hai"},
    {"  nhiều   khoảng\ttrắng  ", "nhiều khoảng trắng"},
    {"người H'Mông, M’Nông", "người H'Mông, M'Nông"},
    {"Привет 北京 ﻿ơi", "Привет 北京 ơi"},
    {"", ""},
};
INSTANTIATE_TEST_SUITE_P(Symbols, Normalize, testing::ValuesIn(kSymbols));

// ---- Dictionary

TEST(NormalizeDictionary, StationWordsOverrideAndAdd) {
  SpeechDictionary extra;
  extra.words["UBND"] = "ủy ban";            // overrides the built-in reading
  extra.words["HTXNN"] = "hợp tác xã nông nghiệp";  // adds
  extra.words["QL1A"] = "Quốc lộ 1A";         // its reading is normalised too
  EXPECT_EQ(normalize_vietnamese("UBND và HTXNN trên QL1A", extra),
            "ủy ban và hợp tác xã nông nghiệp trên Quốc lộ một a");
  // The built-in dictionary is untouched for the next caller.
  EXPECT_EQ(normalize_vietnamese("UBND"), "ủy ban nhân dân");
}

TEST(NormalizeDictionary, StationKeysWrittenInNfdStillMatch) {
  SpeechDictionary extra;
  extra.words["Ho\xcc\x80" "aBi\xcc\x80nh"] = "Hòa Bình";  // NFD "HòaBình"
  EXPECT_EQ(normalize_vietnamese("xã HòaBình", extra), "xã Hòa Bình");
}

TEST(NormalizeDictionary, BuiltInReadingsAreAlreadySpeakable) {
  const auto& words = default_vietnamese_abbreviations().words;
  EXPECT_GE(words.size(), 100u);
  for (const auto& [key, reading] : words) {
    EXPECT_EQ(normalize_vietnamese(reading), reading) << key;
    // A key ending in '.' at the end of the text also ends the sentence.
    EXPECT_EQ(normalize_vietnamese(key), key.back() == '.' ? reading + "." : reading) << key;
  }
}

// ---- Unicode robustness

TEST(NormalizeUnicode, DecomposedInputReadsAsComposed) {
  // "Hòa Bình, ngày 5/3" typed with combining marks (NFD).
  const std::string nfd = "Ho\xcc\x80" "a Bi\xcc\x80nh, nga\xcc\x80y 5/3";
  const std::string nfc = "Hòa Bình, ngày 5/3";
  EXPECT_NE(nfd, nfc);
  EXPECT_EQ(normalize_vietnamese(nfd), normalize_vietnamese(nfc));
  EXPECT_EQ(normalize_vietnamese(nfd), "Hòa Bình, ngày mùng năm tháng ba");
}

TEST(NormalizeUnicode, InvalidBytesBecomeSpaces) {
  // A lone continuation byte, 0xFF, a truncated sequence, an encoded surrogate, an overlong '/'.
  const std::string bad = "xã\x80" "A\xff" "B \xc3 C \xed\xa0\x80" "D 26\xc0\xaf" "11";
  const std::string out = normalize_vietnamese(bad);
  EXPECT_EQ(out, "xã A B C D hai mươi sáu mười một");
  expect_speakable(out);
}

TEST(NormalizeUnicode, RandomBytesNeverBreakTheContract) {
  std::mt19937 rng(20241126);
  // Bytes weighted towards what the reader treats specially, plus any byte at all.
  const std::string alphabet = "0123456789./-,:%+hgmkTPUBNDIVX °ºđĐ\n\r\t&()…";
  for (int n = 0; n < 2000; ++n) {
    std::string s(rng() % 64, '\0');
    for (char& c : s) {
      if (rng() % 2) c = static_cast<char>(rng() % 256);
      else c = alphabet[rng() % alphabet.size()];
    }
    std::string out;
    ASSERT_NO_THROW(out = normalize_vietnamese(s)) << n;
    expect_speakable(out);
    if (testing::Test::HasFailure()) FAIL() << "input #" << n;
  }
}

TEST(NormalizeUnicode, VeryLongNumbersAndRunsAreSafe) {
  const std::string digits(200, '9');
  const std::string out = normalize_vietnamese(digits + " " + std::string(100, '.') + " -" + digits);
  expect_speakable(out);
  EXPECT_EQ(out.rfind("chín chín", 0), 0u);
  EXPECT_EQ(normalize_vietnamese(std::string(1000, '/')), "");
}

// ---- A bulletin

TEST(NormalizeBulletin, ReadsAWholeBulletin) {
  const std::string bulletin =
      "THÔNG BÁO\r\n"
      "Thực hiện Quyết định số 1234/QĐ-UBND ngày 05/3/2024 của UBND huyện, "
      "từ 7h30 ngày 10/3 đến 17h ngày 15/3, UBND xã tổ chức tiêm vắc xin Covid-19 tại TYT xã.\n"
      "- Đối tượng: người từ 18 tuổi trở lên, có thẻ BHYT;\n"
      "- Kinh phí hỗ trợ: 150.000đ/người, tổng cộng 1,5 tỷ đồng (tăng 12,5%).\n"
      "Mọi thắc mắc xin gọi 0912.345.678 hoặc đường dây nóng 115. Nhiệt độ ngoài trời 15-18°C.";
  EXPECT_EQ(normalize_vietnamese(bulletin),
            "THÔNG BÁO. Thực hiện Quyết định số một nghìn hai trăm ba mươi tư quyết định ủy ban nhân dân "
            "ngày mùng năm tháng ba năm hai nghìn không trăm hai mươi tư của ủy ban nhân dân huyện, "
            "từ bảy giờ ba mươi phút ngày mùng mười tháng ba đến mười bảy giờ ngày mười lăm tháng ba, "
            "ủy ban nhân dân xã tổ chức tiêm vắc xin cô vít mười chín tại trạm y tế xã. "
            "Đối tượng, người từ mười tám tuổi trở lên, có thẻ bảo hiểm y tế, "
            "Kinh phí hỗ trợ, một trăm năm mươi nghìn đồng một người, tổng cộng một phẩy năm tỷ đồng, "
            "tăng mười hai phẩy năm phần trăm. "
            "Mọi thắc mắc xin gọi không chín một hai ba bốn năm sáu bảy tám hoặc đường dây nóng một một năm. "
            "Nhiệt độ ngoài trời mười lăm đến mười tám độ xê.");
}

TEST(NormalizeBulletin, FiveThousandWordsInWellUnderASecond) {
  std::string text;
  const std::string sentence =
      "Ngày 26/11/2011, UBND xã Hòa Bình tổ chức họp lúc 14:30 với 1.250 người, kinh phí 500.000đ, "
      "gọi 0912 345 678. ";
  while (text.size() < 5000 * 6) text += sentence;  // ~5,000 words
  const auto start = std::chrono::steady_clock::now();
  const std::string out = normalize_vietnamese(text);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(out.empty());
  // Generous for sanitiser builds; an optimised build takes a few milliseconds.
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

}  // namespace

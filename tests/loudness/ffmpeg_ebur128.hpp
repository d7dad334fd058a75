#pragma once
// The reference: ffmpeg's ebur128 filter (`-af ebur128=peak=true`), its summary parsed.
#include <filesystem>
#include <optional>
#include <regex>
#include <string>

#include "support/test_media.hpp"

namespace onair::test {

struct Ebur128Summary {
  double i = 0, lra = 0, peak = 0;
};

// `input_args` go before the input (e.g. "-ss 10 -t 5").
inline std::optional<Ebur128Summary> ffmpeg_ebur128(const std::filesystem::path& file,
                                                    const std::string& input_args = "") {
  const auto r = capture("ffmpeg -hide_banner -nostats " + input_args + " -i " + shell_quote(file.string()) +
                         " -af ebur128=peak=true -f null - 2>&1");
  if (r.exit_code != 0) return std::nullopt;
  const auto summary = r.output.rfind("Summary:");
  if (summary == std::string::npos) return std::nullopt;
  const std::string text = r.output.substr(summary);
  auto value = [&](const char* name) -> std::optional<double> {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex(std::string(name) + R"(:\s+(-?[0-9.]+|-inf))"))) return std::nullopt;
    return m[1] == "-inf" ? -1e9 : std::stod(m[1]);
  };
  auto i = value("I"), lra = value("LRA"), peak = value("Peak");
  if (!i || !lra || !peak) return std::nullopt;
  return Ebur128Summary{*i, *lra, *peak};
}

}  // namespace onair::test

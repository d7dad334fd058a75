// `onair report ASRUN [--csv]`: reads the as-run log and prints the report or CSV.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/asrun_report.hpp"

namespace onair {

int cmd_report(const std::string& asrun_path, bool csv) {
  // A directory opens fine as an ifstream on Linux and then reads nothing; say so instead
  // of printing an empty report that looks like "nothing aired".
  std::error_code ec;
  if (std::filesystem::is_directory(asrun_path, ec)) {
    std::cerr << "onair: cannot read as-run log " << asrun_path << ": is a directory\n";
    return 1;
  }
  std::ifstream in(asrun_path, std::ios::binary);
  if (!in) {
    std::cerr << "onair: cannot read as-run log " << asrun_path << ": " << std::strerror(errno) << "\n";
    return 1;
  }
  const AsRunData data = parse_asrun(in);
  if (in.bad()) {
    std::cerr << "onair: cannot read as-run log " << asrun_path << ": read error\n";
    return 1;
  }
  std::cout << (csv ? asrun_report_csv(data) : asrun_report_text(data, asrun_path));
  return 0;
}

}  // namespace onair

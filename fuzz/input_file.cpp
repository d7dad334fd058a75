#include "fuzz/input_file.hpp"

#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace onair::fuzz {

InputFile::InputFile(const std::string& extension) {
  std::error_code ec;
  const std::filesystem::path base = std::filesystem::is_directory("/dev/shm", ec)
                                         ? std::filesystem::path("/dev/shm")
                                         : std::filesystem::temp_directory_path();
  folder_ = base / ("onair-fuzz-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder_);
  path_ = folder_ / ("input" + extension);
}

InputFile::~InputFile() {
  std::error_code ec;
  std::filesystem::remove_all(folder_, ec);
}

const std::filesystem::path& InputFile::write(std::span<const std::uint8_t> bytes) {
  std::ofstream out(path_, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write fuzz input " + path_.string());
  return path_;
}

}  // namespace onair::fuzz

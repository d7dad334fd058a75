#pragma once
// The loader and the decoder take paths, so each input is written to a private file
// (in /dev/shm when there is one: it is memory, and fuzzing writes it millions of times).
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace onair::fuzz {

class InputFile {
 public:
  explicit InputFile(const std::string& extension);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::filesystem::path& write(std::span<const std::uint8_t> bytes);
  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& folder() const { return folder_; }

 private:
  std::filesystem::path folder_, path_;
};

}  // namespace onair::fuzz

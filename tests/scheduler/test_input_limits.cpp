// Limits on schedule inputs (issue 12): each excess is an error at FILE:LINE:COL, non-regular
// files are refused without being opened for reading, alias bombs fail at the first excess.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "scheduler/loader.hpp"

using namespace onair;
namespace fs = std::filesystem;

namespace {
struct Dir {
  fs::path path = fs::temp_directory_path() / ("onair-limits-" + std::to_string(::getpid()));
  Dir() { fs::create_directories(path); }
  ~Dir() { fs::remove_all(path); }
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(path / name) << text;
    return path / name;
  }
};
std::string errors(const Diagnostics& d) {
  std::string out;
  for (const auto& i : d.items()) out += i.format() + "\n";
  return out;
}
}  // namespace

TEST(InputLimits, FifoScheduleIsRefusedWithoutBlocking) {
  Dir dir;
  const fs::path fifo = dir.path / "2011-01-01.yaml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  Diagnostics diags;
  EXPECT_FALSE(load_schedule(fifo, {}, diags));
  EXPECT_NE(errors(diags).find("is a FIFO (named pipe), not a regular file"), std::string::npos) << errors(diags);
}

TEST(InputLimits, FifoTemplateIsRefused) {
  Dir dir;
  ASSERT_EQ(::mkfifo((dir.path / "t.yaml").c_str(), 0600), 0);
  const auto day = dir.write("2011-01-01.yaml", "template: t.yaml\n");
  Diagnostics diags;
  (void)load_schedule(day, {}, diags);
  EXPECT_NE(errors(diags).find("2011-01-01.yaml:1:11: error: " + (dir.path / "t.yaml").string() + " is a FIFO"),
            std::string::npos)
      << errors(diags);
}

TEST(InputLimits, AliasBombIsRefused) {
  Dir dir;
  std::string text = "a: &a [x,x,x,x,x,x,x,x,x,x]\n";
  for (char c = 'b'; c <= 'h'; ++c) {
    text += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) text += std::string(i ? "," : "") + "*" + static_cast<char>(c - 1);
    text += "]\n";
  }
  text += "programs: [*h]\n";  // 10^8 nodes once expanded
  const auto file = dir.write("2011-01-01.yaml", text);
  Diagnostics diags;
  EXPECT_FALSE(load_schedule(file, {}, diags) && !diags.has_errors());
  EXPECT_NE(errors(diags).find("expands to more than 2000000 nodes"), std::string::npos) << errors(diags);
}

// yaml-cpp lets an alias name the collection it is in: a cycle every walk would follow until
// the stack ran out (found by fuzz_schedule). It is refused at its line, as is plain depth.
TEST(InputLimits, SelfReferringAliasAndDeepNestingAreRefused) {
  Dir dir;
  for (const std::string& text : {std::string("programs: &a\n  - *a\n"), std::string("&a [*a]\n"),
                                 "programs: " + std::string(100, '[') + std::string(100, ']') + "\n"}) {
    const auto file = dir.write("2011-01-01.yaml", text);
    Diagnostics diags;
    EXPECT_FALSE(load_schedule(file, {}, diags)) << text;
    EXPECT_NE(errors(diags).find("error: the YAML nests deeper than 64 levels here"), std::string::npos)
        << errors(diags);
  }
  // Depth a schedule really has stays fine.
  const auto file = dir.write("2011-01-01.yaml", "programs: [{at: \"05:00\", items: [{file: a.wav}]}]\n");
  Diagnostics diags;
  (void)load_schedule(file, {}, diags);
  EXPECT_EQ(errors(diags).find("nests deeper"), std::string::npos) << errors(diags);
}

TEST(InputLimits, ProgrammesAndItemsPerDay) {
  Dir dir;
  std::string text = "programs:\n";
  for (int i = 0; i < 4; ++i)
    text += "  - {at: \"0" + std::to_string(i) + ":00\", items: [a.wav, b.wav]}\n";
  const auto file = dir.write("2011-01-01.yaml", text);
  LoadOptions options;
  options.max_programs = 3;
  Diagnostics diags;
  (void)load_schedule(file, options, diags);
  EXPECT_NE(errors(diags).find("2011-01-01.yaml:5:5: error: too many programmes: this is programme 4 of the list; "
                               "the limit is 3 programmes per day"),
            std::string::npos)
      << errors(diags);
  options.max_programs = 10;
  options.max_items = 5;
  Diagnostics items;
  (void)load_schedule(file, options, items);
  EXPECT_NE(errors(items).find("2011-01-01.yaml:4:"), std::string::npos) << errors(items);
  EXPECT_NE(errors(items).find("the limit is 5 items per day"), std::string::npos) << errors(items);
}

// `check` must never crash, hang or throw on any input.
#include <random>

#include "scheduler/schedule_fixture.hpp"

using namespace onair;
using namespace onair::test;

class Robustness : public ScheduleTest {};

TEST_F(Robustness, EmptyFile) {
  auto l = load("");
  EXPECT_TRUE(l.has_error("the file is empty", 1, 1)) << l.dump();
}

TEST_F(Robustness, BinaryGarbage) {
  std::mt19937 rng(42);
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk += static_cast<char>(rng() & 0xFF);
  auto l = load(junk);
  EXPECT_TRUE(l.diags.has_errors());
  EXPECT_GT(l.diags.items().front().mark.line, 0);
}

TEST_F(Robustness, InvalidUtf8NamesTheByte) {
  auto l = load("date: 2011-11-26\ntitle: \"caf\xe9\"\nprograms: []\n");
  EXPECT_TRUE(l.has_error("not UTF-8 text (byte 0xE9)", 2, 12)) << l.dump();
}

TEST_F(Robustness, HugeFileIsRefusedQuickly) {
  std::string big(50 * 1024 * 1024, '#');
  auto l = load(big);
  EXPECT_TRUE(l.has_error("too large for a schedule (52.4 MB")) << l.dump();
}

TEST_F(Robustness, DeepNesting) {
  std::string deep = "date: 2011-11-26\ntitle: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  auto l = load(deep);
  EXPECT_TRUE(l.diags.has_errors());
  std::string deep_maps = "date: 2011-11-26\nx: ";
  for (int i = 0; i < 20000; ++i) deep_maps += "{a: ";
  auto l2 = load(deep_maps);
  EXPECT_TRUE(l2.diags.has_errors());
}

TEST_F(Robustness, TabsAreExplained) {
  auto l = load("date: 2011-11-26\nprograms:\n\t- at: \"06:00\"\n");
  EXPECT_TRUE(l.has_error("YAML syntax error")) << l.dump();
  EXPECT_TRUE(l.has_error("tab")) << l.dump();
}

TEST_F(Robustness, ByteOrderMarkIsAccepted) {
  auto l = load("\xEF\xBB\xBF" "date: 2011-11-26\nprograms:\n  - at: \"06:00\"\n    items: [{silence: 1}]\n");
  EXPECT_FALSE(l.diags.has_errors()) << l.dump();
}

TEST_F(Robustness, DuplicateKeys) {
  auto l = load("date: 2011-11-26\ntitle: a\ntitle: b\nprograms: []\n");
  EXPECT_TRUE(l.has_error("duplicate key 'title' in the schedule (first given at line 2)", 3, 1)) << l.dump();
}

TEST_F(Robustness, TopLevelNotAMapping) {
  auto l = load("- a\n- b\n");
  EXPECT_TRUE(l.has_error("a schedule must be a mapping of keys", 1, 1)) << l.dump();
  auto l2 = load("just text\n");
  EXPECT_TRUE(l2.has_error("a schedule must be a mapping")) << l2.dump();
}

TEST_F(Robustness, SyntaxErrorHasPosition) {
  auto l = load("date: 2011-11-26\nprograms:\n  - at: \"06:00\"\n    items: [{silence: 1}\n  - at: x\n");
  ASSERT_TRUE(l.diags.has_errors());
  EXPECT_TRUE(l.has_error("YAML syntax error")) << l.dump();
  EXPECT_GE(l.diags.items()[0].mark.line, 3) << l.dump();
}

TEST_F(Robustness, MissingFile) {
  Diagnostics d;
  auto s = load_schedule(dir / "nope.yaml", {}, d);
  EXPECT_FALSE(s);
  ASSERT_TRUE(d.has_errors());
  EXPECT_NE(d.items()[0].message.find("no such file"), std::string::npos);
}

TEST_F(Robustness, RandomMutationsNeverThrow) {
  const std::string base = R"(date: 2011-11-26
timezone: Asia/Ho_Chi_Minh
fill: { dir: fill, order: shuffle }
programs:
  - id: morning
    at: "05:30"
    end: "06:00"
    items:
      - file: a.mp3
        in: 1.5
        out: "12:30"
      - relay: http://127.0.0.1:8000/vov1
        duration: "15:00"
      - silence: 2
)";
  std::mt19937 rng(7);
  const std::string alphabet = "{}[]:-\"' \n\t#&*!|>%@`,?0123456789abc";
  for (int n = 0; n < 400; ++n) {
    std::string text = base;
    for (int k = 0; k < 3; ++k) text[rng() % text.size()] = alphabet[rng() % alphabet.size()];
    EXPECT_NO_THROW(load(text));
  }
}

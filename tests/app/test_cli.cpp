// The `onair` command as users run it: exit codes, one-line usage errors, diagnostics
// format, plan output, on real media generated here with ffmpeg.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_media.hpp"

using namespace onair::test;

namespace {

struct Cli : ::testing::Test {
  TempDir dir;
  CommandResult onair(const std::string& args, bool merge = true) {
    return capture("ONAIR_CACHE_DIR=" + shell_quote((dir / "cache").string()) + " " + ONAIR_BINARY + " " + args, merge);
  }
  std::string sched(const std::string& name) { return shell_quote((dir / ("schedules/" + name)).string()); }
};

int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

TEST_F(Cli, UsageErrorsExit2WithOneLine) {
  for (const char* args : {"", "frobnicate", "check", "plan", "check --bogus x.yaml", "plan a.yaml b.yaml"}) {
    auto r = onair(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_EQ(count_lines(r.output), 1) << args << "\n" << r.output;
    EXPECT_EQ(r.output.rfind("onair: ", 0), 0u) << r.output;
  }
}

TEST_F(Cli, HelpHasExamples) {
  auto top = onair("--help");
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.output.find("Example: onair check"), std::string::npos) << top.output;
  for (const char* sub : {"check", "plan"}) {
    auto r = onair(std::string(sub) + " --help");
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_NE(r.output.find("Example: onair " + std::string(sub)), std::string::npos) << r.output;
  }
}

TEST_F(Cli, CheckExitCodesAndDiagnosticFormat) {
  make_tone(dir / "media/a.mp3", 440, 3, "-c:a libmp3lame -b:a 128k");
  write_file(dir / "schedules/2011-11-26.yaml",
             "programs:\n  - at: \"06:00\"\n    items:\n      - file: a.mp3\n");
  auto ok = onair("check " + sched("2011-11-26.yaml"));
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("ok (1 programmes, 1 items; 0 errors, 0 warnings)"), std::string::npos) << ok.output;

  write_file(dir / "schedules/2011-11-27.yaml",
             "programs:\n  - at: \"06:00\"\n    items:\n      - file: missing.mp3\n        in: 2\n");
  auto bad = onair("check " + sched("2011-11-26.yaml") + " " + sched("2011-11-27.yaml"), false);
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  const std::string expected = (dir / "schedules/2011-11-27.yaml").string() + ":4:15: error: media file 'missing.mp3' not found";
  EXPECT_EQ(bad.output.rfind(expected, 0), 0u) << bad.output;

  // Warnings alone still exit 0.
  write_file(dir / "schedules/2011-11-28.yaml",
             "programs:\n  - {id: a, at: \"06:00\", items: [{file: a.mp3}]}\n  - {id: b, at: \"06:01\", items: [{file: a.mp3}]}\n");
  auto warn = onair("check " + sched("2011-11-28.yaml"), false);
  EXPECT_EQ(warn.exit_code, 0) << warn.output;
  EXPECT_NE(warn.output.find(":3:17: warning: gap of 57 s before programme 'b'"), std::string::npos) << warn.output;
}

TEST_F(Cli, CheckRealMediaProblems) {
  make_tone(dir / "media/a.mp3", 440, 3, "-c:a libmp3lame -b:a 128k");
  write_file(dir / "media/zero.mp3", "");
  write_file(dir / "media/junk.mp3", std::string(5000, '\x5a'));
  write_file(dir / "schedules/2011-11-26.yaml", R"(programs:
  - at: "06:00"
    items:
      - file: zero.mp3
      - file: junk.mp3
      - file: a.mp3
        out: 10
)");
  auto r = onair("check " + sched("2011-11-26.yaml"), false);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find(":4:15: error: media file 'zero.mp3' cannot be decoded"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(":5:15: error: media file 'junk.mp3' cannot be decoded"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(":7:14: error: cue out 10 s is beyond the end of 'a.mp3' (3 s)"), std::string::npos) << r.output;
}

TEST_F(Cli, XinglessVbrMp3IsMeasured) {
  // Quiet then loud/noisy: a VBR encoder spends very different bitrates, so the
  // header-less bitrate estimate is far off.
  const auto wav = dir / "src.wav";
  std::filesystem::create_directories(dir / "media");
  ASSERT_EQ(run("ffmpeg -nostdin -loglevel error -y -f lavfi -i 'anullsrc=r=44100:cl=stereo:d=20' -f lavfi "
                "-i 'anoisesrc=r=44100:d=20:a=0.5' -filter_complex '[0][1]concat=n=2:v=0:a=1' -ac 2 " +
                shell_quote(wav.string())),
            0);
  ASSERT_EQ(run("ffmpeg -nostdin -loglevel error -y -i " + shell_quote(wav.string()) +
                " -c:a libmp3lame -q:a 2 -write_xing 0 " + shell_quote((dir / "media/vbr.mp3").string())),
            0);
  write_file(dir / "schedules/2011-11-26.yaml", "programs:\n  - at: \"06:00\"\n    items:\n      - file: vbr.mp3\n");
  auto r = onair("check " + sched("2011-11-26.yaml"), false);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("has a wrong duration in its header"), std::string::npos) << r.output;
  auto plan = onair("plan --json " + sched("2011-11-26.yaml"), false);
  ASSERT_EQ(plan.exit_code, 0) << plan.output;
  auto j = nlohmann::json::parse(plan.output);
  EXPECT_NEAR(j["programs"][0]["items"][0]["planned_s"].get<double>(), 40.0, 0.1);
}

TEST_F(Cli, PlanTextAndJson) {
  make_tone(dir / "media/a.mp3", 440, 4, "-c:a libmp3lame -b:a 128k");
  make_tone(dir / "media/b.wav", 660, 2);
  write_file(dir / "schedules/2011-11-26.yaml", R"(title: "Chương trình phát thanh ngày 26/11/2011"
timezone: Asia/Ho_Chi_Minh
programs:
  - id: morning
    title: "Buổi sáng"
    at: "05:30"
    items:
      - file: a.mp3
      - file: b.wav
        title: "Bản tin"
  - id: late
    at: "23:59:58"
    items: [{file: a.mp3}]
)");
  auto text = onair("plan " + sched("2011-11-26.yaml"), false);
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("Chương trình phát thanh ngày 26/11/2011"), std::string::npos);
  EXPECT_NE(text.output.find("05:30:04.000  05:30:06.000"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("Bản tin  ← b.wav"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("00:00:02.000+1"), std::string::npos) << text.output;  // past midnight

  auto js = onair("plan --json " + sched("2011-11-26.yaml"), false);
  ASSERT_EQ(js.exit_code, 0) << js.output;
  auto j = nlohmann::json::parse(js.output);
  EXPECT_EQ(j["timezone"], "Asia/Ho_Chi_Minh");
  EXPECT_EQ(j["programs"][0]["items"][1]["start"], "2011-11-26T05:30:04.000+07:00");
  EXPECT_EQ(j["programs"][1]["items"][0]["end"], "2011-11-27T00:00:02.000+07:00");
  EXPECT_EQ(j["gaps"].size(), 1u);
}

TEST_F(Cli, ProbeCacheIsWrittenAndReused) {
  make_tone(dir / "media/a.mp3", 440, 2, "-c:a libmp3lame -b:a 128k");
  write_file(dir / "schedules/2011-11-26.yaml", "programs:\n  - at: \"06:00\"\n    items: [{file: a.mp3}]\n");
  ASSERT_EQ(onair("check " + sched("2011-11-26.yaml")).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(dir / "cache/probe-cache.json"));
  // Replace the file with garbage of another size: the cache must notice.
  write_file(dir / "media/a.mp3", "not audio at all");
  auto r = onair("check " + sched("2011-11-26.yaml"), false);
  EXPECT_EQ(r.exit_code, 1) << r.output;
}

TEST_F(Cli, DemoScheduleChecksClean) {
  const std::string src = ONAIR_SOURCE_DIR;
  ASSERT_EQ(run(src + "/scripts/make-demo-media.sh " + shell_quote((dir / "media").string()) + " 2>/dev/null"), 0);
  auto r = onair("check " + shell_quote(src + "/schedules/2011-11-26.yaml") + " --media-root " +
                 shell_quote((dir / "media").string()), false);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("error"), std::string::npos) << r.output;
}

TEST_F(Cli, RenderRefusesAnAsRunLogItCannotOpenBeforeWritingAnything) {
  write_file(dir / "schedules/day.yaml",
             "date: 2011-11-26\ntimezone: UTC\nprograms:\n  - at: \"06:00\"\n    items: [{silence: 1}]\n");
  std::filesystem::create_directories(dir / "taken.jsonl");  // a folder where the file should be
  auto r = onair("render " + sched("day.yaml") + " --from 06:00 --to 06:00:01 --out " +
                 shell_quote((dir / "out.wav").string()) + " --asrun " + shell_quote((dir / "taken.jsonl").string()));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("cannot open as-run log " + (dir / "taken.jsonl").string()), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("internal error"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "out.wav"));
}

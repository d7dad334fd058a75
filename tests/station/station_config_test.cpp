// The daemon's config file: the example loads clean, defaults, and every bad value
// reported with its FILE:LINE:COL.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>

#include "station/config.hpp"
#include "support/test_media.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::string all_messages(const Diagnostics& d) {
  std::string out;
  for (const auto& item : d.sorted()) out += item.format() + "\n";
  return out;
}

class StationConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir / "media");
    fs::create_directories(dir / "schedules/templates");
  }
  // Writes onair.yaml in the temp dir and loads it.
  std::optional<StationConfig> load(const std::string& text) {
    write_file(file(), text);
    diags = Diagnostics();
    return load_station_config(file(), diags);
  }
  fs::path file() const { return dir / "onair.yaml"; }
  // "FILE:LINE:COL: error: " for the temp config.
  std::string at(int line, int col, const std::string& severity = "error") const {
    return file().string() + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + severity + ": ";
  }
  void expect_diag(const std::string& prefix, const std::string& words) {
    const auto& items = diags.items();
    const bool found = std::any_of(items.begin(), items.end(), [&](const Diagnostic& d) {
      const std::string f = d.format();
      return f.rfind(prefix, 0) == 0 && f.find(words) != std::string::npos;
    });
    EXPECT_TRUE(found) << "expected a diagnostic starting " << prefix << " containing '" << words
                       << "'; got:\n"
                       << all_messages(diags);
  }

  TempDir dir;
  Diagnostics diags;
};

}  // namespace

TEST(StationConfigExample, LoadsCleanWithTheRepositoryFolders) {
  const fs::path src = ONAIR_SOURCE_DIR;
  Diagnostics diags;
  auto c = load_station_config(src / "onair.example.yaml", diags);
  ASSERT_TRUE(c) << all_messages(diags);
  EXPECT_TRUE(diags.items().empty()) << all_messages(diags);
  EXPECT_EQ(c->media_root, (src / "media").lexically_normal());
  EXPECT_EQ(c->schedules, (src / "schedules").lexically_normal());
  EXPECT_EQ(c->templates_dir(), (src / "schedules/templates").lexically_normal());
  EXPECT_EQ(c->asrun_dir, (src / "asrun").lexically_normal());
  EXPECT_EQ(c->log_file(), (src / "log/onair.log").lexically_normal());
  EXPECT_EQ(c->output, "default");
  EXPECT_EQ(c->timezone, "Asia/Ho_Chi_Minh");
  EXPECT_EQ(c->control.host, "127.0.0.1");
  EXPECT_EQ(c->control.port, 8640);
  EXPECT_TRUE(c->control.loopback);
  EXPECT_EQ(c->next_day_check, Duration(20h));
  EXPECT_EQ(c->silence.threshold_db, -50.0);
  EXPECT_EQ(c->silence.after, Duration(10s));
  EXPECT_EQ(c->silence.action, SilenceAction::fill);
  EXPECT_TRUE(c->alarms.command.empty());
  EXPECT_EQ(c->alarms.min_interval, Duration(300s));
  EXPECT_EQ(c->alarms.disk_min_free_bytes, 1024ull * 1024 * 1024);
  EXPECT_FALSE(c->aircheck);  // `enabled: false` in the example
  ASSERT_TRUE(c->loudness);   // the example turns loudness normalisation on at -16 LUFS
  EXPECT_EQ(c->loudness->target, -16.0);
}

TEST_F(StationConfigTest, DefaultsAndPathsRelativeToTheConfigFolder) {
  // Loaded from another working directory: paths still start at the config's folder.
  auto c = load("timezone: UTC\n");
  ASSERT_TRUE(c) << all_messages(diags);
  EXPECT_TRUE(diags.items().empty()) << all_messages(diags);
  EXPECT_EQ(c->base_dir, dir.path());
  EXPECT_EQ(c->media_root, dir / "media");
  EXPECT_EQ(c->schedules, dir / "schedules");
  EXPECT_EQ(c->asrun_dir, dir / "asrun");
  EXPECT_EQ(c->log_dir, dir / "log");
  EXPECT_EQ(c->output, "default");
  EXPECT_EQ(c->control.listen, "127.0.0.1:8640");
  EXPECT_TRUE(c->control.token.empty());
  EXPECT_EQ(c->next_day_check, Duration(20h));
  EXPECT_EQ(c->alarms.timeout, Duration(10s));
  EXPECT_EQ(c->log_level, "info");
}

TEST_F(StationConfigTest, FullConfig) {
  fs::create_directories(dir / "station/audio");
  fs::create_directories(dir / "station/days");
  write_file(dir / "bin/notify", "#!/bin/sh\nexit 0\n");
  ::chmod((dir / "bin/notify").c_str(), 0755);
  fs::create_directories(dir / "out");
  auto c = load(R"(output: wav:out/air.wav
media_root: station/audio
schedules: ./station/days
timezone: Europe/Paris
asrun_dir: station/asrun
log_dir: /tmp
control:
  listen: "0.0.0.0:9000"
  token: 0123456789abcdef0123
next_day_check: "18:30"
silence: {threshold_db: -60.5, after: "00:30", action: alarm}
alarms:
  command: [bin/notify, --to, ops]
  min_interval: "10:00"
  timeout: 2.5
  disk_min_free_mb: 10
aircheck:
  dir: station/aircheck
  format: opus
  retention_days: 90
)");
  ASSERT_TRUE(c) << all_messages(diags);
  EXPECT_TRUE(diags.items().empty()) << all_messages(diags);
  EXPECT_EQ(c->output, "wav:" + (dir / "out/air.wav").string());
  EXPECT_EQ(c->media_root, dir / "station/audio");
  EXPECT_EQ(c->schedules, dir / "station/days");
  EXPECT_EQ(c->log_dir, fs::path("/tmp"));
  EXPECT_EQ(c->control.host, "0.0.0.0");
  EXPECT_EQ(c->control.port, 9000);
  EXPECT_FALSE(c->control.loopback);
  EXPECT_EQ(c->control.token, "0123456789abcdef0123");
  EXPECT_EQ(c->next_day_check, Duration(18h + 30min));
  EXPECT_EQ(c->silence.threshold_db, -60.5);
  EXPECT_EQ(c->silence.after, Duration(30s));
  EXPECT_EQ(c->silence.action, SilenceAction::alarm);
  EXPECT_EQ(c->alarms.command,
            (std::vector<std::string>{(dir / "bin/notify").string(), "--to", "ops"}));
  EXPECT_EQ(c->alarms.min_interval, Duration(600s));
  EXPECT_EQ(c->alarms.timeout, Duration(2500ms));
  EXPECT_EQ(c->alarms.disk_min_free_bytes, 10ull * 1024 * 1024);
  ASSERT_TRUE(c->aircheck);
  EXPECT_EQ(c->aircheck->dir, dir / "station/aircheck");
  EXPECT_EQ(c->aircheck->format, AirCheckFormat::opus);
  EXPECT_EQ(c->aircheck->bitrate_kbps, 64);
  EXPECT_EQ(c->aircheck->retention_days, 90);
}

TEST_F(StationConfigTest, EachErrorWithItsLineAndColumn) {
  auto c = load(R"(outptu: null
media_root: nowhere
schedules: onair.yaml
timezone: Asia/Ho_Chi_Mihn
asrun_dir: missing/parent/asrun
log_level: loud
control:
  listen: "127.0.0.1:99999"
  tokn: abc
next_day_check: "25:00"
silence:
  threshold_db: loud
  after: -3
  action: shout
alarms:
  command: /usr/bin/notify --to ops
  min_interval: [1, 2]
  disk_min_free_mb: 1.5
aircheck:
  format: ogg
  bitrate: 1000
)");
  EXPECT_FALSE(c);
  expect_diag(at(1, 1), "unknown key 'outptu' in the station config; did you mean 'output'?");
  expect_diag(at(2, 13), "'media_root' folder " + (dir / "nowhere").string() + " does not exist");
  expect_diag(at(3, 12), "'schedules' " + file().string() + " is not a folder");
  expect_diag(at(4, 11), "unknown time zone 'Asia/Ho_Chi_Mihn'");
  expect_diag(at(4, 11), "did you mean 'Asia/Ho_Chi_Minh'?");
  expect_diag(at(5, 12), "its parent folder " + (dir / "missing/parent").string() + " does not exist");
  expect_diag(at(6, 12), "invalid value 'loud' for 'log_level'");
  expect_diag(at(8, 11), "invalid 'listen' address '127.0.0.1:99999': the port must be a number from 1 to 65535");
  expect_diag(at(9, 3), "unknown key 'tokn' in 'control'; did you mean 'token'?");
  expect_diag(at(10, 17), "invalid time '25:00' for 'next_day_check'");
  expect_diag(at(12, 17), "'threshold_db' must be a number, got 'loud'");
  expect_diag(at(13, 10), "invalid duration '-3' for 'after'");
  expect_diag(at(14, 11), "invalid value 'shout' for 'action': expected fill | alarm | off");
  expect_diag(at(16, 12), "must be a list of arguments");
  expect_diag(at(16, 12), "without a shell");
  expect_diag(at(17, 17), "'min_interval' must be text, got a list");
  expect_diag(at(18, 21), "'disk_min_free_mb' must be a whole number, got 1.5");
  expect_diag(at(19, 1), "'aircheck' needs 'dir'");
  expect_diag(at(20, 11), "invalid value 'ogg' for 'format': expected mp3 | opus");
  expect_diag(at(21, 12), "out of range 32 to 320");
  EXPECT_EQ(diags.warning_count(), 0u) << all_messages(diags);
  EXPECT_EQ(diags.error_count(), 18u) << all_messages(diags);
}

TEST_F(StationConfigTest, OutputsListTheSoundCardAndStreams) {
  fs::create_directories(dir / "out");
  auto c = load(R"(outputs:
  - pa:system
  - "icecast://source:hackme@stream.example.vn:8000/xa.mp3?bitrate=64&mono=1"
  - "listen://127.0.0.1:8001/xa.mp3?listeners=20"
  - "rtp://239.255.0.1:5004?payload=l16&sdp=/run/onair/zone1.sdp"
  - wav:out/air.wav
alarms:
  stream_down_after: 45
)");
  ASSERT_TRUE(c) << all_messages(diags);
  EXPECT_EQ(c->output, "pa:system");
  EXPECT_EQ(c->output_list(), (std::vector<std::string>{"pa:system",
                                                        "icecast://source:hackme@stream.example.vn:8000/xa.mp3?bitrate=64&mono=1",
                                                        "listen://127.0.0.1:8001/xa.mp3?listeners=20",
                                                        "rtp://239.255.0.1:5004?payload=l16&sdp=/run/onair/zone1.sdp",
                                                        "wav:" + (dir / "out/air.wav").string()}));
  EXPECT_EQ(c->alarms.stream_down_after, Duration(45s));
  c = load("output: null\n");
  ASSERT_TRUE(c) << all_messages(diags);
  EXPECT_EQ(c->output_list(), std::vector<std::string>{"null"});
}

TEST_F(StationConfigTest, EachBadOutputWithItsLineAndNeverItsSecret) {
  auto c = load(R"(outputs:
  - pa:system
  - "icecast://source:hackme@stream.example.vn:8000/xa.mp3?bitrate=9000"
  - "listen://0.0.0.0:8001/xa.mp3"
  - "listen://127.0.0.1:8002/a.mp3"
  - "listen://127.0.0.1:8002/b.mp3"
  - "listen://127.0.0.1:8003/c.mp3?token=hackme-hackme-9&mono=2"
  - speakers
  - "rtp://239.255.0.1:5005"
)");
  EXPECT_FALSE(c);
  expect_diag(at(3, 5), "bitrate '9000' is out of range 8…320");
  expect_diag(at(4, 5), "say who may listen with allow=");
  expect_diag(at(6, 5), "two listen:// outputs on port 8002");
  expect_diag(at(7, 5), "mono must be 0 or 1");
  expect_diag(at(8, 5), "invalid value 'speakers' for 'outputs'");
  expect_diag(at(9, 5), "the port must be even");
  EXPECT_EQ(all_messages(diags).find("hackme"), std::string::npos) << all_messages(diags);
  c = load("output: null\noutputs: [null]\n");
  EXPECT_FALSE(c);
  expect_diag(at(2, 10), "give either 'output' or 'outputs', not both");
}

TEST_F(StationConfigTest, NonLoopbackListenNeedsAToken) {
  auto c = load(R"(control:
  listen: "0.0.0.0:8640"
)");
  EXPECT_FALSE(c);
  expect_diag(at(2, 11), "control listens on 0.0.0.0:8640, which is not a loopback address: set 'token'");

  c = load("control: {listen: \"[::]:8640\", token: \"\"}\n");
  EXPECT_FALSE(c);
  expect_diag(at(1, 19), "not a loopback address");

  c = load("control: {listen: \"192.168.1.10:8640\", token: 5f0c2a9d81b34e6f}\n");
  ASSERT_TRUE(c) << all_messages(diags);
  EXPECT_FALSE(c->control.loopback);

  // Loopback needs none; a short token is a warning, not an error.
  c = load("control: {listen: \"[::1]:8640\", token: abc}\n");
  ASSERT_TRUE(c) << all_messages(diags);
  EXPECT_TRUE(c->control.loopback);
  EXPECT_EQ(c->control.host, "::1");
  expect_diag(at(1, 40, "warning"), "'token' is short");
}

TEST(StationConfigListen, Addresses) {
  struct Case {
    std::string text;
    bool ok;
    bool loopback;
    std::string host;
    int port;
  };
  const std::vector<Case> cases = {
      {"127.0.0.1:8640", true, true, "127.0.0.1", 8640},
      {"127.1.2.3:1", true, true, "127.1.2.3", 1},
      {"localhost:80", true, true, "localhost", 80},
      {"[::1]:8640", true, true, "::1", 8640},
      {"[::ffff:127.0.0.1]:8640", true, true, "::ffff:127.0.0.1", 8640},
      {"0.0.0.0:8640", true, false, "0.0.0.0", 8640},
      {"10.0.0.5:65535", true, false, "10.0.0.5", 65535},
      {"[::]:8640", true, false, "::", 8640},
      {"8640", false, false, "", 0},
      {":8640", false, false, "", 0},
      {"127.0.0.1:0", false, false, "", 0},
      {"127.0.0.1:", false, false, "", 0},
      {"127.0.0.1:80a", false, false, "", 0},
      {"::1:8640", false, false, "", 0},
      {"[::1]8640", false, false, "", 0},
      {"studio.local:8640", false, false, "", 0},
      {"300.0.0.1:8640", false, false, "", 0},
  };
  for (const auto& tc : cases) {
    ControlConfig c;
    std::string error;
    EXPECT_EQ(parse_listen_address(tc.text, c, error), tc.ok) << tc.text << ": " << error;
    if (tc.ok) {
      EXPECT_EQ(c.loopback, tc.loopback) << tc.text;
      EXPECT_EQ(c.host, tc.host) << tc.text;
      EXPECT_EQ(c.port, tc.port) << tc.text;
    } else {
      EXPECT_FALSE(error.empty()) << tc.text;
    }
  }
}

TEST_F(StationConfigTest, MissingDefaultFoldersAreReported) {
  fs::remove_all(dir / "media");
  auto c = load("timezone: UTC\n");
  EXPECT_FALSE(c);
  ASSERT_EQ(diags.error_count(), 1u) << all_messages(diags);
  const std::string msg = diags.items()[0].format();
  EXPECT_NE(msg.find(file().string() + ": error: 'media_root' folder " + (dir / "media").string() + " does not exist"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("the default"), std::string::npos) << msg;
}

TEST_F(StationConfigTest, CreatableFoldersMustBeFoldersIfTheyExist) {
  write_file(dir / "asrun", "not a folder");
  auto c = load("log_dir: log\n");
  EXPECT_FALSE(c);
  expect_diag(file().string() + ": error: ", "'asrun_dir' " + (dir / "asrun").string() + " exists and is not a folder");
}

TEST_F(StationConfigTest, AlarmCommandChecks) {
  auto c = load("alarms: {command: [./no/such/notify, x]}\n");
  EXPECT_FALSE(c);
  expect_diag(at(1, 20), (dir / "no/such/notify").string() + " does not exist");

  write_file(dir / "notify", "#!/bin/sh\n");
  ::chmod((dir / "notify").c_str(), 0644);
  c = load("alarms: {command: [notify]}\n");  // no slash: looked up in PATH
  ASSERT_TRUE(c) << all_messages(diags);
  expect_diag(at(1, 20, "warning"), "'notify' is not found in PATH");

  c = load("alarms:\n  command: [[a], b]\n");
  EXPECT_FALSE(c);
  expect_diag(at(2, 13), "each 'command' argument must be text, got a list");

  c = load("alarms:\n  command: [sh, -c, \"echo $ONAIR_ALARM_MESSAGE\"]\n");  // allowed: explicit
  ASSERT_TRUE(c) << all_messages(diags);
  EXPECT_EQ(c->alarms.command.size(), 3u);
  EXPECT_TRUE(diags.items().empty()) << all_messages(diags);
}

TEST_F(StationConfigTest, OutputValues) {
  for (const std::string ok : {"default", "null", "pa:system", "\"pa:USB Audio\""}) {
    auto c = load("output: " + ok + "\n");
    EXPECT_TRUE(c) << ok << "\n" << all_messages(diags);
  }
  auto c = load("output: null\n");
  ASSERT_TRUE(c) << all_messages(diags);
  EXPECT_EQ(c->output, "null");
  c = load("output:\nlog_level: info\n");  // empty: an error, not silently the null sink
  EXPECT_FALSE(c);
  expect_diag(at(1, 1), "'output' must be text, got an empty value");
  c = load("output: defualt\n");
  EXPECT_FALSE(c);
  expect_diag(at(1, 9), "invalid value 'defualt' for 'output': expected default | pa:NAME | wav:PATH | null | icecast://… | listen://… | rtp://…; did you mean 'default'?");
  c = load("output: wav:nowhere/x.wav\n");
  EXPECT_FALSE(c);
  expect_diag(at(1, 9), "its folder " + (dir / "nowhere").string() + " does not exist");
  c = load("output: \"pa:\"\n");
  EXPECT_FALSE(c);
  expect_diag(at(1, 9), "give a device name");
}

TEST_F(StationConfigTest, FileLevelProblems) {
  Diagnostics d;
  EXPECT_FALSE(load_station_config(dir / "absent.yaml", d));
  ASSERT_EQ(d.error_count(), 1u);
  EXPECT_NE(d.items()[0].format().find("absent.yaml: error: cannot open the config file"), std::string::npos);

  auto c = load("# only a comment\n");
  EXPECT_FALSE(c);
  expect_diag(at(1, 1), "the config file is empty");

  c = load("media_root: media\n  schedules: [\n");
  EXPECT_FALSE(c);
  expect_diag(file().string() + ":2:", "YAML syntax error");

  c = load("- a list\n");
  EXPECT_FALSE(c);
  expect_diag(at(1, 1), "the station config must be a mapping of keys");

  c = load("media_root: media\nmedia_root: media\n");
  EXPECT_FALSE(c);
  expect_diag(at(2, 1), "duplicate key 'media_root'");
}

TEST_F(StationConfigTest, EmptySectionsMeanDefaultsAndAircheckCanBeEnabled) {
  auto c = load("silence:\nalarms:\naircheck:\n");
  ASSERT_TRUE(c) << all_messages(diags);
  EXPECT_FALSE(c->aircheck);
  EXPECT_EQ(c->silence.after, Duration(10s));

  c = load("aircheck: {dir: rec}\n");
  ASSERT_TRUE(c) << all_messages(diags);
  ASSERT_TRUE(c->aircheck);
  EXPECT_EQ(c->aircheck->dir, dir / "rec");
  EXPECT_EQ(c->aircheck->format, AirCheckFormat::mp3);
  EXPECT_EQ(c->aircheck->bitrate_kbps, 128);
  EXPECT_EQ(c->aircheck->retention_days, 31);

  c = load("aircheck: {dir: \"~/rec\"}\n");
  EXPECT_FALSE(c);
  expect_diag(at(1, 17), "'~' is not expanded");
}

TEST_F(StationConfigTest, LoudnessIsEveryDaysDefault) {
  auto none = load("media_root: media\n");
  ASSERT_TRUE(none) << all_messages(diags);
  EXPECT_FALSE(none->loudness);  // off unless asked for
  auto c = load("loudness: { target: -23, true_peak: -2 }\n");
  ASSERT_TRUE(c) << all_messages(diags);
  ASSERT_TRUE(c->loudness);
  EXPECT_FALSE(c->loudness->off);
  EXPECT_EQ(c->loudness->target, -23.0);
  EXPECT_EQ(c->loudness->true_peak, -2.0);
  EXPECT_FALSE(c->loudness->max_gain);
  EXPECT_FALSE(load("loudness: { target: -3, max_gian: 3 }\n"));
  expect_diag(at(1, 21), "'target' value -3 is out of range -40 to -5");
  expect_diag(at(1, 25), "max_gian");
}

TEST_F(StationConfigTest, SpeechCacheDictionaryAndExternalTts) {
  auto none = load("media_root: media\n");
  ASSERT_TRUE(none) << all_messages(diags);
  EXPECT_EQ(none->speech.cache_dir, dir / "cache/speech");  // beside the config, like asrun/ and log/
  EXPECT_FALSE(none->speech.dictionary);
  EXPECT_TRUE(none->speech.tts_command.empty());  // espeak-ng

  write_file(dir / "tu-dien.yaml", "UBND: ủy ban nhân dân\n\"Tp.\": thành phố\n");
  fs::create_directories(dir / "tts");
  auto c = load("speech:\n  cache_dir: tts\n  dictionary: tu-dien.yaml\ntts:\n  command: [sh, -c, \"cat\"]\n  timeout: 5\n");
  ASSERT_TRUE(c) << all_messages(diags);
  EXPECT_EQ(c->speech.cache_dir, dir / "tts");
  EXPECT_EQ(c->speech.dictionary, dir / "tu-dien.yaml");
  EXPECT_EQ(c->speech.words.words.at("UBND"), "ủy ban nhân dân");
  EXPECT_EQ(c->speech.words.words.at("Tp."), "thành phố");
  EXPECT_EQ(c->speech.tts_command, (std::vector<std::string>{"sh", "-c", "cat"}));
  EXPECT_EQ(c->speech.tts_timeout, Duration(5s));

  // A bad dictionary names its own file and line; a missing one names the config's line.
  write_file(dir / "bad.yaml", "UBND: ủy ban nhân dân\nTP: [thành, phố]\n");
  EXPECT_FALSE(load("speech: {dictionary: bad.yaml}\n"));
  expect_diag((dir / "bad.yaml").string() + ":2:", "TP");
  EXPECT_FALSE(load("speech:\n  dictionary: nowhere.yaml\n"));
  expect_diag(at(2, 15), (dir / "nowhere.yaml").string() + " does not exist");
  EXPECT_FALSE(load("speech: {voice: vi}\n"));
  expect_diag(at(1, 10), "voice");

  EXPECT_FALSE(load("tts:\n  command: \"piper --model vi\"\n"));
  expect_diag(at(2, 12), "must be a list of arguments");
  EXPECT_FALSE(load("tts: {timeout: 5}\n"));
  expect_diag(at(1, 1), "'tts' needs 'command'");
  EXPECT_FALSE(load("tts: {command: [./no/piper]}\n"));
  expect_diag(at(1, 17), "tts 'command' " + (dir / "no/piper").string() + " does not exist");
}
